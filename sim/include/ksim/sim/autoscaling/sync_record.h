// What one HPA sync decided, as plain values: the simulator's trace, the
// `explain` command and the tests read these (the SQLite trace is written
// elsewhere from them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ksim/control/hpa/normalization.h"
#include "ksim/control/hpa/reconcile.h"
#include "ksim/sim/kernel/time.h"

namespace ksim::autoscaling {

/// One spec.metrics entry at this sync: current value against target, in
/// the target's unit (a time series point).
struct HpaMetricValue {
  /// "Resource cpu", "ContainerResource cpu/app", "Pods <name>",
  /// "Object <Kind>/<name> <metric>", "External <metric>".
  std::string metric;
  control::hpa::MetricTargetType target_type = control::hpa::MetricTargetType::kUnset;
  /// Utilization: percent of request; Value and AverageValue: milli-units.
  std::optional<std::int64_t> target;
  /// status.currentMetrics in the same unit; nullopt when the metric was not
  /// computed this sync (failed, or the sync did not read metrics).
  std::optional<std::int64_t> current;
  /// Resource and ContainerResource: the average usage per pod (milli,
  /// currentMetrics averageValue), e.g. 150 for 150m of cpu.
  std::optional<std::int64_t> current_average_milli;
  friend bool operator==(const HpaMetricValue&, const HpaMetricValue&) = default;
};

struct HpaSyncRecord {
  Time time{};
  std::string hpa;                    // "namespace/name"
  std::string target;                 // the Deployment's "namespace/name"
  std::int32_t current_replicas = 0;  // scale.spec.replicas before the sync
  std::int32_t desired_replicas = 0;  // status.desiredReplicas after it
  bool scaled = false;                // spec.replicas was set to desired_replicas
  control::hpa::DecisionReason reason = control::hpa::DecisionReason::kComputed;
  std::optional<control::hpa::LimitReason> limit;  // reason kComputed only
  std::vector<control::hpa::MetricProposal> proposals;
  std::vector<HpaMetricValue> metrics;
  std::vector<control::hpa::Event> events;
  std::vector<control::hpa::HpaCondition> conditions;  // status.conditions after the sync
  std::optional<std::string> error;
  std::vector<std::string> explanation;  // the whole sync, sentence by sentence
  /// reason kComputed: stabilization and limits as numbers (the per-metric
  /// numbers are in each proposal's `detail`).
  std::optional<control::hpa::NormalizationDetail> normalization;
};

bool operator==(const HpaSyncRecord& a, const HpaSyncRecord& b);

/// The record of one reconcile: `hpa` and `target` are "namespace/name";
/// current_replicas is in.spec_replicas; the metric values pair in.spec's
/// metrics with result.status.currentMetrics.
HpaSyncRecord make_sync_record(Time now, std::string hpa, std::string target,
                               const control::hpa::ReconcileInput& in,
                               const control::hpa::ReconcileResult& result);

/// "Resource cpu", "Pods <name>", ... (HpaMetricValue::metric).
std::string describe_metric(const control::hpa::MetricSpec& spec);

}  // namespace ksim::autoscaling
