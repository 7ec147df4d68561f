// Checks a scenario's expectations (scenario/expect.h) against a trace
// (sim/trace/SCHEMA.md): what `ksim test` reports. Works on any trace with
// the schema's series, route windows and events, whatever made it.
//
// What each kind reads:
//   replicas     the Deployment's `<of>_replicas` series (sampled every
//                window): every sample in [from, to) within [min, max]
//   reach        the same series: the first sample at or after `after`
//                with >= `replicas`, no later than after + within
//   latency      the route's windows starting in [from, to): each window's
//                p50 / p95 / p99 <= the bound (windows with fewer than
//                minRequests requests are not judged)
//   errors       the route's (or all routes') windows in [from, to): summed
//                errors / summed requests <= maxRate
//   scaleEvents  the Deployment's ScalingReplicaSet events after its first
//                (the initial rollout) in [from, to): at most `max` in any
//                window of length `within`
//   nodes        the cluster `nodes` series: every sample in [from, to)
//                within [min, max]
//   cost         the run's cost (meta cost_dollars, else the last cluster
//                `cost` sample) <= max
//   pending      each pod from its first FailedScheduling to its Scheduled
//                (or its deletion, or the trace's end): at most `max`
#pragma once

#include <expected>
#include <span>
#include <string>
#include <vector>

#include "ksim/sim/scenario/expect.h"
#include "ksim/sim/trace/trace_reader.h"

namespace ksim::analysis {

struct ExpectResult {
  scenario::Expectation expectation;
  bool passed = false;
  /// What was expected, in words: "shop/worker ready replicas within [2, 24]
  /// from 0s to 30m0s".
  std::string expected;
  /// What happened, and when: "held (2 .. 24)", "was 1 at 12m30s".
  std::string observed;
};

/// Every expectation checked against the trace, in order; an error names the
/// trace read that failed.
std::expected<std::vector<ExpectResult>, std::string> check_expectations(
    const trace::TraceReader& trace, std::span<const scenario::Expectation> expectations);

}  // namespace ksim::analysis
