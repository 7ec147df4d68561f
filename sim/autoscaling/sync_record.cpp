// Flattening a reconcile into its record.
#include "ksim/sim/autoscaling/sync_record.h"

#include <algorithm>
#include <utility>

namespace ksim::autoscaling {

namespace h = control::hpa;

std::string describe_metric(const h::MetricSpec& spec) {
  switch (spec.type) {
    case h::MetricSourceType::kResource:
      return "Resource " + spec.resource_name;
    case h::MetricSourceType::kContainerResource:
      return "ContainerResource " + spec.resource_name + "/" + spec.container;
    case h::MetricSourceType::kPods:
      return "Pods " + spec.metric_name;
    case h::MetricSourceType::kObject:
      return "Object " + spec.described_object.kind + "/" + spec.described_object.name + " " +
             spec.metric_name;
    case h::MetricSourceType::kExternal:
      return "External " + spec.metric_name;
    case h::MetricSourceType::kUnknown:
      break;
  }
  return spec.type_name;
}

namespace {

// The target and current value of one metric in the target's unit.
HpaMetricValue metric_value(const h::MetricSpec& spec, const h::MetricStatus* status) {
  HpaMetricValue v;
  v.metric = describe_metric(spec);
  v.target_type = spec.target.type;
  const bool resource = spec.type == h::MetricSourceType::kResource ||
                        spec.type == h::MetricSourceType::kContainerResource;
  const h::MetricValueStatus* cur = status != nullptr ? &status->current : nullptr;
  switch (spec.target.type) {
    case h::MetricTargetType::kUtilization:
      v.target = spec.target.average_utilization;
      if (cur != nullptr) v.current = cur->average_utilization;
      break;
    case h::MetricTargetType::kValue:
      v.target = spec.target.value_milli;
      if (cur != nullptr) v.current = cur->value_milli;
      break;
    case h::MetricTargetType::kAverageValue:
      v.target = spec.target.average_value_milli;
      if (cur != nullptr) v.current = cur->average_value_milli;
      break;
    case h::MetricTargetType::kUnset:
      break;
  }
  if (resource && cur != nullptr) v.current_average_milli = cur->average_value_milli;
  return v;
}

bool same(const h::MetricProposal& a, const h::MetricProposal& b) {
  return a.type == b.type && a.type_name == b.type_name && a.name == b.name &&
         a.replicas == b.replicas && a.timestamp == b.timestamp && a.error == b.error &&
         a.explanation == b.explanation;
}
bool same(const h::Event& a, const h::Event& b) {
  return a.warning == b.warning && a.reason == b.reason && a.message == b.message;
}
bool same(const h::HpaCondition& a, const h::HpaCondition& b) {
  return a.type == b.type && a.status == b.status && a.reason == b.reason &&
         a.message == b.message && a.last_transition_time == b.last_transition_time;
}
template <class T>
bool same_lists(const std::vector<T>& a, const std::vector<T>& b) {
  return std::ranges::equal(a, b, [](const T& x, const T& y) { return same(x, y); });
}

}  // namespace

HpaSyncRecord make_sync_record(Time now, std::string hpa, std::string target,
                               const h::ReconcileInput& in, const h::ReconcileResult& result) {
  HpaSyncRecord r;
  r.time = now;
  r.hpa = std::move(hpa);
  r.target = std::move(target);
  r.current_replicas = in.spec_replicas;
  r.desired_replicas = result.desired_replicas;
  r.scaled = result.scale_updated;
  r.reason = result.reason;
  r.limit = result.limit;
  r.proposals = result.proposals;
  const auto& statuses = result.status.current_metrics;
  for (std::size_t i = 0; i < in.spec.metrics.size(); ++i) {
    // currentMetrics is index-aligned with spec.metrics when the sync read
    // metrics, empty otherwise (above max, below min, disabled).
    const h::MetricStatus* st =
        i < statuses.size() && statuses[i].computed ? &statuses[i] : nullptr;
    r.metrics.push_back(metric_value(in.spec.metrics[i], st));
  }
  r.events = result.events;
  r.conditions = result.status.conditions;
  r.error = result.error;
  r.explanation = result.explanation;
  r.normalization = result.normalization;
  return r;
}

bool operator==(const HpaSyncRecord& a, const HpaSyncRecord& b) {
  return a.time == b.time && a.hpa == b.hpa && a.target == b.target &&
         a.current_replicas == b.current_replicas && a.desired_replicas == b.desired_replicas &&
         a.scaled == b.scaled && a.reason == b.reason && a.limit == b.limit &&
         same_lists(a.proposals, b.proposals) && a.metrics == b.metrics &&
         same_lists(a.events, b.events) && same_lists(a.conditions, b.conditions) &&
         a.error == b.error && a.explanation == b.explanation;
}

}  // namespace ksim::autoscaling
