// One sync. upstream: horizontal.go reconcileAutoscaler, setStatus,
// setCurrentReplicasAndMetricsInStatus, setConditionInList, tolerancesForHpa,
// recordInitialRecommendation, and the ScaledToZero logic of
// kubernetes/kubernetes#135118 (feature gate HPAScaleToZero).
#include "ksim/control/hpa/reconcile.h"

#include <algorithm>

#include "compute_metrics.h"
#include "ksim/control/hpa/selector.h"
#include "text.h"

namespace ksim::control::hpa {
namespace {

constexpr const char* kScaledToZero = "ScaledToZero";

// upstream: tolerancesForHpa.
Tolerances tolerances_for(const HpaSpec& spec, const ControllerConfig& config) {
  Tolerances t{config.tolerance, config.tolerance};
  if (!spec.behavior || !config.configurable_tolerance) return t;
  if (spec.behavior->scale_down && spec.behavior->scale_down->tolerance) {
    t.scale_down = *spec.behavior->scale_down->tolerance;
  }
  if (spec.behavior->scale_up && spec.behavior->scale_up->tolerance) {
    t.scale_up = *spec.behavior->scale_up->tolerance;
  }
  return t;
}

bool has_object_or_external(const HpaSpec& spec) {
  return std::any_of(spec.metrics.begin(), spec.metrics.end(), [](const MetricSpec& m) {
    return m.type == MetricSourceType::kObject || m.type == MetricSourceType::kExternal;
  });
}

void remove_condition(std::vector<HpaCondition>& cs, const std::string& type) {
  std::erase_if(cs, [&](const HpaCondition& c) { return c.type == type; });
}

bool condition_true(const std::vector<HpaCondition>& cs, const std::string& type) {
  return std::any_of(cs.begin(), cs.end(), [&](const HpaCondition& c) {
    return c.type == type && c.status == ConditionStatus::kTrue;
  });
}

std::string reference(const HpaSpec& spec) {
  return spec.scale_target_ref.kind + "/" + spec.namespace_ + "/" + spec.scale_target_ref.name;
}

// The default metric the API server adds when spec.metrics is empty.
HpaSpec with_default_metric(HpaSpec spec) {
  if (spec.metrics.empty()) {
    MetricSpec cpu;
    cpu.type = MetricSourceType::kResource;
    cpu.type_name = "Resource";
    cpu.resource_name = "cpu";
    cpu.target.type = MetricTargetType::kUtilization;
    cpu.target.average_utilization = 80;
    spec.metrics.push_back(cpu);
  }
  return spec;
}

struct Sync {
  const ReconcileInput& in;
  ReconcileResult& out;
  std::int32_t current = 0;
  std::int32_t min_replicas = 1;
  std::int32_t desired = 0;
  std::string rescale_reason;
  std::vector<MetricStatus> statuses;
};

void compute_from_metrics(Sync& s, ReconcileInput& in, bool raise_to_min);
bool write_scale(Sync& s, bool gate);

// upstream: setStatus rebuilds the status without observedGeneration and
// sets it to metadata.generation only with the HPAGeneration gate.
void set_observed_generation(const ReconcileInput& in, HpaStatus& status) {
  status.observed_generation.reset();
  if (in.config.hpa_generation) status.observed_generation = in.spec.generation;
}

// upstream: recordInitialRecommendation.
void record_initial_recommendation(std::int32_t current, Instant now, ReconcileResult& out) {
  if (out.state.recommendations) return;
  out.state.recommendations = std::vector<Recommendation>{{current, now}};
  out.explanation.push_back("first sync since controller start: recorded recommendation " +
                            std::to_string(current));
}

// upstream: the first steps of reconcileAutoscaler (schema.ParseGroupVersion
// of scaleTargetRef.apiVersion, then the scale read). True when they failed.
bool scale_unreadable(const ReconcileInput& in, ReconcileResult& out) {
  const std::string& gv = in.spec.scale_target_ref.api_version;
  std::string event;
  if (std::count(gv.begin(), gv.end(), '/') > 1) {
    event = "unexpected GroupVersion string: " + gv;
    out.error = "invalid API version in scale target reference: " + event;
  } else if (in.scale_read_error) {
    event = *in.scale_read_error;
    out.error = "failed to query scale subresource for " + reference(in.spec) + ": " + event;
  } else {
    return false;
  }
  out.events.push_back(Event{true, "FailedGetScale", event});
  set_condition(out.status.conditions, "AbleToScale", ConditionStatus::kFalse, "FailedGetScale",
                "the HPA controller was unable to get the target's current scale: " + event,
                in.now);
  out.reason = DecisionReason::kScaleUnavailable;
  out.desired_replicas = out.status.desired_replicas;
  out.explanation.push_back("the target's scale could not be read: " + event);
  return true;
}

}  // namespace

void set_condition(std::vector<HpaCondition>& conditions, const std::string& type,
                   ConditionStatus status, const std::string& reason, const std::string& message,
                   Instant now) {
  auto it = std::find_if(conditions.begin(), conditions.end(),
                         [&](const HpaCondition& c) { return c.type == type; });
  bool fresh = false;
  if (it == conditions.end()) {
    conditions.push_back(HpaCondition{type, status, "", "", now});
    it = conditions.end() - 1;
    fresh = true;
  }
  if (!fresh && it->status != status) it->last_transition_time = now;
  it->status = status;
  it->reason = reason;
  it->message = message;
}

std::string to_string(DecisionReason r) {
  switch (r) {
    case DecisionReason::kScaleUnavailable:
      return "ScaleUnavailable";
    case DecisionReason::kScalingDisabled:
      return "ScalingDisabled";
    case DecisionReason::kAboveMaxReplicas:
      return "AboveMaxReplicas";
    case DecisionReason::kBelowMinReplicas:
      return "BelowMinReplicas";
    case DecisionReason::kMetricsFailed:
      return "MetricsFailed";
    case DecisionReason::kComputed:
      return "Computed";
  }
  return "Computed";
}

ReconcileResult reconcile(const ReconcileInput& raw_input) {
  ReconcileInput in = raw_input;
  in.spec = with_default_metric(in.spec);
  ReconcileResult out;
  out.state = in.state;
  out.status = in.status;
  auto& conds = out.status.conditions;
  if (scale_unreadable(in, out)) return out;
  set_condition(conds, "AbleToScale", ConditionStatus::kTrue, "SucceededGetScale",
                "the HPA controller was able to get the target's current scale", in.now);
  Sync s{in, out, 0, 1, 0, {}, {}};
  s.current = in.spec_replicas;
  record_initial_recommendation(s.current, in.now, out);
  s.min_replicas = in.spec.min_replicas.value_or(1);
  const bool gate = in.config.scale_to_zero;
  // shouldComputeMetricsForZeroReplicas: a target at 0 is autoscaled only when
  // the HPA itself scaled it there (scaledToZeroCondition = gate on and
  // ScaledToZero=True) and either minReplicas != 0 or an Object/External
  // metric can bring it back. With the gate off a target at 0 is always
  // paused, whatever minReplicas says (upstream horizontal_test.go
  // TestScaleUpFromZeroWithoutCondition, TestScaleUpFromZeroOneMetricInvalid,
  // TestScaleUpCMObject "... with feature gate disabled").
  const bool scaled_to_zero = gate && condition_true(conds, kScaledToZero);
  const bool at_zero_allowed =
      scaled_to_zero && (s.min_replicas != 0 || has_object_or_external(in.spec));
  bool rescale = true;
  if (s.current == 0 && !at_zero_allowed) {
    s.desired = 0;
    rescale = false;
    out.reason = DecisionReason::kScalingDisabled;
    set_condition(conds, "ScalingActive", ConditionStatus::kFalse, "ScalingDisabled",
                  "scaling is disabled since the replica count of the target is zero", in.now);
    if (!gate) remove_condition(conds, kScaledToZero);
    out.explanation.push_back(
        "target at 0 replicas and not scaled to zero by the HPA: autoscaling is disabled");
  } else if (s.current > in.spec.max_replicas) {
    s.rescale_reason = "Current number of replicas above Spec.MaxReplicas";
    s.desired = in.spec.max_replicas;
    out.reason = DecisionReason::kAboveMaxReplicas;
    out.explanation.push_back("current " + std::to_string(s.current) + " above maxReplicas " +
                              std::to_string(in.spec.max_replicas) + ": desired = maxReplicas");
  } else if (s.current < s.min_replicas && s.current != 0) {
    s.rescale_reason = "Current number of replicas below Spec.MinReplicas";
    s.desired = s.min_replicas;
    out.reason = DecisionReason::kBelowMinReplicas;
    out.explanation.push_back("current " + std::to_string(s.current) + " below minReplicas " +
                              std::to_string(s.min_replicas) + ": desired = minReplicas");
  } else {
    // Includes a target at 0 that may leave it (see at_zero_allowed).
    compute_from_metrics(s, in, s.current == 0 && s.min_replicas != 0 && scaled_to_zero);
    if (out.reason == DecisionReason::kMetricsFailed) return out;
  }
  if (out.reason != DecisionReason::kScalingDisabled) rescale = s.desired != s.current;
  if (rescale) {
    if (!write_scale(s, gate)) return out;
  } else {
    s.desired = s.current;
    out.explanation.push_back("no rescale: desired stays " + std::to_string(s.current));
  }
  out.status.current_replicas = s.current;
  out.status.desired_replicas = s.desired;
  out.status.current_metrics = s.statuses;
  set_observed_generation(in, out.status);
  out.desired_replicas = s.desired;
  return out;
}

namespace {

// The scale write and what follows it (upstream: the `if rescale` block of
// reconcileAutoscaler). False when the write failed (status already set).
bool write_scale(Sync& s, bool gate) {
  const ReconcileInput& in = s.in;
  ReconcileResult& out = s.out;
  auto& conds = out.status.conditions;
  if (in.scale_update_fails) {
    const std::string err = "the scale subresource update was rejected";
    out.events.push_back(Event{true, "FailedRescale",
                               "New size: " + std::to_string(s.desired) +
                                   "; reason: " + s.rescale_reason + "; error: " + err});
    set_condition(conds, "AbleToScale", ConditionStatus::kFalse, "FailedUpdateScale",
                  "the HPA controller was unable to update the target scale: " + err, in.now);
    out.status.current_replicas = s.current;
    out.status.current_metrics = s.statuses;
    set_observed_generation(in, out.status);
    out.desired_replicas = out.status.desired_replicas;
    out.error = "failed to rescale " + reference(in.spec) + ": " + err;
    out.explanation.push_back("the scale write failed: desiredReplicas stays " +
                              std::to_string(out.status.desired_replicas));
    return false;
  }
  set_condition(
      conds, "AbleToScale", ConditionStatus::kTrue, "SucceededRescale",
      "the HPA controller was able to update the target scale to " + std::to_string(s.desired),
      in.now);
  out.events.push_back(
      Event{false, "SuccessfulRescale",
            "New size: " + std::to_string(s.desired) + "; reason: " + s.rescale_reason});
  if (in.spec.behavior) {
    store_scale_event(resolve_behavior(*in.spec.behavior, in.config.downscale_stabilization),
                      s.current, s.desired, out.state, in.now);
  }
  if (gate) {
    const bool to_zero =
        s.current > 0 && s.desired == 0 && s.min_replicas == 0 && has_object_or_external(in.spec);
    set_condition(conds, kScaledToZero, to_zero ? ConditionStatus::kTrue : ConditionStatus::kFalse,
                  to_zero ? "ScaledToZero" : "NotScaledToZero",
                  to_zero ? "the HPA controller scaled the workload to zero"
                          : "the HPA controller did not scale the workload to zero",
                  in.now);
  } else {
    remove_condition(conds, kScaledToZero);
  }
  out.status.last_scale_time = in.now;
  out.scale_updated = true;
  out.explanation.push_back("scale " + std::to_string(s.current) + " -> " +
                            std::to_string(s.desired) + " (" + s.rescale_reason + ")");
  return true;
}

// upstream: validateAndParseSelector (without the AmbiguousSelector check,
// which needs the other HPAs). Filters `in.pods`; returns the error, if any.
std::optional<std::string> apply_selector(ReconcileInput& in, ReconcileResult& out) {
  if (!in.selector) return std::nullopt;
  auto& conds = out.status.conditions;
  if (in.selector->empty()) {
    out.events.push_back(Event{true, "SelectorRequired", "selector is required"});
    set_condition(conds, "ScalingActive", ConditionStatus::kFalse, "InvalidSelector",
                  "the HPA target's scale is missing a selector", in.now);
    return "selector is required";
  }
  auto sel = parse_label_selector(*in.selector);
  if (!sel) {
    const std::string msg =
        "couldn't convert selector into a corresponding internal selector object: " + sel.error();
    out.events.push_back(Event{true, "InvalidSelector", msg});
    set_condition(conds, "ScalingActive", ConditionStatus::kFalse, "InvalidSelector", msg, in.now);
    return msg;
  }
  std::erase_if(in.pods, [&](const Pod& p) { return !sel->matches(p.labels); });
  return std::nullopt;
}

// Stabilization and limits (upstream: normalizeDesiredReplicas or
// normalizeDesiredReplicasWithBehaviors) and the conditions they set.
void normalize(Sync& s, const ReconcileInput& in, std::int32_t desired) {
  ReconcileResult& out = s.out;
  auto& conds = out.status.conditions;
  Normalized n;
  auto& recs = *out.state.recommendations;
  if (!in.spec.behavior) {
    n = normalize_legacy(s.current, desired, s.min_replicas, in.spec.max_replicas, in.config, recs,
                         in.now);
  } else {
    n = normalize_with_behavior(
        s.current, desired, s.min_replicas, in.spec.max_replicas,
        resolve_behavior(*in.spec.behavior, in.config.downscale_stabilization), recs, out.state,
        in.now);
  }
  for (const std::string& e : n.explanation) out.explanation.push_back(e);
  set_condition(conds, "AbleToScale", ConditionStatus::kTrue, to_string(n.stabilization),
                n.stabilization_message, in.now);
  set_condition(conds, "ScalingLimited",
                n.limited ? ConditionStatus::kTrue : ConditionStatus::kFalse, to_string(n.limit),
                n.limit_message, in.now);
  s.desired = n.desired;
  out.limit = n.limit;
  out.normalization = n.detail;
}

void compute_from_metrics(Sync& s, ReconcileInput& in, bool raise_to_min) {
  ReconcileResult& out = s.out;
  auto& conds = out.status.conditions;
  const Tolerances tol = tolerances_for(in.spec, in.config);
  detail::MetricsOutcome m;
  if (auto err = apply_selector(in, out)) {
    m.error = *err;  // replicas stays -1, no statuses
  } else {
    m = detail::compute_replicas_for_metrics(in, tol, conds, out.events);
  }
  out.proposals = m.proposals;
  s.statuses = m.statuses;
  for (const MetricProposal& p : m.proposals) {
    const std::string head = p.type_name + " " + p.name + ": ";
    if (p.error) out.explanation.push_back(head + "failed: " + *p.error);
    for (const std::string& e : p.explanation) out.explanation.push_back(head + e);
  }
  if (m.replicas == -1) {
    out.reason = DecisionReason::kMetricsFailed;
    out.status.current_replicas = s.current;
    out.status.current_metrics = m.statuses;
    set_observed_generation(in, out.status);
    out.desired_replicas = out.status.desired_replicas;
    out.events.push_back(Event{true, "FailedComputeMetricsReplicas", m.error.value_or("")});
    out.error = "failed to compute desired number of replicas based on listed metrics for " +
                reference(in.spec) + ": " + m.error.value_or("");
    out.explanation.push_back(
        "no usable proposal, or a failing metric would allow a scale-down: "
        "no scaling, desiredReplicas stays " +
        std::to_string(out.status.desired_replicas));
    return;
  }
  if (m.error) out.error = m.error;
  std::string rescale_metric;
  std::int32_t desired = 0;
  if (m.replicas > desired) {
    desired = m.replicas;
    rescale_metric = m.metric;
  }
  if (desired > s.current) s.rescale_reason = rescale_metric + " above target";
  if (desired < s.current) s.rescale_reason = "All metrics below target";
  out.explanation.push_back("largest proposal across metrics: " + std::to_string(m.replicas) +
                            (m.metric.empty() ? "" : " (" + m.metric + ")"));
  normalize(s, in, desired);
  if (raise_to_min && s.desired < s.min_replicas) {
    s.desired = s.min_replicas;
    if (s.rescale_reason.empty()) {
      s.rescale_reason = "Current number of replicas below Spec.MinReplicas";
    }
    out.explanation.push_back("scaling up from zero: raised to minReplicas " +
                              std::to_string(s.min_replicas));
  }
}

}  // namespace

}  // namespace ksim::control::hpa
