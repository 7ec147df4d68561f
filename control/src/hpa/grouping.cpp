// Pod grouping, requests and the utilization arithmetic.
// upstream: replica_calculator.go groupPods, calculateRequests;
// metrics/utilization.go GetResourceUtilizationRatio, GetMetricUsageRatio.
#include <charconv>
#include <cmath>
#include <limits>

#include "ksim/control/hpa/replica_calculator.h"
#include "text.h"

namespace ksim::control::hpa {
namespace {

__extension__ using Int128 = __int128;

constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMinInt64 = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxInt32 = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kMinInt32 = std::numeric_limits<std::int32_t>::min();

std::string int128_text(Int128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  std::string out;
  for (Int128 a = negative ? -v : v; a > 0; a /= 10) {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(a % 10)));
  }
  return negative ? "-" + out : out;
}

// upstream: groupPods, the cpu readiness rule for one pod with a sample.
// Returns the reason the sample is not counted, or "" when it counts.
std::string cpu_unready_reason(const Pod& pod, const PodMetric& metric, const CalcParams& p) {
  if (!pod.ready || !pod.start_time) {
    return "has no Ready condition or no start time";
  }
  const bool ready_false = *pod.ready == ConditionStatus::kFalse;
  if (*pod.start_time + p.cpu_initialization_period > p.now) {
    // Still initializing: the sample counts only if Ready and taken wholly after
    // the Ready transition.
    if (ready_false) return "is not Ready within its CPU initialization period";
    if (metric.timestamp < pod.ready_transition + metric.window) {
      return "became Ready less than one metric window before its sample, within its CPU "
             "initialization period";
    }
    return "";
  }
  if (ready_false && *pod.start_time + p.initial_readiness_delay > pod.ready_transition) {
    return "is not Ready and has never been Ready (its Ready condition changed within the "
           "initial readiness delay of its start)";
  }
  return "";
}

}  // namespace

std::string to_string(PodGroup g) {
  switch (g) {
    case PodGroup::kReady:
      return "ready";
    case PodGroup::kUnready:
      return "unready";
    case PodGroup::kMissing:
      return "missing";
    case PodGroup::kIgnored:
      return "ignored";
  }
  return "ready";
}

std::string to_string(CalcOutcome o) {
  switch (o) {
    case CalcOutcome::kWithinTolerance:
      return "within-tolerance";
    case CalcOutcome::kScaled:
      return "scaled";
    case CalcOutcome::kKeepReversed:
      return "keep-reversed";
    case CalcOutcome::kKeepAgainst:
      return "keep-against";
  }
  return "scaled";
}

PodGroups group_pods(const std::vector<Pod>& pods, const PodMetricsInfo& metrics,
                     const std::string& resource, const CalcParams& params) {
  PodGroups g;
  for (const Pod& pod : pods) {
    // podutil.IsPodTerminal: Failed and Succeeded pods are ignored alike.
    const bool terminal = pod.phase == PodPhase::kFailed || pod.phase == PodPhase::kSucceeded;
    if (pod.deleting || terminal) {
      g.ignored.insert(pod.name);
      const std::string reason = pod.deleting                     ? "being deleted"
                                 : pod.phase == PodPhase::kFailed ? "phase Failed"
                                                                  : "phase Succeeded";
      g.why.push_back("pod " + pod.name + " ignored: " + reason);
      g.pods.push_back({pod.name, PodGroup::kIgnored, reason});
      continue;
    }
    if (pod.phase == PodPhase::kPending) {
      g.unready.insert(pod.name);
      g.why.push_back("pod " + pod.name + " unready: phase Pending");
      g.pods.push_back({pod.name, PodGroup::kUnready, "phase Pending"});
      continue;
    }
    const auto it = metrics.find(pod.name);
    if (it == metrics.end()) {
      g.missing.insert(pod.name);
      g.why.push_back("pod " + pod.name + " missing: no metric sample");
      g.pods.push_back({pod.name, PodGroup::kMissing, "no metric sample"});
      continue;
    }
    if (resource == "cpu") {
      const std::string reason = cpu_unready_reason(pod, it->second, params);
      if (!reason.empty()) {
        g.unready.insert(pod.name);
        g.why.push_back("pod " + pod.name + " unready: " + reason);
        g.pods.push_back({pod.name, PodGroup::kUnready, reason});
        continue;
      }
    }
    ++g.ready_count;
    g.pods.push_back({pod.name, PodGroup::kReady, ""});
  }
  return g;
}

namespace {

std::expected<std::int64_t, std::string> pod_request_from_containers(const Pod& pod,
                                                                     const std::string& container,
                                                                     const std::string& resource) {
  std::vector<const Container*> all;
  for (const Container& c : pod.containers) all.push_back(&c);
  for (const Container& c : pod.sidecars) all.push_back(&c);
  std::int64_t request = 0;
  for (const Container* c : all) {
    if (container.empty() || container == c->name) {
      const auto it = c->requests_milli.find(resource);
      if (it == c->requests_milli.end()) {
        return std::unexpected("missing request for " + resource + " in container " + c->name +
                               " of Pod " + pod.name);
      }
      request += it->second;
    }
    if (container == c->name) return request;  // names are unique in a pod
  }
  if (!container.empty()) {
    return std::unexpected("container " + container + " not found in Pod " + pod.name);
  }
  return request;
}

}  // namespace

std::expected<std::map<std::string, std::int64_t>, std::string> calculate_requests(
    const std::vector<Pod>& pods, const std::string& container, const std::string& resource,
    bool pod_level_resources) {
  std::map<std::string, std::int64_t> requests;
  for (const Pod& pod : pods) {
    // KEP-2837: pod-level requests win when set and no container is named.
    if (pod_level_resources && !pod.pod_requests_milli.empty() && container.empty()) {
      const auto it = pod.pod_requests_milli.find(resource);
      if (it == pod.pod_requests_milli.end()) {
        return std::unexpected("missing pod-level request for " + resource + " in Pod " + pod.name);
      }
      requests[pod.name] = it->second;
      continue;
    }
    auto r = pod_request_from_containers(pod, container, resource);
    if (!r) return std::unexpected(r.error());
    requests[pod.name] = *r;
  }
  return requests;
}

std::expected<UtilizationRatio, std::string> resource_utilization_ratio(
    const PodMetricsInfo& metrics, const std::map<std::string, std::int64_t>& requests,
    std::int32_t target_utilization) {
  // Sums in 128 bits reproduce both the int64 path and the big.Int fallback:
  // they agree whenever the int64 path does not overflow.
  Int128 metrics_total = 0;
  Int128 requests_total = 0;
  std::int64_t entries = 0;
  for (const auto& [name, m] : metrics) {
    const auto it = requests.find(name);
    if (it == requests.end()) continue;  // superfluous metric
    metrics_total += m.value_milli;
    requests_total += it->second;
    ++entries;
  }
  if (requests_total == 0)
    return std::unexpected(std::string("no metrics returned matched known pods"));
  const Int128 percentage = metrics_total * 100 / requests_total;
  if (percentage < kMinInt32 || percentage > kMaxInt32) {
    // The exact path's error: the percentage does not fit int32.
    const bool fits64 = percentage >= kMinInt64 && percentage <= kMaxInt64;
    return std::unexpected("resource utilization " +
                           (fits64 ? std::to_string(static_cast<std::int64_t>(percentage))
                                   : std::string("(beyond int64)")) +
                           " is outside the int32 range");
  }
  UtilizationRatio r;
  r.usage_total = int128_text(metrics_total);
  r.request_total = int128_text(requests_total);
  r.utilization = static_cast<std::int32_t>(percentage);
  r.ratio = static_cast<double>(r.utilization) / static_cast<double>(target_utilization);
  r.raw_average = static_cast<std::int64_t>(metrics_total / entries);
  return r;
}

std::pair<double, std::int64_t> metric_usage_ratio(const PodMetricsInfo& metrics,
                                                   std::int64_t target_usage) {
  Int128 total = 0;
  for (const auto& [name, m] : metrics) total += m.value_milli;
  const auto usage = static_cast<std::int64_t>(total / static_cast<Int128>(metrics.size()));
  return {static_cast<double>(usage) / static_cast<double>(target_usage), usage};
}

std::int32_t ceil_to_int32(double x) {
  // Go on amd64 converts with CVTTSD2SL: NaN and out-of-range give MinInt32.
  const double c = std::ceil(x);
  if (std::isnan(c) || c >= 2147483648.0 || c < -2147483648.0) {
    return std::numeric_limits<std::int32_t>::min();
  }
  return static_cast<std::int32_t>(c);
}

std::int64_t go_int64(double x) {
  // CVTTSD2SQ: NaN and out-of-range give MinInt64.
  if (std::isnan(x) || x >= 9223372036854775808.0 || x < -9223372036854775808.0) {
    return std::numeric_limits<std::int64_t>::min();
  }
  return static_cast<std::int64_t>(x);
}

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const {
  for (const auto& [k, v] : match_labels) {
    const auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const LabelRequirement& r : match_expressions) {
    const auto it = labels.find(r.key);
    const bool has = it != labels.end();
    bool in = false;
    if (has) {
      for (const std::string& v : r.values) in = in || v == it->second;
    }
    if (r.op == "In" && !in) return false;
    if (r.op == "NotIn" && in) return false;
    if (r.op == "Exists" && !has) return false;
    if (r.op == "DoesNotExist" && has) return false;
    if (r.op == "Gt" || r.op == "Lt") {
      // Numeric comparison; a missing or non-integer label does not match.
      if (!has || r.values.size() != 1) return false;
      long long lv = 0;
      long long rv = 0;
      const std::string& a = it->second;
      const std::string& b = r.values[0];
      if (std::from_chars(a.data(), a.data() + a.size(), lv).ec != std::errc{} ||
          std::from_chars(b.data(), b.data() + b.size(), rv).ec != std::errc{}) {
        return false;
      }
      if (r.op == "Gt" ? !(lv > rv) : !(lv < rv)) return false;
    }
  }
  return true;
}

}  // namespace ksim::control::hpa
