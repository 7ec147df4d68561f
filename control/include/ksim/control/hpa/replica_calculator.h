// The per-metric arithmetic of the HPA (upstream: pkg/controller/podautoscaler
// replica_calculator.go and metrics/utilization.go), as pure functions over
// value types. Each returns the proposal and the sentences that explain it, or
// the upstream error message.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ksim/control/hpa/types.h"

namespace ksim::control::hpa {

/// Parameters of one replica calculation (the controller's flags and "now").
struct CalcParams {
  Tolerances tolerances;
  Duration cpu_initialization_period = std::chrono::minutes(5);
  Duration initial_readiness_delay = std::chrono::seconds(30);
  Instant now{};
  bool pod_level_resources = true;
};

/// The group a selected pod falls in (upstream: groupPods, hpa.md section 3).
enum class PodGroup { kReady, kUnready, kMissing, kIgnored };
/// "ready", "unready", "missing", "ignored".
std::string to_string(PodGroup g);

/// One pod's group and, unless ready, the rule that put it there.
struct PodGrouping {
  std::string name;
  PodGroup group = PodGroup::kReady;
  std::string reason;  // "" when ready
};

/// How the selected pods split (upstream: groupPods). Each pod is in exactly one
/// group; `why` holds one sentence per pod not counted as ready; `pods` is every
/// pod in input order.
struct PodGroups {
  int ready_count = 0;
  std::set<std::string> unready;
  std::set<std::string> missing;
  std::set<std::string> ignored;
  std::vector<std::string> why;
  std::vector<PodGrouping> pods;
};

/// upstream: groupPods. `resource` is the resource name ("cpu" triggers the
/// readiness rules) or empty for Pods metrics.
PodGroups group_pods(const std::vector<Pod>& pods, const PodMetricsInfo& metrics,
                     const std::string& resource, const CalcParams& params);

/// One pod's part in a Resource or Pods-style calculation (milli-values).
struct PodCalc {
  std::string name;
  PodGroup group = PodGroup::kReady;
  std::string reason;                         // why not ready; "" when ready
  std::optional<std::int64_t> usage_milli;    // its metric sample, if any
  std::optional<std::int64_t> request_milli;  // resource metrics: its request
  /// The value the conservative path filled in for it (missing pods: 0 on a
  /// scale-up, the request or target on a scale-down; unready pods: 0 on a
  /// scale-up with unready pods). Absent when it was not filled in.
  std::optional<std::int64_t> assumed_milli;
};

/// How the conservative path ended (replica_calculator.go after the fill).
enum class CalcOutcome {
  kWithinTolerance,  // fast path: ratio within tolerance, keep current
  kScaled,           // ceil(ratio x count)
  kKeepReversed,     // recomputed ratio within tolerance or flips direction
  kKeepAgainst,      // ceil(new ratio x count) moves against the ratio
};
/// "within-tolerance", "scaled", "keep-reversed", "keep-against".
std::string to_string(CalcOutcome o);

/// The numbers of a Resource (Utilization or AverageValue) or Pods metric
/// proposal, as the explanation sentences state them: what `explain` shows.
struct CalcDetail {
  std::vector<PodCalc> pods;  // every selected pod, in input order
  std::int32_t ready_count = 0;
  std::optional<std::int32_t> target_utilization;  // Utilization targets (percent)
  std::optional<std::int64_t> target_milli;        // AverageValue targets
  /// Utilization targets: the sums over the counted pods (decimal text, milli).
  std::string usage_total;
  std::string request_total;
  std::optional<std::int32_t> utilization;  // floor(100 x usage / request)
  std::int64_t average_milli = 0;           // floor(sum of usage / samples)
  double ratio = 0;
  double tolerance_low = 0.9;   // 1 - scale-down tolerance
  double tolerance_high = 1.1;  // 1 + scale-up tolerance
  bool conservative = false;    // missing or unready pods were filled in
  /// The conservative path's recomputation over the filled-in samples.
  std::optional<std::int32_t> new_utilization;
  std::string new_usage_total;
  std::string new_request_total;
  std::optional<double> new_ratio;
  /// N in ceil(ratio x N): ready pods (fast path) or filled samples.
  std::int32_t count = 0;
  CalcOutcome outcome = CalcOutcome::kWithinTolerance;
  std::int32_t replicas = 0;
};

/// A computed proposal. `usage` is the reported current value: the raw average
/// (milli) for resources, the average for Pods metrics, the value for Object and
/// External Value targets, the per-pod average for AverageValue targets.
struct ReplicaCalc {
  std::int32_t replicas = 0;
  std::int32_t utilization = 0;  // resource Utilization targets only
  std::int64_t usage = 0;
  Instant timestamp{};
  std::vector<std::string> explanation;
  /// Resource and Pods-style proposals: the numbers behind the sentences.
  std::optional<CalcDetail> detail;
};
using CalcResult = std::expected<ReplicaCalc, std::string>;

/// upstream: GetResourceReplicas after the metrics fetch. `metrics` holds the
/// per-pod usage (milli) of `resource`; `timestamp` is the first item's.
CalcResult get_resource_replicas(std::int32_t current_replicas, std::int32_t target_utilization,
                                 const std::string& resource, const std::string& container,
                                 const std::vector<Pod>& pods, PodMetricsInfo metrics,
                                 Instant timestamp, const CalcParams& params);

/// upstream: calcPlainMetricReplicas (Resource AverageValue and Pods metrics).
CalcResult calc_plain_metric_replicas(std::int32_t current_replicas, std::int64_t target_usage,
                                      const std::string& resource, const std::vector<Pod>& pods,
                                      PodMetricsInfo metrics, Instant timestamp,
                                      const CalcParams& params);

/// upstream: GetObjectMetricReplicas / getUsageRatioReplicaCount (Value target).
CalcResult get_object_value_replicas(std::int32_t current_replicas, std::int64_t target_usage,
                                     std::int64_t usage, const std::vector<Pod>& pods,
                                     const Tolerances& tolerances);

/// upstream: GetObjectPerPodMetricReplicas (AverageValue target; status replicas).
CalcResult get_object_per_pod_replicas(std::int32_t status_replicas, std::int64_t target_average,
                                       std::int64_t usage, Instant timestamp,
                                       const Tolerances& tolerances);

/// upstream: GetExternalMetricReplicas (Value target): the series are summed.
CalcResult get_external_value_replicas(std::int32_t current_replicas, std::int64_t target_usage,
                                       const std::vector<std::int64_t>& values,
                                       const std::vector<Pod>& pods, const Tolerances& tolerances);

/// upstream: GetExternalPerPodMetricReplicas (AverageValue target; status replicas).
CalcResult get_external_per_pod_replicas(std::int32_t status_replicas, std::int64_t target_per_pod,
                                         const std::vector<std::int64_t>& values, Instant timestamp,
                                         const Tolerances& tolerances);

/// upstream: calculateRequests. Requests (milli) by pod name, or the error.
std::expected<std::map<std::string, std::int64_t>, std::string> calculate_requests(
    const std::vector<Pod>& pods, const std::string& container, const std::string& resource,
    bool pod_level_resources);

/// upstream: metrics/utilization.go GetResourceUtilizationRatio, with the
/// big-integer fallback when int64 sums overflow.
struct UtilizationRatio {
  double ratio = 0;
  std::int32_t utilization = 0;
  std::int64_t raw_average = 0;
  std::string usage_total;  // the sums, as text (they may exceed int64)
  std::string request_total;
};
std::expected<UtilizationRatio, std::string> resource_utilization_ratio(
    const PodMetricsInfo& metrics, const std::map<std::string, std::int64_t>& requests,
    std::int32_t target_utilization);

/// upstream: metrics/utilization.go GetMetricUsageRatio. {ratio, average usage}.
std::pair<double, std::int64_t> metric_usage_ratio(const PodMetricsInfo& metrics,
                                                   std::int64_t target_usage);

/// Go's int32(math.Ceil(x)) as amd64 computes it: NaN or out of range gives
/// MinInt32 (upstream converts unchecked except where it caps explicitly).
std::int32_t ceil_to_int32(double x);
/// Go's int64(x) on amd64: NaN or out of range gives MinInt64.
std::int64_t go_int64(double x);

}  // namespace ksim::control::hpa
