// Writing the `ksim hpa reconcile` result: autoscaling/v2 status as the API
// server would serialize it (omitempty fields left out), plus the decision.
#include "ksim/control/quantity.h"
#include "reconcile_io.h"
#include "time_text.h"

namespace ksim::cli::hpa {
namespace {

namespace h = control::hpa;
using nlohmann::ordered_json;

ordered_json selector_json(const h::LabelSelector& s) {
  ordered_json j = ordered_json::object();
  if (!s.match_labels.empty()) j["matchLabels"] = s.match_labels;
  if (!s.match_expressions.empty()) {
    ordered_json exprs = ordered_json::array();
    for (const h::LabelRequirement& r : s.match_expressions) {
      ordered_json e{{"key", r.key}, {"operator", r.op}};
      if (!r.values.empty()) e["values"] = r.values;
      exprs.push_back(e);
    }
    j["matchExpressions"] = exprs;
  }
  return j;
}

ordered_json identifier_json(const h::MetricSpec& m) {
  ordered_json j{{"name", m.metric_name}};
  if (m.metric_selector) j["selector"] = selector_json(*m.metric_selector);
  return j;
}

// `binary`: memory averages use BinarySI (upstream buildQuantity).
ordered_json value_json(const h::MetricValueStatus& v, bool binary = false) {
  ordered_json j = ordered_json::object();
  if (v.value_milli) j["value"] = control::format_milli_quantity(*v.value_milli);
  if (v.average_value_milli) {
    j["averageValue"] = binary ? control::format_milli_quantity_binary(*v.average_value_milli)
                               : control::format_milli_quantity(*v.average_value_milli);
  }
  if (v.average_utilization) j["averageUtilization"] = *v.average_utilization;
  return j;
}

ordered_json metric_status_json(const h::MetricStatus& s) {
  if (!s.computed) return ordered_json{{"type", ""}};
  const h::MetricSpec& m = s.spec;
  ordered_json j{{"type", m.type_name}};
  switch (m.type) {
    case h::MetricSourceType::kResource:
      j["resource"] = ordered_json{{"name", m.resource_name},
                                   {"current", value_json(s.current, m.resource_name == "memory")}};
      break;
    case h::MetricSourceType::kContainerResource:
      j["containerResource"] =
          ordered_json{{"name", m.resource_name},
                       {"container", m.container},
                       {"current", value_json(s.current, m.resource_name == "memory")}};
      break;
    case h::MetricSourceType::kPods:
      j["pods"] = ordered_json{{"metric", identifier_json(m)}, {"current", value_json(s.current)}};
      break;
    case h::MetricSourceType::kObject: {
      ordered_json d{{"kind", m.described_object.kind}, {"name", m.described_object.name}};
      if (!m.described_object.api_version.empty()) d["apiVersion"] = m.described_object.api_version;
      j["object"] = ordered_json{{"describedObject", d},
                                 {"metric", identifier_json(m)},
                                 {"current", value_json(s.current)}};
      break;
    }
    case h::MetricSourceType::kExternal:
      j["external"] =
          ordered_json{{"metric", identifier_json(m)}, {"current", value_json(s.current)}};
      break;
    case h::MetricSourceType::kUnknown:
      break;
  }
  return j;
}

const char* status_text(h::ConditionStatus s) {
  switch (s) {
    case h::ConditionStatus::kTrue:
      return "True";
    case h::ConditionStatus::kFalse:
      return "False";
    case h::ConditionStatus::kUnknown:
      break;
  }
  return "Unknown";
}

ordered_json time_or_null(h::Instant t) {
  if (t == h::kGoZeroTime) return nullptr;  // metav1.Time zero marshals as null
  return format_rfc3339_seconds(t);
}

ordered_json status_json(const h::HpaStatus& s) {
  ordered_json j = ordered_json::object();
  if (s.observed_generation) j["observedGeneration"] = *s.observed_generation;
  if (s.last_scale_time) j["lastScaleTime"] = format_rfc3339_seconds(*s.last_scale_time);
  j["currentReplicas"] = s.current_replicas;
  j["desiredReplicas"] = s.desired_replicas;
  if (!s.current_metrics.empty()) {
    ordered_json ms = ordered_json::array();
    for (const h::MetricStatus& m : s.current_metrics) ms.push_back(metric_status_json(m));
    j["currentMetrics"] = ms;
  }
  if (!s.conditions.empty()) {
    ordered_json cs = ordered_json::array();
    for (const h::HpaCondition& c : s.conditions) {
      cs.push_back(ordered_json{{"type", c.type},
                                {"status", status_text(c.status)},
                                {"lastTransitionTime", time_or_null(c.last_transition_time)},
                                {"reason", c.reason},
                                {"message", c.message}});
    }
    j["conditions"] = cs;
  }
  return j;
}

ordered_json state_json(const h::ControllerState& st) {
  ordered_json recs = ordered_json::array();
  for (const h::Recommendation& r : st.recommendations.value_or(std::vector<h::Recommendation>{})) {
    recs.push_back(ordered_json{{"replicas", r.replicas}, {"time", format_rfc3339_micros(r.time)}});
  }
  const auto events = [](const std::vector<h::ScaleEvent>& es) {
    ordered_json a = ordered_json::array();
    for (const h::ScaleEvent& e : es) {
      a.push_back(ordered_json{{"replicaChange", e.replica_change},
                               {"time", format_rfc3339_micros(e.time)},
                               {"outdated", e.outdated}});
    }
    return a;
  };
  return ordered_json{{"recommendations", recs},
                      {"scaleUpEvents", events(st.scale_up_events)},
                      {"scaleDownEvents", events(st.scale_down_events)}};
}

ordered_json proposal_json(const h::MetricProposal& p) {
  ordered_json j{{"type", p.type_name}, {"name", p.name}};
  j["replicas"] = p.replicas ? ordered_json(*p.replicas) : ordered_json(nullptr);
  j["timestamp"] =
      p.timestamp ? ordered_json(format_rfc3339_seconds(*p.timestamp)) : ordered_json(nullptr);
  j["error"] = p.error ? ordered_json(*p.error) : ordered_json(nullptr);
  return j;
}

}  // namespace

ordered_json reconcile_output(const h::ReconcileResult& r) {
  ordered_json out;
  out["desiredReplicas"] = r.desired_replicas;
  out["scaleUpdated"] = r.scale_updated;
  out["status"] = status_json(r.status);
  ordered_json props = ordered_json::array();
  for (const h::MetricProposal& p : r.proposals) props.push_back(proposal_json(p));
  out["proposals"] = props;
  out["state"] = state_json(r.state);
  ordered_json events = ordered_json::array();
  for (const h::Event& e : r.events) {
    events.push_back(ordered_json{
        {"type", e.warning ? "Warning" : "Normal"}, {"reason", e.reason}, {"message", e.message}});
  }
  out["events"] = events;
  ordered_json reason{{"decision", h::to_string(r.reason)}};
  if (r.limit) reason["limit"] = h::to_string(*r.limit);
  out["reason"] = reason;
  out["error"] = r.error ? ordered_json(*r.error) : ordered_json(nullptr);
  out["explanation"] = r.explanation;
  return out;
}

}  // namespace ksim::cli::hpa
