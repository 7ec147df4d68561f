// Per-metric proposals. upstream: replica_calculator.go GetResourceReplicas,
// calcPlainMetricReplicas, GetObjectMetricReplicas, getUsageRatioReplicaCount,
// GetObjectPerPodMetricReplicas, GetExternalMetricReplicas,
// GetExternalPerPodMetricReplicas.
#include "ksim/control/hpa/replica_calculator.h"

#include <cmath>
#include <functional>
#include <limits>

#include "text.h"

namespace ksim::control::hpa {
namespace {

constexpr std::int32_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();

std::string tolerance_text(const Tolerances& t) {
  return "[" + text::num(1.0 - t.scale_down) + ", " + text::num(1.0 + t.scale_up) + "]";
}

std::string names(const std::set<std::string>& s) {
  std::string out;
  for (const std::string& n : s) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// What fills a missing or unready pod in the conservative path.
struct Fill {
  std::function<std::int64_t(const std::string&)> missing_on_scale_down;
  const char* missing_down_text;
};

// The fast and conservative paths shared by GetResourceReplicas and
// calcPlainMetricReplicas; `ratio_of` recomputes the usage ratio of a sample set.
std::int32_t conservative_replicas(
    std::int32_t current, double usage_ratio, const PodGroups& g, PodMetricsInfo& metrics,
    const Fill& fill,
    const std::function<std::expected<double, std::string>(const PodMetricsInfo&)>& ratio_of,
    const Tolerances& tol, std::vector<std::string>& why, std::string& error, CalcDetail& d) {
  const bool scale_up_with_unready = !g.unready.empty() && usage_ratio > 1.0;
  d.ratio = usage_ratio;
  d.tolerance_low = 1.0 - tol.scale_down;
  d.tolerance_high = 1.0 + tol.scale_up;
  d.ready_count = g.ready_count;
  if (!scale_up_with_unready && g.missing.empty()) {
    if (tol.is_within(usage_ratio)) {
      d.outcome = CalcOutcome::kWithinTolerance;
      why.push_back("ratio " + text::num(usage_ratio) + " within tolerance " + tolerance_text(tol) +
                    " -> keep current " + std::to_string(current));
      return current;
    }
    const std::int32_t r = ceil_to_int32(usage_ratio * static_cast<double>(g.ready_count));
    d.outcome = CalcOutcome::kScaled;
    d.count = g.ready_count;
    why.push_back("ratio " + text::num(usage_ratio) + " outside tolerance " + tolerance_text(tol) +
                  " -> ceil(" + text::num(usage_ratio) + " x " + std::to_string(g.ready_count) +
                  " ready pods) = " + std::to_string(r));
    return r;
  }
  if (!g.missing.empty()) {
    if (usage_ratio < 1.0) {
      for (const std::string& n : g.missing)
        metrics[n] = PodMetric{fill.missing_on_scale_down(n), {}, {}};
      why.push_back("scale-down: missing pods (" + names(g.missing) + ") assumed at " +
                    fill.missing_down_text);
    } else if (usage_ratio > 1.0) {
      for (const std::string& n : g.missing) metrics[n] = PodMetric{0, {}, {}};
      why.push_back("scale-up: missing pods (" + names(g.missing) + ") assumed at 0");
    }
  }
  if (scale_up_with_unready) {
    for (const std::string& n : g.unready) metrics[n] = PodMetric{0, {}, {}};
    why.push_back("scale-up: unready pods (" + names(g.unready) + ") assumed at 0");
  }
  d.conservative = true;
  auto new_ratio_or = ratio_of(metrics);
  if (!new_ratio_or) {
    error = new_ratio_or.error();
    return 0;
  }
  const double new_ratio = *new_ratio_or;
  d.new_ratio = new_ratio;
  d.count = static_cast<std::int32_t>(metrics.size());
  d.outcome = CalcOutcome::kKeepReversed;
  if (tol.is_within(new_ratio) || (usage_ratio < 1.0 && new_ratio > 1.0) ||
      (usage_ratio > 1.0 && new_ratio < 1.0)) {
    why.push_back("recomputed ratio " + text::num(new_ratio) +
                  " is within tolerance or reverses direction -> keep current " +
                  std::to_string(current));
    return current;
  }
  const std::int32_t r = ceil_to_int32(new_ratio * static_cast<double>(metrics.size()));
  d.outcome = CalcOutcome::kKeepAgainst;
  if ((new_ratio < 1.0 && r > current) || (new_ratio > 1.0 && r < current)) {
    why.push_back("ceil(" + text::num(new_ratio) + " x " + std::to_string(metrics.size()) +
                  ") = " + std::to_string(r) + " moves against the ratio -> keep current " +
                  std::to_string(current));
    return current;
  }
  d.outcome = CalcOutcome::kScaled;
  why.push_back("recomputed ratio " + text::num(new_ratio) + " -> ceil(" + text::num(new_ratio) +
                " x " + std::to_string(metrics.size()) + " pods) = " + std::to_string(r));
  return r;
}

void describe_groups(const PodGroups& g, std::size_t pods, std::vector<std::string>& why) {
  why.push_back(std::to_string(g.ready_count) + " of " + std::to_string(pods) +
                " pods ready with metrics; " + std::to_string(g.unready.size()) + " unready, " +
                std::to_string(g.missing.size()) + " missing, " + std::to_string(g.ignored.size()) +
                " ignored");
  for (const std::string& w : g.why) why.push_back(w);
}

void remove_samples(PodMetricsInfo& metrics, const std::set<std::string>& names_to_drop) {
  for (const std::string& n : names_to_drop) metrics.erase(n);
}

// The first steps both upstream paths share (GetResourceReplicas and
// calcPlainMetricReplicas): group the pods, drop the samples of ignored and
// unready pods, and fail as upstream does when nothing is left.
std::expected<PodGroups, std::string> group_and_filter(const std::vector<Pod>& pods,
                                                       PodMetricsInfo& metrics,
                                                       const std::string& resource,
                                                       const CalcParams& params) {
  if (pods.empty()) {
    return std::unexpected(
        std::string("no pods returned by selector while calculating replica count"));
  }
  PodGroups g = group_pods(pods, metrics, resource, params);
  remove_samples(metrics, g.ignored);
  remove_samples(metrics, g.unready);
  if (metrics.empty()) {
    return std::unexpected(
        std::string("did not receive metrics for targeted pods (pods might be unready)"));
  }
  return g;
}

// The per-pod table before the fill: each pod's group, sample and request.
CalcDetail start_detail(const PodGroups& g, const PodMetricsInfo& samples,
                        const std::map<std::string, std::int64_t>* requests) {
  CalcDetail d;
  for (const PodGrouping& p : g.pods) {
    PodCalc c{p.name, p.group, p.reason, {}, {}, {}};
    if (const auto it = samples.find(p.name); it != samples.end())
      c.usage_milli = it->second.value_milli;
    if (requests != nullptr) {
      if (const auto it = requests->find(p.name); it != requests->end())
        c.request_milli = it->second;
    }
    d.pods.push_back(std::move(c));
  }
  return d;
}

// After the fill: the values assumed for the missing and unready pods.
void note_assumed(CalcDetail& d, const PodMetricsInfo& filled) {
  if (!d.conservative) return;
  for (PodCalc& c : d.pods) {
    if (c.group != PodGroup::kMissing && c.group != PodGroup::kUnready) continue;
    if (const auto it = filled.find(c.name); it != filled.end())
      c.assumed_milli = it->second.value_milli;
  }
}

}  // namespace

CalcResult get_resource_replicas(std::int32_t current_replicas, std::int32_t target_utilization,
                                 const std::string& resource, const std::string& container,
                                 const std::vector<Pod>& pods, PodMetricsInfo metrics,
                                 Instant timestamp, const CalcParams& params) {
  const PodMetricsInfo samples = metrics;
  const std::expected<PodGroups, std::string> grouped =
      group_and_filter(pods, metrics, resource, params);
  if (!grouped) return std::unexpected(grouped.error());
  const PodGroups& g = *grouped;
  auto requests = calculate_requests(pods, container, resource, params.pod_level_resources);
  if (!requests) return std::unexpected(requests.error());
  auto first = resource_utilization_ratio(metrics, *requests, target_utilization);
  if (!first) return std::unexpected(first.error());

  ReplicaCalc out;
  out.utilization = first->utilization;
  out.usage = first->raw_average;
  out.timestamp = timestamp;
  describe_groups(g, pods.size(), out.explanation);
  out.explanation.push_back("utilization floor(100 x " + first->usage_total + "m / " +
                            first->request_total + "m) = " + std::to_string(first->utilization) +
                            "% of request (average " + text::milli(first->raw_average) +
                            "); target " + std::to_string(target_utilization) + "% -> ratio " +
                            std::to_string(first->utilization) + "/" +
                            std::to_string(target_utilization) + " = " + text::num(first->ratio));
  const auto fallback = static_cast<std::int64_t>(std::max<std::int32_t>(100, target_utilization));
  const std::map<std::string, std::int64_t>& req = *requests;
  Fill fill{[&req, fallback](const std::string& n) {
              const auto it = req.find(n);
              return (it == req.end() ? 0 : it->second) * fallback / 100;
            },
            fallback == 100 ? "100% of their request" : "the target utilization"};
  CalcDetail d = start_detail(g, samples, &req);
  d.target_utilization = target_utilization;
  d.usage_total = first->usage_total;
  d.request_total = first->request_total;
  d.utilization = first->utilization;
  d.average_milli = first->raw_average;
  std::string error;
  out.replicas = conservative_replicas(
      current_replicas, first->ratio, g, metrics, fill,
      [&req, target_utilization](const PodMetricsInfo& m) -> std::expected<double, std::string> {
        auto r = resource_utilization_ratio(m, req, target_utilization);
        if (!r) return std::unexpected(r.error());
        return r->ratio;
      },
      params.tolerances, out.explanation, error, d);
  if (!error.empty()) return std::unexpected(error);
  if (d.conservative) {
    // The same recomputation the path made, kept with its sums.
    if (auto again = resource_utilization_ratio(metrics, req, target_utilization)) {
      d.new_utilization = again->utilization;
      d.new_usage_total = again->usage_total;
      d.new_request_total = again->request_total;
    }
  }
  note_assumed(d, metrics);
  d.replicas = out.replicas;
  out.detail = std::move(d);
  return out;
}

CalcResult calc_plain_metric_replicas(std::int32_t current_replicas, std::int64_t target_usage,
                                      const std::string& resource, const std::vector<Pod>& pods,
                                      PodMetricsInfo metrics, Instant timestamp,
                                      const CalcParams& params) {
  const PodMetricsInfo samples = metrics;
  const std::expected<PodGroups, std::string> grouped =
      group_and_filter(pods, metrics, resource, params);
  if (!grouped) return std::unexpected(grouped.error());
  const PodGroups& g = *grouped;
  const auto [ratio, usage] = metric_usage_ratio(metrics, target_usage);
  ReplicaCalc out;
  out.usage = usage;
  out.timestamp = timestamp;
  describe_groups(g, pods.size(), out.explanation);
  out.explanation.push_back("average usage floor(sum / " + std::to_string(metrics.size()) +
                            ") = " + text::milli(usage) + "; target " + text::milli(target_usage) +
                            " -> ratio " + text::num(ratio));
  Fill fill{[target_usage](const std::string&) { return target_usage; }, "the target value"};
  CalcDetail d = start_detail(g, samples, nullptr);
  d.target_milli = target_usage;
  d.average_milli = usage;
  std::string error;
  out.replicas = conservative_replicas(
      current_replicas, ratio, g, metrics, fill,
      [target_usage](const PodMetricsInfo& m) -> std::expected<double, std::string> {
        return metric_usage_ratio(m, target_usage).first;
      },
      params.tolerances, out.explanation, error, d);
  note_assumed(d, metrics);
  d.replicas = out.replicas;
  out.detail = std::move(d);
  return out;
}

namespace {

// upstream: getReadyPodsCount: Running pods whose Ready condition is True.
std::expected<std::int64_t, std::string> ready_pods_count(const std::vector<Pod>& pods) {
  if (pods.empty()) {
    return std::unexpected(
        std::string("no pods returned by selector while calculating replica count"));
  }
  std::int64_t n = 0;
  for (const Pod& p : pods) {
    if (p.phase == PodPhase::kRunning && p.ready == ConditionStatus::kTrue) ++n;
  }
  return n;
}

// upstream: getUsageRatioReplicaCount. The timestamp stays zero upstream.
CalcResult usage_ratio_replica_count(std::int32_t current, double ratio,
                                     const std::vector<Pod>& pods, const Tolerances& tol,
                                     ReplicaCalc out) {
  if (current == 0) {
    out.replicas = ceil_to_int32(ratio);
    out.explanation.push_back("at 0 replicas: no tolerance, ceil(" + text::num(ratio) +
                              ") = " + std::to_string(out.replicas));
    return out;
  }
  if (tol.is_within(ratio)) {
    out.replicas = current;
    out.explanation.push_back("ratio " + text::num(ratio) + " within tolerance " +
                              tolerance_text(tol) + " -> keep current " + std::to_string(current));
    return out;
  }
  auto ready = ready_pods_count(pods);
  if (!ready) return std::unexpected("unable to calculate ready pods: " + ready.error());
  const double f = ratio * static_cast<double>(*ready);
  out.replicas = f > static_cast<double>(kMaxInt32) ? kMaxInt32 : ceil_to_int32(f);
  out.explanation.push_back("ratio " + text::num(ratio) + " outside tolerance " +
                            tolerance_text(tol) + " -> ceil(" + text::num(ratio) + " x " +
                            std::to_string(*ready) +
                            " Running and Ready pods) = " + std::to_string(out.replicas));
  return out;
}

// upstream: getPerPodUsage (both per-pod paths): MaxInt64 when the sum does not
// fit, 0 at 0 status replicas, else ceil(usage / statusReplicas).
std::int64_t per_pod_usage(std::int64_t usage, std::int32_t status_replicas) {
  if (static_cast<double>(usage) >= static_cast<double>(kMaxInt64)) return kMaxInt64;
  if (status_replicas == 0) return 0;
  return go_int64(std::ceil(static_cast<double>(usage) / static_cast<double>(status_replicas)));
}

// The per-pod (AverageValue) rule shared by Object and External metrics. Only
// the External path caps its replica count upstream; the Object path converts
// unchecked (ceil_to_int32 reproduces amd64's result).
ReplicaCalc per_pod_replicas(std::int32_t status_replicas, std::int64_t target, std::int64_t usage,
                             Instant timestamp, const Tolerances& tol, bool external) {
  ReplicaCalc out;
  out.timestamp = timestamp;
  out.replicas = status_replicas;
  const double ratio = static_cast<double>(usage) /
                       (static_cast<double>(target) * static_cast<double>(status_replicas));
  if (!tol.is_within(ratio)) {
    const double r = std::ceil(static_cast<double>(usage) / static_cast<double>(target));
    out.replicas = external && r > static_cast<double>(kMaxInt32) ? kMaxInt32 : ceil_to_int32(r);
    out.explanation.push_back("ratio " + text::milli(usage) + " / (" + text::milli(target) + " x " +
                              std::to_string(status_replicas) +
                              " status replicas) = " + text::num(ratio) + " outside tolerance " +
                              tolerance_text(tol) + " -> ceil(" + text::milli(usage) + " / " +
                              text::milli(target) + ") = " + std::to_string(out.replicas));
  } else {
    out.explanation.push_back("ratio " + text::num(ratio) + " within tolerance " +
                              tolerance_text(tol) + " -> keep " + std::to_string(status_replicas) +
                              " status replicas");
  }
  out.usage = per_pod_usage(usage, status_replicas);
  return out;
}

}  // namespace

CalcResult get_object_value_replicas(std::int32_t current_replicas, std::int64_t target_usage,
                                     std::int64_t usage, const std::vector<Pod>& pods,
                                     const Tolerances& tolerances) {
  const double ratio = static_cast<double>(usage) / static_cast<double>(target_usage);
  ReplicaCalc out;
  out.usage = usage;
  out.timestamp = kGoZeroTime;  // upstream drops the object metric's timestamp
  out.explanation.push_back("object value " + text::milli(usage) + " / target " +
                            text::milli(target_usage) + " = ratio " + text::num(ratio));
  return usage_ratio_replica_count(current_replicas, ratio, pods, tolerances, std::move(out));
}

CalcResult get_object_per_pod_replicas(std::int32_t status_replicas, std::int64_t target_average,
                                       std::int64_t usage, Instant timestamp,
                                       const Tolerances& tolerances) {
  return per_pod_replicas(status_replicas, target_average, usage, timestamp, tolerances, false);
}

namespace {

std::int64_t sum_external(const std::vector<std::int64_t>& values, bool cap_positive_only) {
  std::int64_t usage = 0;
  for (const std::int64_t v : values) {
    if (cap_positive_only) {
      if (v > 0 && usage > kMaxInt64 - v) return kMaxInt64;  // GetExternalMetricReplicas
      usage += v;
    } else {
      // GetExternalPerPodMetricReplicas: a negative sum means int64 overflow.
      usage = static_cast<std::int64_t>(static_cast<std::uint64_t>(usage) +
                                        static_cast<std::uint64_t>(v));
      if (usage < 0) return kMaxInt64;
    }
  }
  return usage;
}

}  // namespace

CalcResult get_external_value_replicas(std::int32_t current_replicas, std::int64_t target_usage,
                                       const std::vector<std::int64_t>& values,
                                       const std::vector<Pod>& pods, const Tolerances& tolerances) {
  const std::int64_t usage = sum_external(values, true);
  const double ratio = static_cast<double>(usage) / static_cast<double>(target_usage);
  ReplicaCalc out;
  out.usage = usage;
  out.timestamp = kGoZeroTime;  // upstream drops the external metric's timestamp
  out.explanation.push_back("external sum of " + std::to_string(values.size()) + " series " +
                            text::milli(usage) + " / target " + text::milli(target_usage) +
                            " = ratio " + text::num(ratio));
  return usage_ratio_replica_count(current_replicas, ratio, pods, tolerances, std::move(out));
}

CalcResult get_external_per_pod_replicas(std::int32_t status_replicas, std::int64_t target_per_pod,
                                         const std::vector<std::int64_t>& values, Instant timestamp,
                                         const Tolerances& tolerances) {
  const std::int64_t usage = sum_external(values, false);
  ReplicaCalc out =
      per_pod_replicas(status_replicas, target_per_pod, usage, timestamp, tolerances, true);
  out.explanation.insert(
      out.explanation.begin(),
      "external sum of " + std::to_string(values.size()) + " series " + text::milli(usage));
  return out;
}

}  // namespace ksim::control::hpa
