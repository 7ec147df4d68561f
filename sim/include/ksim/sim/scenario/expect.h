// A scenario's expectations (`expect:`), checked by `ksim test` against the
// trace of a run (analysis/expect.h). Each is one assertion over a time
// range [from, to) of the run (default: all of it). The format is described
// in scenarios/README.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ksim/sim/kernel/time.h"

namespace ksim::scenario {

enum class ExpectKind {
  kReplicas,     // a Deployment's replicas stay within [min, max]
  kReach,        // a Deployment reaches `replicas` within `within` after `after`
  kLatency,      // a route's p50/p95/p99 of every statistics window <= a bound
  kErrors,       // a route's (or every route's) error rate <= max_rate
  kScaleEvents,  // at most `max_events` replica changes in any `within` window
  kNodes,        // the node count stays within [min, max]
  kCost,         // the nodes' cost over the run <= max_dollars
  kPending,      // no pod Pending (unschedulable) longer than `max_pending`
};

/// "replicas", "reach", "latency", "errors", "scaleEvents", "nodes", "cost",
/// "pending" (the YAML keys).
std::string_view expect_kind_name(ExpectKind k);

/// Which replica count a Deployment expectation reads.
enum class ReplicaCount { kDesired, kCurrent, kReady };

struct Expectation {
  ExpectKind kind = ExpectKind::kReplicas;
  int line = 0;  // where it is written in the scenario file
  /// The range it covers; nullopt: the run's start / end.
  std::optional<Duration> from;
  std::optional<Duration> to;
  /// kReplicas, kReach, kScaleEvents: "ns/name" or "name" (unique).
  std::string deployment;
  ReplicaCount count = ReplicaCount::kReady;
  /// kReplicas, kNodes: bounds (nullopt: unbounded).
  std::optional<double> min;
  std::optional<double> max;
  /// kReach: the replicas to reach, after `after`, within `within`.
  std::int32_t replicas = 0;
  Duration after{};
  /// kReach: the deadline; kScaleEvents: the sliding window.
  Duration within{};
  /// kLatency, kErrors: "GET /path" as the trace names routes, or a path
  /// alone when one route has it; "" for kErrors: every route together.
  std::string route;
  /// kLatency: the percentile (50, 95 or 99) and its bound.
  int percentile = 99;
  Duration latency{};
  /// kLatency: windows with fewer requests are not judged (a p99 of a few
  /// requests is their maximum).
  std::int64_t min_requests = 1;
  /// kErrors: errors / requests at most this (0..1).
  double max_rate = 0;
  /// kScaleEvents: at most this many changes in any `within`.
  std::int32_t max_events = 0;
  /// kCost: dollars at most.
  double max_dollars = 0;
  /// kPending: the longest a pod may stay unschedulable.
  Duration max_pending{};
};

}  // namespace ksim::scenario
