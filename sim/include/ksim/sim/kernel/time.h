// Simulated time: an integer count of microseconds behind std::chrono's
// strong types, so `30s`, `250ms` and `5min` (std::chrono_literals) are
// exact Durations and no floating-point seconds reach the kernel.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace ksim {

/// A signed span of time in whole microseconds.
using Duration = std::chrono::duration<std::int64_t, std::micro>;

/// The clock tag of simulated (virtual) time. It has no now(): the current
/// time is whatever the Simulator says it is. Time zero is the run's start.
struct VirtualClock {
  using rep = std::int64_t;
  using period = std::micro;
  using duration = Duration;
  using time_point = std::chrono::time_point<VirtualClock, Duration>;
  static constexpr bool is_steady =
      true;  // NOLINT(readability-identifier-naming): std::chrono name
};

/// An instant of simulated time, microseconds since the start of the run.
using Time = VirtualClock::time_point;

inline constexpr Time kTimeZero{};
inline constexpr Time kTimeMax{Duration{INT64_MAX}};

/// Microseconds since the start of the run.
constexpr std::int64_t to_us(Time t) { return t.time_since_epoch().count(); }
constexpr Time time_from_us(std::int64_t us) { return Time{Duration{us}}; }

/// Parses a Go/Kubernetes-style duration: a sequence of decimal numbers, each
/// with a unit ("h", "m", "s", "ms", "us", "µs", "ns"), e.g. "30s", "1m30s",
/// "1.5h", "250ms". A leading '-' negates. A bare "0" is zero. Fractions are
/// rounded to the nearest microsecond. Returns an error message on bad input
/// or overflow.
std::expected<Duration, std::string> parse_duration(std::string_view text);

/// Formats a duration the way Kubernetes prints them: "0s", "250ms",
/// "1m30s", "2h0m5s", "1.5s", "12.000001s".
std::string format_duration(Duration d);

/// Formats an instant as the duration since the run's start.
inline std::string format_time(Time t) { return format_duration(t.time_since_epoch()); }

}  // namespace ksim
