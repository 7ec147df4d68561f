// The per-metric step of one sync. upstream: horizontal.go
// computeReplicasForMetrics, computeReplicasForMetric,
// computeStatusForResourceMetricGeneric, computeStatusFor{Resource,
// ContainerResource,Pods,Object,External}Metric; metrics/client.go (what the
// metrics client makes of the API answers).
#include "compute_metrics.h"

#include <algorithm>

#include "text.h"

namespace ksim::control::hpa::detail {
namespace {

constexpr const char* kApiDown = "the server is currently unable to handle the request";

struct One {
  std::int32_t replicas = 0;
  std::string description;
  Instant timestamp{};
  MetricValueStatus current;
  std::vector<std::string> explanation;
  std::optional<CalcDetail> detail;
};
// A failure: the condition reason, the condition's error text, the returned error.
struct Failure {
  std::string reason;
  std::string condition_error;
  std::string error;
};
using OneResult = std::expected<One, Failure>;

CalcParams params_of(const ReconcileInput& in, const Tolerances& tol) {
  return CalcParams{tol, in.config.cpu_initialization_period, in.config.initial_readiness_delay,
                    in.now, in.config.pod_level_resources};
}

// upstream: metrics/client.go GetResourceMetric (getPodMetrics / getContainerMetrics).
std::expected<std::pair<PodMetricsInfo, Instant>, std::string> resource_metrics(
    const MetricsApis& api, const std::string& resource, const std::string& container) {
  if (api.resource_fails) {
    return std::unexpected(std::string("unable to fetch metrics from resource metrics API: ") +
                           kApiDown);
  }
  if (api.resource.empty()) {
    return std::unexpected(std::string("no metrics returned from resource metrics API"));
  }
  PodMetricsInfo info;
  for (const PodMetricsItem& m : api.resource) {
    if (!container.empty()) {
      // getContainerMetrics (newest): a pod without the container, or whose
      // container lacks the resource, has no sample (older clients errored).
      const auto c = std::find_if(m.containers.begin(), m.containers.end(),
                                  [&](const ContainerUsage& u) { return u.name == container; });
      if (c == m.containers.end()) continue;
      const auto it = c->usage_milli.find(resource);
      if (it != c->usage_milli.end()) info[m.name] = PodMetric{it->second, m.timestamp, m.window};
      continue;
    }
    // getPodMetrics: the sum over containers; any container without the
    // resource (or no containers) leaves the pod without a sample.
    bool missing = m.containers.empty();
    std::int64_t sum = 0;
    for (const ContainerUsage& c : m.containers) {
      const auto it = c.usage_milli.find(resource);
      if (it == c.usage_milli.end()) {
        missing = true;
        break;
      }
      sum += it->second;
    }
    if (!missing) info[m.name] = PodMetric{sum, m.timestamp, m.window};
  }
  return std::pair{info, api.resource.front().timestamp};
}

OneResult resource_generic(const ReconcileInput& in, const MetricSpec& spec, const Tolerances& tol,
                           bool container_source) {
  const std::string& res = spec.resource_name;
  const std::string container = container_source ? spec.container : "";
  const char* reason =
      container_source ? "FailedGetContainerResourceMetric" : "FailedGetResourceMetric";
  const std::string outer = container_source
                                ? "failed to get " + spec.container + " container metric value: "
                                : "failed to get " + res + " resource metric value: ";
  auto fail = [&](const std::string& e) { return std::unexpected(Failure{reason, e, outer + e}); };
  const bool by_value = spec.target.average_value_milli.has_value();
  if (!by_value && !spec.target.average_utilization) {
    return fail(
        "invalid resource metric source: neither an average utilization target nor an average "
        "value (usage) target was set");
  }
  const std::string what =
      by_value ? "failed to get " + res + " usage: " : "failed to get " + res + " utilization: ";
  auto fetched = resource_metrics(in.metrics, res, container);
  if (!fetched)
    return fail(what + "unable to get metrics for resource " + res + ": " + fetched.error());
  const CalcParams p = params_of(in, tol);
  One one;
  CalcResult r;
  if (by_value) {
    r = calc_plain_metric_replicas(in.spec_replicas, *spec.target.average_value_milli, res, in.pods,
                                   fetched->first, fetched->second, p);
    one.description = res + " resource";
  } else {
    r = get_resource_replicas(in.spec_replicas, *spec.target.average_utilization, res, container,
                              in.pods, fetched->first, fetched->second, p);
    one.description = res + (container_source ? " container" : "") +
                      " resource utilization (percentage of request)";
  }
  if (!r) return fail(what + r.error());
  one.replicas = r->replicas;
  one.timestamp = r->timestamp;
  one.explanation = r->explanation;
  one.detail = r->detail;
  one.current.average_value_milli = r->usage;
  if (!by_value) one.current.average_utilization = r->utilization;
  return one;
}

OneResult pods_metric(const ReconcileInput& in, const MetricSpec& spec, const Tolerances& tol) {
  auto fail = [](const std::string& e) {
    return std::unexpected(
        Failure{"FailedGetPodsMetric", e, "failed to get pods metric value: " + e});
  };
  const std::string prefix = "unable to get metric " + spec.metric_name + ": ";
  if (!spec.target.average_value_milli) {
    return fail("invalid pods metric source: an average value target was not set");
  }
  if (in.metrics.pods_fails) {
    return fail(prefix + "unable to fetch metrics from custom metrics API: " + kApiDown);
  }
  // upstream: GetRawMetric; a sample without windowSeconds gets 1 minute.
  PodMetricsInfo info;
  Instant first{};
  bool any = false;
  for (const CustomMetricItem& m : in.metrics.custom) {
    if (m.described_object.kind != "Pod" || m.metric_name != spec.metric_name) continue;
    if (!any) first = m.timestamp;
    any = true;
    const Duration window = std::chrono::seconds(m.window_seconds.value_or(60));
    info[m.described_object.name] = PodMetric{m.value_milli, m.timestamp, window};
  }
  if (!any) return fail(prefix + "no metrics returned from custom metrics API");
  auto r = calc_plain_metric_replicas(in.spec_replicas, *spec.target.average_value_milli, "",
                                      in.pods, info, first, params_of(in, tol));
  if (!r) return fail(r.error());
  return One{r->replicas,    "pods metric " + spec.metric_name,
             r->timestamp,   MetricValueStatus{std::nullopt, r->usage, std::nullopt},
             r->explanation, r->detail};
}

OneResult object_metric(const ReconcileInput& in, const MetricSpec& spec, const Tolerances& tol) {
  const bool value = spec.target.type == MetricTargetType::kValue && spec.target.value_milli;
  const bool average =
      spec.target.type == MetricTargetType::kAverageValue && spec.target.average_value_milli;
  const std::string outer = "failed to get object metric value: ";
  if (!value && !average) {
    const std::string e =
        "invalid object metric source: neither a value target nor an average value target was set";
    return std::unexpected(Failure{"FailedGetObjectMetric", e, outer + e});
  }
  const ObjectReference& obj = spec.described_object;
  const CustomMetricItem* found = nullptr;
  for (const CustomMetricItem& m : in.metrics.custom) {
    if (m.described_object.kind == obj.kind && m.described_object.name == obj.name &&
        m.metric_name == spec.metric_name) {
      found = &m;
      break;
    }
  }
  std::string fetch_error;
  if (in.metrics.object_fails) {
    fetch_error = std::string("unable to fetch metrics from custom metrics API: ") + kApiDown;
  } else if (found == nullptr) {
    fetch_error =
        "unable to fetch metrics from custom metrics API: the server could not find the "
        "metric " +
        spec.metric_name + " for " + obj.kind + " " + obj.name;
  }
  if (!fetch_error.empty()) {
    // upstream (newest GetObjectMetricReplicas / GetObjectPerPodMetricReplicas):
    // "unable to get metric %s on %s %s/%s: %w" (metric, kind, namespace, name).
    const std::string e = "unable to get metric " + spec.metric_name + " on " + obj.kind + " " +
                          in.spec.namespace_ + "/" + obj.name + ": " + fetch_error;
    const std::string ret =
        value ? e : "failed to get " + spec.metric_name + " object metric: " + e;
    return std::unexpected(Failure{"FailedGetObjectMetric", e, outer + ret});
  }
  CalcResult r =
      value ? get_object_value_replicas(in.spec_replicas, *spec.target.value_milli,
                                        found->value_milli, in.pods, tol)
            : get_object_per_pod_replicas(in.status_replicas, *spec.target.average_value_milli,
                                          found->value_milli, found->timestamp, tol);
  if (!r) return std::unexpected(Failure{"FailedGetObjectMetric", r.error(), outer + r.error()});
  One one{r->replicas, "", r->timestamp, {}, r->explanation, std::nullopt};
  if (value) {
    one.description = obj.kind + " metric " + spec.metric_name;
    one.current.value_milli = r->usage;
  } else {
    one.description =
        "external metric " + spec.metric_name + "(" + go_selector_text(spec.metric_selector) + ")";
    one.current.average_value_milli = r->usage;
  }
  return one;
}

OneResult external_metric(const ReconcileInput& in, const MetricSpec& spec, const Tolerances& tol) {
  const std::string sel = go_selector_text(spec.metric_selector);
  const std::string outer = "failed to get " + spec.metric_name + " external metric value: ";
  const bool average = spec.target.average_value_milli.has_value();
  if (!average && !spec.target.value_milli) {
    const std::string e =
        "invalid external metric source: neither a value target nor an average value target was "
        "set";
    return std::unexpected(Failure{"FailedGetExternalMetric", e, outer + e});
  }
  std::vector<std::int64_t> values;
  Instant first{};
  for (const ExternalMetricItem& m : in.metrics.external) {
    if (m.metric_name != spec.metric_name) continue;
    // The external metrics API answers the selector; upstream's client sums
    // whatever comes back (GetExternalMetric). Labelled series stand for a
    // server's answer and are filtered by the selector; unlabelled ones (as
    // upstream's fakes return them) answer any selector of that metric.
    if (spec.metric_selector && !m.labels.empty() && !spec.metric_selector->matches(m.labels)) {
      continue;
    }
    if (values.empty()) first = m.timestamp;
    values.push_back(m.value_milli);
  }
  std::string fetch_error;
  if (in.metrics.external_fails) {
    fetch_error = std::string("unable to fetch metrics from external metrics API: ") + kApiDown;
  } else if (values.empty()) {
    fetch_error = "no metrics returned from external metrics API";
  }
  auto fail = [&](const std::string& e) {
    const std::string mid = average ? "failed to get " + spec.metric_name + " external metric: "
                                    : "failed to get external metric " + spec.metric_name + ": ";
    return std::unexpected(Failure{"FailedGetExternalMetric", e, outer + mid + e});
  };
  if (!fetch_error.empty()) {
    return fail("unable to get external metric " + in.spec.namespace_ + "/" + spec.metric_name +
                "/" + sel + ": " + fetch_error);
  }
  CalcResult r = average
                     ? get_external_per_pod_replicas(
                           in.status_replicas, *spec.target.average_value_milli, values, first, tol)
                     : get_external_value_replicas(in.spec_replicas, *spec.target.value_milli,
                                                   values, in.pods, tol);
  if (!r) return fail(r.error());
  One one{r->replicas,    "external metric " + spec.metric_name + "(" + sel + ")",
          r->timestamp,   {},
          r->explanation, std::nullopt};
  if (average) {
    one.current.average_value_milli = r->usage;
  } else {
    one.current.value_milli = r->usage;
  }
  return one;
}

OneResult compute_one(const ReconcileInput& in, const MetricSpec& spec, const Tolerances& tol) {
  switch (spec.type) {
    case MetricSourceType::kResource:
      return resource_generic(in, spec, tol, false);
    case MetricSourceType::kContainerResource:
      return resource_generic(in, spec, tol, true);
    case MetricSourceType::kPods:
      return pods_metric(in, spec, tol);
    case MetricSourceType::kObject:
      return object_metric(in, spec, tol);
    case MetricSourceType::kExternal:
      return external_metric(in, spec, tol);
    case MetricSourceType::kUnknown:
      break;
  }
  const std::string e = "unknown metric source type \"" + spec.type_name + "\"";
  return std::unexpected(Failure{"InvalidMetricSourceType", e, e});
}

std::string proposal_name(const MetricSpec& s) {
  switch (s.type) {
    case MetricSourceType::kResource:
      return s.resource_name;
    case MetricSourceType::kContainerResource:
      return s.resource_name;
    case MetricSourceType::kUnknown:
      return "";
    default:
      return s.metric_name;
  }
}

}  // namespace

MetricsOutcome compute_replicas_for_metrics(const ReconcileInput& in, const Tolerances& tol,
                                            std::vector<HpaCondition>& conditions,
                                            std::vector<Event>& events) {
  MetricsOutcome out;
  const auto& specs = in.spec.metrics;
  out.statuses.resize(specs.size());
  std::int32_t replicas = 0;
  std::size_t invalid = 0;
  std::optional<Failure> first_failure;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const MetricSpec& spec = specs[i];
    MetricProposal prop{spec.type, spec.type_name, proposal_name(spec), {}, {}, {}, {}, {}};
    OneResult r = compute_one(in, spec, tol);
    if (!r) {
      // upstream: getUnableComputeReplicaCountCondition emits the event.
      events.push_back(Event{true, r.error().reason, r.error().condition_error});
      if (!first_failure) first_failure = r.error();
      ++invalid;
      prop.error = r.error().error;
      out.proposals.push_back(std::move(prop));
      continue;
    }
    out.statuses[i] = MetricStatus{true, spec, r->current};
    prop.replicas = r->replicas;
    prop.timestamp = r->timestamp;
    prop.explanation = r->explanation;
    prop.detail = r->detail;
    out.proposals.push_back(std::move(prop));
    if (replicas == 0 || r->replicas > replicas) {
      out.timestamp = r->timestamp;
      replicas = r->replicas;
      out.metric = r->description;
    }
  }
  if (first_failure) {
    out.error = "invalid metrics (" + std::to_string(invalid) + " invalid out of " +
                std::to_string(specs.size()) + "), first error is: " + first_failure->error;
  }
  if (invalid >= specs.size() || (invalid > 0 && replicas < in.spec_replicas)) {
    if (first_failure) {
      set_condition(
          conditions, "ScalingActive", ConditionStatus::kFalse, first_failure->reason,
          "the HPA was unable to compute the replica count: " + first_failure->condition_error,
          in.now);
    }
    out.replicas = -1;
    return out;
  }
  set_condition(conditions, "ScalingActive", ConditionStatus::kTrue, "ValidMetricFound",
                "the HPA was able to successfully calculate a replica count from " + out.metric,
                in.now);
  out.replicas = replicas;
  return out;
}

}  // namespace ksim::control::hpa::detail

namespace ksim::control::hpa {

// The generated String() of metav1.LabelSelector, which `%+v` prints.
std::string go_selector_text(const std::optional<LabelSelector>& s) {
  if (!s) return "nil";
  std::string labels = "map[string]string{";
  for (const auto& [k, v] : s->match_labels) labels += k + ": " + v + ",";
  labels += "}";
  std::string exprs = "[]LabelSelectorRequirement{";
  for (const LabelRequirement& r : s->match_expressions) {
    std::string values = "[";
    for (std::size_t i = 0; i < r.values.size(); ++i) values += (i ? " " : "") + r.values[i];
    values += "]";
    exprs +=
        "LabelSelectorRequirement{Key:" + r.key + ",Operator:" + r.op + ",Values:" + values + ",},";
  }
  exprs += "}";
  return "&LabelSelector{MatchLabels:" + labels + ",MatchExpressions:" + exprs + ",}";
}

}  // namespace ksim::control::hpa
