// Internal: the per-metric step of one sync (upstream: horizontal.go
// computeReplicasForMetrics and the computeStatusFor*Metric functions).
#pragma once

#include "ksim/control/hpa/reconcile.h"
#include "ksim/control/hpa/replica_calculator.h"

namespace ksim::control::hpa::detail {

struct MetricsOutcome {
  // -1 when no usable proposal (upstream's "return -1").
  std::int32_t replicas = -1;
  std::string metric;  // description of the winning metric
  Instant timestamp{};
  std::vector<MetricStatus> statuses;
  std::vector<MetricProposal> proposals;
  std::optional<std::string> error;  // "invalid metrics (...)"
};

MetricsOutcome compute_replicas_for_metrics(const ReconcileInput& in, const Tolerances& tol,
                                            std::vector<HpaCondition>& conditions,
                                            std::vector<Event>& events);

}  // namespace ksim::control::hpa::detail
