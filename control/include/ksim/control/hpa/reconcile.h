// One HPA sync (upstream: horizontal.go reconcileAutoscaler), as a pure
// function: the HPA, its target's scale, the pods, what the metrics APIs
// return, the controller's memory and "now" in; the decision, the new status,
// the events, the new memory and the explanation out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ksim/control/hpa/normalization.h"
#include "ksim/control/hpa/replica_calculator.h"
#include "ksim/control/hpa/types.h"

namespace ksim::control::hpa {

/// metrics.k8s.io PodMetrics.
struct ContainerUsage {
  std::string name;
  std::map<std::string, std::int64_t> usage_milli;
};
struct PodMetricsItem {
  std::string name;
  std::string namespace_;
  Instant timestamp{};
  Duration window{};
  std::vector<ContainerUsage> containers;
};
/// custom.metrics.k8s.io MetricValue (Pod-described items answer Pods metrics).
struct CustomMetricItem {
  ObjectReference described_object;
  std::string metric_name;
  Instant timestamp{};
  std::optional<std::int64_t> window_seconds;
  std::int64_t value_milli = 0;
};
/// external.metrics.k8s.io ExternalMetricValue.
struct ExternalMetricItem {
  std::string metric_name;
  std::map<std::string, std::string> labels;
  Instant timestamp{};
  std::int64_t value_milli = 0;
};

/// What the three metrics APIs answer; a failing API returns an error.
struct MetricsApis {
  std::vector<PodMetricsItem> resource;
  std::vector<CustomMetricItem> custom;
  std::vector<ExternalMetricItem> external;
  bool resource_fails = false;
  bool pods_fails = false;
  bool object_fails = false;
  bool external_fails = false;
};

struct ReconcileInput {
  Instant now{};
  ControllerConfig config;
  HpaSpec spec;
  HpaStatus status;  // the HPA's status before this sync
  std::int32_t spec_replicas = 0;
  std::int32_t status_replicas = 0;
  /// scale.status.selector; nullopt: `pods` are already the selected pods.
  std::optional<std::string> selector;
  std::vector<Pod> pods;  // the pods in the namespace (filtered by `selector`)
  MetricsApis metrics;
  ControllerState state;
  /// The read of the scale subresource fails with this error (FailedGetScale).
  std::optional<std::string> scale_read_error;
  bool scale_update_fails = false;
};

/// One metric's proposal (failed metrics carry the error instead).
struct MetricProposal {
  MetricSourceType type = MetricSourceType::kResource;
  std::string type_name;
  std::string name;
  std::optional<std::int32_t> replicas;
  std::optional<Instant> timestamp;
  std::optional<std::string> error;
  std::vector<std::string> explanation;
  /// Resource and Pods metrics: the per-pod numbers and the arithmetic.
  std::optional<CalcDetail> detail;
};

struct Event {
  bool warning = false;
  std::string reason;
  std::string message;
};

/// The branch that decided the sync.
enum class DecisionReason {
  kScaleUnavailable,  // the target's scale could not be read (FailedGetScale)
  kScalingDisabled,   // target at 0 replicas and not allowed to leave it
  kAboveMaxReplicas,  // current > maxReplicas: desired = max, no metrics
  kBelowMinReplicas,  // current < minReplicas: desired = min, no metrics
  kMetricsFailed,     // no usable proposal (or a failure would scale down)
  kComputed,          // metrics computed and normalized
};
std::string to_string(DecisionReason r);

struct ReconcileResult {
  std::int32_t desired_replicas = 0;  // status.desiredReplicas after the sync
  bool scale_updated = false;
  HpaStatus status;
  std::vector<MetricProposal> proposals;
  ControllerState state;
  std::optional<std::string> error;
  std::vector<Event> events;
  DecisionReason reason = DecisionReason::kComputed;
  std::optional<LimitReason> limit;  // kComputed only
  /// kComputed only: the stabilization and limits as numbers.
  std::optional<NormalizationDetail> normalization;
  std::vector<std::string> explanation;
};

ReconcileResult reconcile(const ReconcileInput& input);

/// upstream: setConditionInList. lastTransitionTime moves only on a flip.
void set_condition(std::vector<HpaCondition>& conditions, const std::string& type,
                   ConditionStatus status, const std::string& reason, const std::string& message,
                   Instant now);

/// `%+v` of a *metav1.LabelSelector as upstream prints it in metric names.
std::string go_selector_text(const std::optional<LabelSelector>& s);

}  // namespace ksim::control::hpa
