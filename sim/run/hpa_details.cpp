// HpaSyncRecord's structured parts as JSON. Keys are camelCase as in the
// Kubernetes API; milli-values carry no unit suffix (documented in SCHEMA.md).
#include "ksim/sim/run/hpa_details.h"

#include "ksim/sim/autoscaling/clock.h"

namespace ksim::run {
namespace {

namespace h = control::hpa;

nlohmann::json pod_json(const h::PodCalc& p) {
  nlohmann::json j = {{"name", p.name}, {"group", h::to_string(p.group)}};
  if (!p.reason.empty()) j["reason"] = p.reason;
  if (p.usage_milli) j["usage"] = *p.usage_milli;
  if (p.request_milli) j["request"] = *p.request_milli;
  if (p.assumed_milli) j["assumed"] = *p.assumed_milli;
  return j;
}

nlohmann::json calc_json(const h::CalcDetail& d) {
  nlohmann::json pods = nlohmann::json::array();
  for (const h::PodCalc& p : d.pods) pods.push_back(pod_json(p));
  nlohmann::json j = {{"pods", std::move(pods)},
                      {"readyPods", d.ready_count},
                      {"average", d.average_milli},
                      {"ratio", d.ratio},
                      {"toleranceLow", d.tolerance_low},
                      {"toleranceHigh", d.tolerance_high},
                      {"conservative", d.conservative},
                      {"count", d.count},
                      {"outcome", h::to_string(d.outcome)},
                      {"replicas", d.replicas}};
  if (d.target_utilization) j["targetUtilization"] = *d.target_utilization;
  if (d.target_milli) j["targetAverage"] = *d.target_milli;
  if (d.utilization) {
    j["utilization"] = *d.utilization;
    j["usageTotal"] = d.usage_total;
    j["requestTotal"] = d.request_total;
  }
  if (d.new_ratio) j["newRatio"] = *d.new_ratio;
  if (d.new_utilization) {
    j["newUtilization"] = *d.new_utilization;
    j["newUsageTotal"] = d.new_usage_total;
    j["newRequestTotal"] = d.new_request_total;
  }
  return j;
}

const char* select_name(h::SelectPolicy s) {
  switch (s) {
    case h::SelectPolicy::kMax:
      return "Max";
    case h::SelectPolicy::kMin:
      return "Min";
    case h::SelectPolicy::kDisabled:
      return "Disabled";
  }
  return "Max";
}

nlohmann::json normalization_json(const h::NormalizationDetail& n) {
  // Only those inside a window, as [replicas, t_us] pairs: a sync carries a
  // window's worth of them (20 at 15 s in 5 minutes), every 15 s.
  nlohmann::json recs = nlohmann::json::array();
  for (const h::RecommendationUse& r : n.recommendations) {
    if (!r.in_up_window && !r.in_down_window) continue;
    recs.push_back({r.replicas, to_us(autoscaling::to_time(r.time))});
  }
  nlohmann::json policies = nlohmann::json::array();
  for (const h::PolicyLimit& p : n.policies) {
    policies.push_back({{"type", p.policy.type == h::PolicyType::kPods ? "Pods" : "Percent"},
                        {"value", p.policy.value},
                        {"periodSeconds", p.policy.period_seconds},
                        {"periodStart", p.period_start},
                        {"limit", p.limit}});
  }
  return {{"behavior", n.behavior},
          {"current", n.current},
          {"raw", n.raw},
          {"minReplicas", n.min_replicas},
          {"maxReplicas", n.max_replicas},
          {"upWindowSeconds", n.up_window_seconds},
          {"downWindowSeconds", n.down_window_seconds},
          {"recommendations", std::move(recs)},
          {"upRecommendation", n.up_rec},
          {"downRecommendation", n.down_rec},
          {"stabilized", n.stabilized},
          {"direction", n.direction > 0 ? "up" : (n.direction < 0 ? "down" : "none")},
          {"selectPolicy", select_name(n.select_policy)},
          {"policies", std::move(policies)},
          {"rateLimit", n.rate_limit},
          {"bound", n.bound},
          {"limit", h::to_string(n.limit)},
          {"desired", n.desired}};
}

}  // namespace

void add_hpa_calculation(nlohmann::json& details, const autoscaling::HpaSyncRecord& r) {
  nlohmann::json metrics = nlohmann::json::array();
  for (std::size_t i = 0; i < r.proposals.size(); ++i) {
    const h::MetricProposal& p = r.proposals[i];
    nlohmann::json m;
    m["metric"] = i < r.metrics.size() ? r.metrics[i].metric : p.type_name + " " + p.name;
    if (p.replicas) m["replicas"] = *p.replicas;
    if (p.error) m["error"] = *p.error;
    if (p.detail) m["calc"] = calc_json(*p.detail);
    metrics.push_back(std::move(m));
  }
  if (!metrics.empty()) details["metrics"] = std::move(metrics);
  if (r.normalization) details["normalization"] = normalization_json(*r.normalization);
}

}  // namespace ksim::run
