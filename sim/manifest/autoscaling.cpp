// Reading HorizontalPodAutoscaler (autoscaling/v2; autoscaling/v1 converted as
// the API server does, pkg/apis/autoscaling/v1/conversion.go) into the HPA
// library's HpaSpec, with API defaulting (pkg/apis/autoscaling/v2/defaults.go)
// and validation (pkg/apis/autoscaling/validation).
#include "readers.h"

namespace ksim::manifest::detail {
namespace {

namespace h = control::hpa;

constexpr std::int32_t kDefaultCpuUtilization = 80;  // autoscaling.DefaultCPUUtilization

h::MetricSpec cpu_utilization(std::int32_t percent) {
  h::MetricSpec m;
  m.type = h::MetricSourceType::kResource;
  m.type_name = "Resource";
  m.resource_name = "cpu";
  m.target.type = h::MetricTargetType::kUtilization;
  m.target.average_utilization = percent;
  return m;
}

void positive_quantity(const Field& t, std::string_view key, std::optional<std::int64_t>& out) {
  auto f = t.get(key);
  if (!f) return;
  out = f->quantity_milli();
  if (out && *out <= 0) f->fail("must be positive");
}

// validateMetricTarget plus the per-source requirement of a target value.
h::MetricTarget read_target(const Field& t, h::MetricSourceType source) {
  h::MetricTarget target;
  if (!t.expect_map()) return target;
  (void)t.require("type");
  if (auto type = one_of(t, "type", {"Utilization", "Value", "AverageValue"})) {
    target.type = *type == "Utilization" ? h::MetricTargetType::kUtilization
                  : *type == "Value"     ? h::MetricTargetType::kValue
                                         : h::MetricTargetType::kAverageValue;
  }
  positive_quantity(t, "value", target.value_milli);
  positive_quantity(t, "averageValue", target.average_value_milli);
  if (auto u = t.get("averageUtilization")) {
    target.average_utilization = u->int32();
    if (target.average_utilization.value_or(1) < 1) u->fail("must be greater than 0");
  }
  const bool resource =
      source == h::MetricSourceType::kResource || source == h::MetricSourceType::kContainerResource;
  switch (target.type) {
    case h::MetricTargetType::kUtilization:
      if (!resource) t.get("type")->fail("Utilization is only valid for a resource metric");
      if (!target.average_utilization) t.fail_child("averageUtilization", "required field missing");
      break;
    case h::MetricTargetType::kAverageValue:
      if (!target.average_value_milli) t.fail_child("averageValue", "required field missing");
      break;
    case h::MetricTargetType::kValue:
      if (resource || source == h::MetricSourceType::kPods) {
        t.get("type")->fail("Value is not valid for this metric source");
      }
      if (!target.value_milli) t.fail_child("value", "required field missing");
      break;
    case h::MetricTargetType::kUnset:
      break;
  }
  return target;
}

void read_metric_identifier(const Field& src, h::MetricSpec& m) {
  auto metric = src.require("metric");
  if (!metric || !metric->expect_map()) return;
  if (auto n = metric->require("name"))
    if (auto s = n->str()) m.metric_name = *s;
  if (auto s = metric->get("selector")) m.metric_selector = read_label_selector(*s);
}

struct SourceKind {
  std::string_view type;  // spec.metrics[].type
  std::string_view key;   // the member holding the source
  h::MetricSourceType source;
};
constexpr SourceKind kSourceKinds[] = {
    {"Resource", "resource", h::MetricSourceType::kResource},
    {"ContainerResource", "containerResource", h::MetricSourceType::kContainerResource},
    {"Pods", "pods", h::MetricSourceType::kPods},
    {"Object", "object", h::MetricSourceType::kObject},
    {"External", "external", h::MetricSourceType::kExternal}};

void read_described_object(const Field& src, h::MetricSpec& m) {
  auto d = src.require("describedObject");
  if (!d || !d->expect_map()) return;
  set_str(*d, "apiVersion", m.described_object.api_version);
  if (auto k = d->require("kind"))
    if (auto s = k->str()) m.described_object.kind = *s;
  if (auto n = d->require("name"))
    if (auto s = n->str()) m.described_object.name = *s;
}

h::MetricSpec read_metric(const Field& f) {
  h::MetricSpec m;
  if (!f.expect_map()) return m;
  (void)f.require("type");
  auto type = one_of(f, "type", {"Resource", "ContainerResource", "Pods", "Object", "External"});
  if (!type) return m;
  m.type_name = *type;
  std::string_view key;
  for (const SourceKind& k : kSourceKinds) {
    if (k.type == *type) m.type = k.source, key = k.key;
  }
  auto src = f.require(key);
  if (!src || !src->expect_map()) return m;
  if (m.type == h::MetricSourceType::kResource ||
      m.type == h::MetricSourceType::kContainerResource) {
    if (auto n = src->require("name"))
      if (auto v = n->str()) m.resource_name = *v;
    if (m.type == h::MetricSourceType::kContainerResource) {
      if (auto c = src->require("container"))
        if (auto v = c->str()) m.container = *v;
    }
  } else {
    read_metric_identifier(*src, m);
  }
  if (m.type == h::MetricSourceType::kObject) read_described_object(*src, m);
  if (auto t = src->require("target")) m.target = read_target(*t, m.type);
  return m;
}

}  // namespace

HorizontalPodAutoscaler read_hpa(const Field& root, std::string_view api_version) {
  HorizontalPodAutoscaler hpa;
  hpa.api_version = std::string(api_version);
  h::HpaSpec& spec = hpa.spec;
  auto s = root.require("spec");
  if (!s || !s->expect_map()) return hpa;
  if (auto ref = s->require("scaleTargetRef"); ref && ref->expect_map()) {
    set_str(*ref, "apiVersion", spec.scale_target_ref.api_version);
    if (auto k = ref->require("kind"))
      if (auto v = k->str()) spec.scale_target_ref.kind = *v;
    if (auto n = ref->require("name"))
      if (auto v = n->str()) spec.scale_target_ref.name = *v;
  }
  // SetDefaults_HorizontalPodAutoscaler (v1 and v2): minReplicas 1.
  spec.min_replicas = 1;
  if (auto m = s->get("minReplicas")) {
    spec.min_replicas = m->int32();
    // 0 is kept: whether it is allowed depends on the HPAScaleToZero gate.
    if (spec.min_replicas.value_or(0) < 0) m->fail("must be greater than or equal to 0");
  }
  if (auto m = s->require("maxReplicas")) {
    spec.max_replicas = m->int32().value_or(1);
    if (spec.max_replicas < 1) {
      m->fail("must be greater than or equal to 1");
    } else if (spec.max_replicas < spec.min_replicas.value_or(1)) {
      m->fail("must be greater than or equal to `minReplicas`");
    }
  }
  if (api_version == "autoscaling/v1") {
    std::int32_t percent = kDefaultCpuUtilization;
    if (auto t = s->get("targetCPUUtilizationPercentage")) {
      percent = t->int32().value_or(percent);
      if (percent < 1) t->fail("must be greater than 0");
    }
    spec.metrics.push_back(cpu_utilization(percent));
    return hpa;
  }
  if (auto ms = s->get("metrics")) {
    for (const Field& m : ms->items()) spec.metrics.push_back(read_metric(m));
  }
  if (spec.metrics.empty()) spec.metrics.push_back(cpu_utilization(kDefaultCpuUtilization));
  if (auto b = s->get("behavior")) spec.behavior = read_hpa_behavior(*b);
  return hpa;
}

PodDisruptionBudget read_pdb(const Field& root) {
  PodDisruptionBudget pdb;
  auto spec = root.get("spec");
  if (!spec || !spec->expect_map()) return pdb;
  for (auto [key, out] : {std::pair{"minAvailable", &pdb.min_available},
                          std::pair{"maxUnavailable", &pdb.max_unavailable}}) {
    auto f = spec->get(key);
    if (!f) continue;
    *out = read_int_or_percent(*f);
    if (*out && (*out)->is_string && scaled_value(**out, 100, false) > 100) {
      f->fail("must not be greater than 100%");
    }
  }
  if (spec->get("minAvailable") && spec->get("maxUnavailable")) {
    spec->get("maxUnavailable")->fail("minAvailable and maxUnavailable cannot be both set");
  }
  if (auto sel = spec->get("selector")) pdb.selector = read_label_selector(*sel);
  if (auto p = one_of(*spec, "unhealthyPodEvictionPolicy", {"IfHealthyBudget", "AlwaysAllow"})) {
    pdb.unhealthy_pod_eviction_policy = *p;
  }
  return pdb;
}

}  // namespace ksim::manifest::detail
