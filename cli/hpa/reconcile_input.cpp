// Reading the `ksim hpa reconcile` document into the library's value types.
#include <set>

#include "json_reader.h"
#include "reconcile_io.h"

namespace ksim::cli::hpa {
namespace {

namespace h = control::hpa;

h::ControllerConfig parse_controller(const std::optional<JsonAt>& c) {
  h::ControllerConfig cfg;
  if (!c) return cfg;
  if (auto v = c->get("tolerance")) cfg.tolerance = v->number();
  if (auto v = c->get("cpuInitializationPeriod")) cfg.cpu_initialization_period = v->duration();
  if (auto v = c->get("initialReadinessDelay")) cfg.initial_readiness_delay = v->duration();
  if (auto v = c->get("downscaleStabilization")) cfg.downscale_stabilization = v->duration();
  if (auto v = c->get("legacyScaleUpLimitFactor")) cfg.legacy_scale_up_limit_factor = v->number();
  if (auto v = c->get("legacyScaleUpLimitMinimum")) cfg.legacy_scale_up_limit_minimum = v->number();
  if (auto g = c->get("featureGates")) {
    for (const auto& [name, value] : g->json().items()) {
      const JsonAt at(value, g->path() + "." + name);
      if (name == "HPAConfigurableTolerance") {
        cfg.configurable_tolerance = at.boolean();
      } else if (name == "HPAScaleToZero") {
        cfg.scale_to_zero = at.boolean();
      } else if (name == "PodLevelResources") {
        cfg.pod_level_resources = at.boolean();
      } else if (name == "HPAGeneration") {
        cfg.hpa_generation = at.boolean();
      } else {
        (void)at.boolean();  // other gates do not change the decision
      }
    }
  }
  return cfg;
}

h::LabelSelector parse_selector(const JsonAt& s) {
  h::LabelSelector sel;
  if (auto ml = s.get("matchLabels")) {
    if (!ml->json().is_object()) ml->fail("expected an object");
    for (const auto& [k, v] : ml->json().items())
      sel.match_labels[k] = JsonAt(v, ml->path() + "." + k).str();
  }
  if (auto me = s.get("matchExpressions")) {
    for (const JsonAt& e : me->items()) {
      h::LabelRequirement r{e.at("key").str(), e.at("operator").str(), {}};
      if (auto vals = e.get("values")) {
        for (const JsonAt& v : vals->items()) r.values.push_back(v.str());
      }
      sel.match_expressions.push_back(r);
    }
  }
  return sel;
}

h::MetricTarget parse_target(const std::optional<JsonAt>& at) {
  // A missing target is a decision too: the controller then reports "invalid
  // ... metric source: neither ... target was set" (horizontal_test.go's fake
  // lists exactly such a default `Resource cpu` metric).
  if (!at) return h::MetricTarget{};
  const JsonAt& t = *at;
  h::MetricTarget target;
  // An absent type is accepted: the controller itself only reads the fields
  // (and the Object path then reports "neither a value target nor ...").
  const std::string type = t.get("type") ? t.at("type").str() : "";
  if (type.empty()) {
    target.type = h::MetricTargetType::kUnset;
  } else if (type == "Utilization") {
    target.type = h::MetricTargetType::kUtilization;
  } else if (type == "Value") {
    target.type = h::MetricTargetType::kValue;
  } else if (type == "AverageValue") {
    target.type = h::MetricTargetType::kAverageValue;
  } else {
    t.at("type").fail("expected Utilization, Value or AverageValue");
  }
  if (auto v = t.get("value")) target.value_milli = v->milli();
  if (auto v = t.get("averageValue")) target.average_value_milli = v->milli();
  if (auto v = t.get("averageUtilization")) target.average_utilization = v->int32();
  return target;
}

void parse_metric_identifier(const JsonAt& src, h::MetricSpec& m) {
  const JsonAt metric = src.at("metric");
  m.metric_name = metric.at("name").str();
  if (auto s = metric.get("selector")) m.metric_selector = parse_selector(*s);
}

h::MetricSpec parse_metric(const JsonAt& at) {
  h::MetricSpec m;
  m.type_name = at.at("type").str();
  if (m.type_name == "Resource" || m.type_name == "ContainerResource") {
    const bool container = m.type_name == "ContainerResource";
    m.type = container ? h::MetricSourceType::kContainerResource : h::MetricSourceType::kResource;
    const JsonAt src = at.at(container ? "containerResource" : "resource");
    m.resource_name = src.at("name").str();
    if (container) m.container = src.at("container").str();
    m.target = parse_target(src.get("target"));
  } else if (m.type_name == "Pods") {
    m.type = h::MetricSourceType::kPods;
    const JsonAt src = at.at("pods");
    parse_metric_identifier(src, m);
    m.target = parse_target(src.get("target"));
  } else if (m.type_name == "Object") {
    m.type = h::MetricSourceType::kObject;
    const JsonAt src = at.at("object");
    const JsonAt d = src.at("describedObject");
    m.described_object = {d.at("kind").str(), d.at("name").str(),
                          d.get("apiVersion") ? d.at("apiVersion").str() : ""};
    parse_metric_identifier(src, m);
    m.target = parse_target(src.get("target"));
  } else if (m.type_name == "External") {
    m.type = h::MetricSourceType::kExternal;
    const JsonAt src = at.at("external");
    parse_metric_identifier(src, m);
    m.target = parse_target(src.get("target"));
  } else {
    m.type = h::MetricSourceType::kUnknown;  // a decision too: InvalidMetricSourceType
  }
  return m;
}

h::ScalingRules parse_rules(const JsonAt& r) {
  h::ScalingRules rules;
  // API validation of HPAScalingRules (spec 8.1): the API server rejects these.
  if (auto v = r.get("stabilizationWindowSeconds")) {
    rules.stabilization_window_seconds = v->int32();
    if (*rules.stabilization_window_seconds < 0 || *rules.stabilization_window_seconds > 3600) {
      v->fail("must be between 0 and 3600");
    }
  }
  if (auto v = r.get("selectPolicy")) {
    const std::string s = v->str();
    if (s == "Max")
      rules.select_policy = h::SelectPolicy::kMax;
    else if (s == "Min")
      rules.select_policy = h::SelectPolicy::kMin;
    else if (s == "Disabled")
      rules.select_policy = h::SelectPolicy::kDisabled;
    else
      v->fail("expected Max, Min or Disabled");
  }
  if (auto v = r.get("policies")) {
    std::vector<h::ScalingPolicy> ps;
    for (const JsonAt& p : v->items()) {
      h::ScalingPolicy sp;
      const std::string type = p.at("type").str();
      if (type == "Pods")
        sp.type = h::PolicyType::kPods;
      else if (type == "Percent")
        sp.type = h::PolicyType::kPercent;
      else
        p.at("type").fail("expected Pods or Percent");
      sp.value = p.at("value").int32();
      if (sp.value <= 0) p.at("value").fail("must be greater than 0");
      sp.period_seconds = p.at("periodSeconds").int32();
      if (sp.period_seconds <= 0 || sp.period_seconds > 1800) {
        p.at("periodSeconds").fail("must be greater than 0 and at most 1800");
      }
      ps.push_back(sp);
    }
    rules.policies = ps;
  }
  if (auto v = r.get("tolerance")) {
    rules.tolerance = v->approximate();
    if (*rules.tolerance < 0) v->fail("must be greater than or equal to 0");
  }
  return rules;
}

h::ConditionStatus parse_status(const JsonAt& s) {
  const std::string v = s.str();
  if (v == "True") return h::ConditionStatus::kTrue;
  if (v == "False") return h::ConditionStatus::kFalse;
  if (v == "Unknown") return h::ConditionStatus::kUnknown;
  s.fail("expected True, False or Unknown");
}

void parse_hpa_spec(const JsonAt& hpa, h::HpaSpec& spec) {
  if (auto md = hpa.get("metadata")) {
    if (auto n = md->get("name")) spec.name = n->str();
    if (auto n = md->get("namespace")) spec.namespace_ = n->str();
    if (auto g = md->get("generation")) spec.generation = g->integer();
  }
  if (spec.namespace_.empty()) spec.namespace_ = "default";
  const JsonAt s = hpa.at("spec");
  const JsonAt ref = s.at("scaleTargetRef");
  spec.scale_target_ref = {ref.at("kind").str(), ref.at("name").str(),
                           ref.get("apiVersion") ? ref.at("apiVersion").str() : ""};
  if (auto v = s.get("minReplicas")) spec.min_replicas = v->int32();
  spec.max_replicas = s.at("maxReplicas").int32();
  if (auto ms = s.get("metrics")) {
    for (const JsonAt& m : ms->items()) spec.metrics.push_back(parse_metric(m));
  }
  if (auto v1 = s.get("targetCPUUtilizationPercentage"); v1 && spec.metrics.empty()) {
    h::MetricSpec cpu;  // autoscaling/v1 form
    cpu.type_name = "Resource";
    cpu.resource_name = "cpu";
    cpu.target.type = h::MetricTargetType::kUtilization;
    cpu.target.average_utilization = v1->int32();
    spec.metrics.push_back(cpu);
  }
  if (auto b = s.get("behavior")) {
    h::Behavior behavior;
    if (auto up = b->get("scaleUp")) behavior.scale_up = parse_rules(*up);
    if (auto down = b->get("scaleDown")) behavior.scale_down = parse_rules(*down);
    spec.behavior = behavior;
  }
}

h::HpaStatus parse_hpa_status(const std::optional<JsonAt>& st) {
  h::HpaStatus status;
  if (!st) return status;
  if (auto v = st->get("observedGeneration")) status.observed_generation = v->integer();
  if (auto v = st->get("currentReplicas")) status.current_replicas = v->int32();
  if (auto v = st->get("desiredReplicas")) status.desired_replicas = v->int32();
  if (auto v = st->get("lastScaleTime")) status.last_scale_time = v->time();
  if (auto cs = st->get("conditions")) {
    for (const JsonAt& c : cs->items()) {
      h::HpaCondition cond;
      cond.type = c.at("type").str();
      cond.status = parse_status(c.at("status"));
      if (auto r = c.get("reason")) cond.reason = r->str();
      if (auto m = c.get("message")) cond.message = m->str();
      cond.last_transition_time = h::kGoZeroTime;
      if (auto t = c.get("lastTransitionTime")) cond.last_transition_time = t->time();
      status.conditions.push_back(cond);
    }
  }
  return status;
}

}  // namespace

// Defined in reconcile_input_objects.cpp.
void parse_pods(const std::optional<JsonAt>& list, std::vector<h::Pod>& pods);
void parse_metrics_apis(const JsonAt& doc, h::MetricsApis& apis);
void parse_state(const std::optional<JsonAt>& st, h::ControllerState& state);
std::vector<JsonAt> list_items(const JsonAt& list);

h::ReconcileInput parse_reconcile_input(const nlohmann::json& json) {
  const JsonAt doc(json, "");
  if (!json.is_object()) throw UsageError("the document must be a JSON object");
  h::ReconcileInput in;
  in.now = doc.at("now").time();
  in.config = parse_controller(doc.get("controller"));
  const JsonAt hpa = doc.at("hpa");
  parse_hpa_spec(hpa, in.spec);
  in.status = parse_hpa_status(hpa.get("status"));
  const JsonAt scale = doc.at("scale");
  in.spec_replicas = scale.at("specReplicas").int32();
  in.status_replicas = in.spec_replicas;
  if (auto v = scale.get("statusReplicas")) in.status_replicas = v->int32();
  if (auto v = scale.get("selector")) in.selector = v->str();
  parse_pods(doc.get("pods"), in.pods);
  parse_metrics_apis(doc, in.metrics);
  parse_state(doc.get("state"), in.state);
  if (auto v = doc.get("scaleUpdateFails")) in.scale_update_fails = v->boolean();
  if (auto v = doc.get("scaleReadFails"); v && v->boolean()) {
    in.scale_read_error = "the server could not find the requested resource";
  }
  return in;
}

}  // namespace ksim::cli::hpa
