// Value types of the HPA controller (autoscaling/v2), reduced to what the
// decision reads. All quantities are int64 milli-values; all instants are
// integer microseconds of wall time (year 1 to 9999 fit without overflow).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ksim::control::hpa {

using Instant = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;
using Duration = std::chrono::microseconds;

/// Go's zero time.Time (0001-01-01T00:00:00Z): what upstream reports as the
/// timestamp of Object and External Value proposals.
inline constexpr Instant kGoZeroTime{std::chrono::seconds(-62'135'596'800)};

enum class PodPhase { kPending, kRunning, kSucceeded, kFailed, kUnknown };
enum class ConditionStatus { kTrue, kFalse, kUnknown };

/// A container's name and resource requests (milli-values by resource name).
struct Container {
  std::string name;
  std::map<std::string, std::int64_t> requests_milli;
};

/// The parts of a v1 Pod the HPA reads.
struct Pod {
  std::string name;
  bool deleting = false;  // metadata.deletionTimestamp is set
  std::map<std::string, std::string> labels;
  PodPhase phase = PodPhase::kRunning;
  std::optional<Instant> start_time;
  std::optional<ConditionStatus> ready;  // the Ready condition, if present
  Instant ready_transition{};            // its lastTransitionTime
  std::vector<Container> containers;
  std::vector<Container> sidecars;  // init containers with restartPolicy Always
  std::map<std::string, std::int64_t> pod_requests_milli;  // spec.resources (pod level)
};

/// One metric sample of one pod (upstream metrics.PodMetric).
struct PodMetric {
  std::int64_t value_milli = 0;
  Instant timestamp{};
  Duration window{};
};
/// Samples by pod name; ordered so that every run iterates alike.
using PodMetricsInfo = std::map<std::string, PodMetric>;

struct Tolerances {
  double scale_down = 0.1;
  double scale_up = 0.1;
  /// upstream: replica_calculator.go Tolerances.isWithin (the interval form).
  [[nodiscard]] bool is_within(double ratio) const {
    return (1.0 - scale_down) <= ratio && ratio <= (1.0 + scale_up);
  }
};

struct LabelRequirement {
  std::string key;
  std::string op;  // In, NotIn, Exists, DoesNotExist
  std::vector<std::string> values;
};
struct LabelSelector {
  std::map<std::string, std::string> match_labels;
  std::vector<LabelRequirement> match_expressions;
  /// metav1.LabelSelectorAsSelector(...).Matches(labels).
  [[nodiscard]] bool matches(const std::map<std::string, std::string>& labels) const;
};

enum class MetricSourceType { kObject, kPods, kResource, kContainerResource, kExternal, kUnknown };
enum class MetricTargetType { kUnset, kUtilization, kValue, kAverageValue };

struct MetricTarget {
  MetricTargetType type = MetricTargetType::kUnset;
  std::optional<std::int64_t> value_milli;
  std::optional<std::int64_t> average_value_milli;
  std::optional<std::int32_t> average_utilization;
};

struct ObjectReference {
  std::string kind;
  std::string name;
  std::string api_version;
};

/// One entry of spec.metrics.
struct MetricSpec {
  MetricSourceType type = MetricSourceType::kResource;
  std::string type_name;      // as written (reported for an unknown type)
  std::string resource_name;  // Resource, ContainerResource
  std::string container;      // ContainerResource
  std::string metric_name;    // Pods, Object, External
  std::optional<LabelSelector> metric_selector;
  ObjectReference described_object;  // Object
  MetricTarget target;
};

enum class SelectPolicy { kMax, kMin, kDisabled };
enum class PolicyType { kPods, kPercent };

struct ScalingPolicy {
  PolicyType type = PolicyType::kPods;
  std::int32_t value = 0;
  std::int32_t period_seconds = 0;
};

/// One direction of spec.behavior; unset fields get the API defaults
/// (apply_behavior_defaults).
struct ScalingRules {
  std::optional<std::int32_t> stabilization_window_seconds;
  std::optional<SelectPolicy> select_policy;
  std::optional<std::vector<ScalingPolicy>> policies;
  std::optional<double> tolerance;  // AsApproximateFloat64 of the quantity
};

struct Behavior {
  std::optional<ScalingRules> scale_up;
  std::optional<ScalingRules> scale_down;
};

struct HpaSpec {
  std::string name;
  std::string namespace_;
  std::int64_t generation = 0;  // metadata.generation
  ObjectReference scale_target_ref;
  std::optional<std::int32_t> min_replicas;
  std::int32_t max_replicas = 0;
  std::vector<MetricSpec> metrics;
  std::optional<Behavior> behavior;
};

struct MetricValueStatus {
  std::optional<std::int64_t> value_milli;
  std::optional<std::int64_t> average_value_milli;
  std::optional<std::int32_t> average_utilization;
};

/// One entry of status.currentMetrics; `computed` is false for a metric that
/// failed (upstream leaves a zero MetricStatus, type "").
struct MetricStatus {
  bool computed = false;
  MetricSpec spec;  // identifies the metric (type, names, selector, object)
  MetricValueStatus current;
};

struct HpaCondition {
  std::string type;  // AbleToScale, ScalingActive, ScalingLimited, ScaledToZero
  ConditionStatus status = ConditionStatus::kUnknown;
  std::string reason;
  std::string message;
  Instant last_transition_time{};
};

struct HpaStatus {
  std::optional<std::int64_t> observed_generation;
  std::int32_t current_replicas = 0;
  std::int32_t desired_replicas = 0;
  std::optional<Instant> last_scale_time;
  std::vector<MetricStatus> current_metrics;
  std::vector<HpaCondition> conditions;
};

/// Controller memory that is not in the API (lost on controller restart).
struct Recommendation {
  std::int32_t replicas = 0;
  Instant time{};
};
struct ScaleEvent {
  std::int32_t replica_change = 0;
  Instant time{};
  bool outdated = false;
};
struct ControllerState {
  /// nullopt: no recommendation recorded for this HPA key since controller start.
  std::optional<std::vector<Recommendation>> recommendations;
  std::vector<ScaleEvent> scale_up_events;
  std::vector<ScaleEvent> scale_down_events;
};

/// kube-controller-manager settings (S6 defaults) and feature gates.
struct ControllerConfig {
  /// --horizontal-pod-autoscaler-sync-period and
  /// --concurrent-horizontal-pod-autoscaler-syncs: when the caller runs
  /// `reconcile` (the simulator's loop), not read by the decision itself.
  Duration sync_period = std::chrono::seconds(15);
  int concurrent_syncs = 5;
  double tolerance = 0.1;
  Duration cpu_initialization_period = std::chrono::minutes(5);
  Duration initial_readiness_delay = std::chrono::seconds(30);
  Duration downscale_stabilization = std::chrono::minutes(5);
  double legacy_scale_up_limit_factor = 2.0;
  double legacy_scale_up_limit_minimum = 4.0;
  // Gates default to the seed platform's release, 1.33 (and to the IO contract's
  // example): off; the newest behaviour is one "featureGates" entry away.
  bool configurable_tolerance = false;  // HPAConfigurableTolerance (alpha 1.33, beta on from 1.35)
  bool scale_to_zero = false;           // HPAScaleToZero (alpha 1.33, beta on from 1.37)
  bool pod_level_resources = true;      // PodLevelResources (beta, on from 1.34)
  bool hpa_generation = false;          // HPAGeneration: status.observedGeneration
};

}  // namespace ksim::control::hpa
