// Simulated time as the control library's wall-clock instants. control/
// speaks metav1.Time (system_clock microseconds); the simulator counts
// microseconds from the run's start. One fixed mapping serves the
// metrics-server and the HPA controller alike, so every timestamp they
// exchange (sample times, Ready transitions, the HPA's recommendations) is
// on the same axis.
#pragma once

#include <chrono>

#include "ksim/control/hpa/types.h"
#include "ksim/sim/kernel/time.h"

namespace ksim::autoscaling {

using Instant = control::hpa::Instant;

/// The wall-clock instant of kTimeZero: 2026-01-01T00:00:00Z. Arbitrary but
/// fixed (determinism), and far from Go's zero time, which the HPA library
/// uses for "unset" timestamps.
inline constexpr Instant kRunEpoch{std::chrono::seconds{1'767'225'600}};

/// t as a wall-clock instant: kRunEpoch + (t - kTimeZero). Exact.
constexpr Instant to_instant(Time t) { return kRunEpoch + (t - kTimeZero); }

/// The inverse of to_instant.
constexpr Time to_time(Instant i) { return kTimeZero + (i - kRunEpoch); }

}  // namespace ksim::autoscaling
