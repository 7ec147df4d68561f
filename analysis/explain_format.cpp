// format_text and format_json (explain.h). The text cites the sections of
// ../shared/reference/hpa.md each step comes from.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "ksim/analysis/explain.h"

namespace ksim::analysis {
namespace {

using nlohmann::json;

// Times and durations to the nearest 0.1 s: "6m19s", "49.1s".
Duration tenths(Duration d) {
  const std::int64_t us = d.count();
  return Duration((us >= 0 ? us + 50'000 : us - 50'000) / 100'000 * 100'000);
}
std::string at(Time t) { return format_duration(tenths(t - kTimeZero)); }
std::string dur(Duration d) { return format_duration(tenths(d)); }
std::string milli(std::optional<std::int64_t> v) { return v ? fmt::format("{}m", *v) : "-"; }
std::string num(double v) {
  std::string s = fmt::format("{:.4f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}
std::string ms(std::optional<Duration> d) {
  if (!d) return "-";
  const double v = static_cast<double>(d->count());
  return v >= 1e6 ? fmt::format("{:.2f}s", v / 1e6) : fmt::format("{:.1f}ms", v / 1e3);
}

std::string pod_table(const MetricExplain& m) {
  std::size_t w = 3;
  for (const PodLine& p : m.pods) w = std::max(w, p.name.size());
  std::string out = fmt::format("    {:<{}}  {:<8} {:>8} {:>8} {:>5}  {}\n", "pod", w, "group",
                                "usage", "request", "util", "counted as");
  for (const PodLine& p : m.pods) {
    const auto u = p.utilization();
    std::string counted;
    if (p.group == "ready") {
      counted = milli(p.usage);
    } else if (p.assumed) {
      // hpa.md 5.1 step 7: 0 on a scale-up, the request (or target) on a scale-down.
      const std::string share =
          p.request && *p.request > 0
              ? fmt::format(" = {}% of request", *p.assumed * 100 / *p.request)
              : "";
      counted = fmt::format("assumed {}{} ({})", milli(p.assumed), share, p.reason);
    } else {
      counted = "left out (" + p.reason + ")";
    }
    out += fmt::format("    {:<{}}  {:<8} {:>8} {:>8} {:>5}  {}\n", p.name, w, p.group,
                       milli(p.usage), milli(p.request), u ? fmt::format("{}%", *u) : "-", counted);
  }
  return out;
}

std::string target_text(const MetricExplain& m) {
  if (m.target_utilization) return fmt::format("target {}% of request", *m.target_utilization);
  if (m.target_average) return fmt::format("target average {}m", *m.target_average);
  return "";
}

std::string arithmetic(const MetricExplain& m) {
  std::string out;
  const auto tol = fmt::format("[{}, {}]", num(m.tolerance_low), num(m.tolerance_high));
  if (m.utilization && m.target_utilization) {
    out += fmt::format("    utilization = floor(100 x {}m / {}m) = {}%; ratio = {} / {} = {}\n",
                       m.usage_total, m.request_total, *m.utilization, *m.utilization,
                       *m.target_utilization, num(m.ratio));
  } else if (m.target_average) {
    out += fmt::format("    average = {}m; ratio = {}m / {}m = {}\n", m.average, m.average,
                       *m.target_average, num(m.ratio));
  }
  out += fmt::format("    tolerance (hpa.md section 4): {} is {} {}\n", num(m.ratio),
                     m.within_tolerance(m.ratio) ? "within" : "outside", tol);
  if (m.conservative) {
    out += "    missing or unready pods filled in (hpa.md section 5.1 step 7, shown above)\n";
    if (m.new_utilization && m.target_utilization) {
      out += fmt::format(
          "    recomputed: utilization = floor(100 x {}m / {}m) = {}%; ratio = {} / {} = {}\n",
          m.new_usage_total, m.new_request_total, *m.new_utilization, *m.new_utilization,
          *m.target_utilization, num(*m.new_ratio));
    } else if (m.new_ratio) {
      out += fmt::format("    recomputed ratio = {}\n", num(*m.new_ratio));
    }
  }
  const double r = m.final_ratio();
  if (m.outcome == "within-tolerance") {
    out += fmt::format("    -> no change: proposal = current = {}\n", m.replicas.value_or(0));
  } else if (m.outcome == "keep-reversed") {
    out += fmt::format(
        "    -> recomputed ratio {} is within tolerance or reverses the direction: proposal = "
        "current = {}\n",
        num(r), m.replicas.value_or(0));
  } else if (m.outcome == "keep-against") {
    out += fmt::format("    -> ceil({} x {}) moves against the ratio: proposal = current = {}\n",
                       num(r), m.count, m.replicas.value_or(0));
  } else {
    out += fmt::format("    -> proposal = ceil({} x {} {}) = {}\n", num(r), m.count,
                       m.conservative ? "pods with samples or filled in" : "ready pods",
                       m.replicas.value_or(0));
  }
  return out;
}

std::string metric_text(const MetricExplain& m) {
  std::string out = fmt::format("  {}", m.metric);
  if (m.error) return out + ": failed: " + *m.error + "\n";
  if (!m.has_calc) {
    return out + fmt::format(": proposal {}\n", m.replicas ? std::to_string(*m.replicas) : "-");
  }
  out += fmt::format(" ({}; pods grouped per hpa.md section 3)\n", target_text(m));
  return out + pod_table(m) + arithmetic(m);
}

// The recommendations in a window by time, runs of one value collapsed:
// "2 x18 (30s .. 5m0s), 7 at 5m15s (45s ago)".
std::string recommendations_text(const NormalizationExplain& n, Time t) {
  std::vector<RecommendationLine> in;
  for (const RecommendationLine& r : n.recommendations) {
    if (r.in_up_window || r.in_down_window) in.push_back(r);
  }
  std::ranges::stable_sort(in, {}, &RecommendationLine::t);
  std::string out;
  for (std::size_t i = 0; i < in.size();) {
    std::size_t j = i;
    while (j + 1 < in.size() && in[j + 1].replicas == in[i].replicas) ++j;
    out += out.empty() ? "" : ", ";
    out += j == i ? fmt::format("{} at {} ({} ago)", in[i].replicas, at(in[i].t), dur(t - in[i].t))
                  : fmt::format("{} x{} ({} .. {})", in[i].replicas, j - i + 1, at(in[i].t),
                                at(in[j].t));
    i = j + 1;
  }
  return out.empty() ? "none" : out;
}

std::string stabilization_text(const NormalizationExplain& n, Time t) {
  std::string out;
  if (n.behavior) {
    out += fmt::format(
        "  stabilization (hpa.md section 8.3): scale-up window {}s, scale-down window {}s\n",
        n.up_window_seconds, n.down_window_seconds);
  } else {
    out += fmt::format(
        "  stabilization (hpa.md section 7.1, no spec.behavior): window {}s, highest "
        "recommendation wins\n",
        n.down_window_seconds);
  }
  out += fmt::format("    recommendations in the window: {}\n", recommendations_text(n, t));
  if (n.behavior) {
    out += fmt::format(
        "    lowest of raw {} and the scale-up window = {}; highest of raw and the scale-down "
        "window = {}; current {} clamped into [{}, {}] = {}\n",
        n.raw, n.up_recommendation, n.down_recommendation, n.current, n.up_recommendation,
        n.down_recommendation, n.stabilized);
  } else {
    out += fmt::format("    max(raw {}, recommendations) = {}\n", n.raw, n.stabilized);
  }
  if (n.stabilized != n.raw) {
    // The latest recommendation in the window that equals the result held it
    // (the initial {current, now} record of hpa.md section 2 step 2 included).
    const RecommendationLine* held = nullptr;
    for (const RecommendationLine& r : n.recommendations) {
      if ((r.in_up_window || r.in_down_window) && r.replicas == n.stabilized &&
          (held == nullptr || r.t > held->t)) {
        held = &r;
      }
    }
    const std::string by =
        held ? fmt::format(" (the recommendation {} at {})", held->replicas, at(held->t)) : "";
    out += fmt::format("    -> held: the window kept {}{} instead of the raw {}\n", n.stabilized,
                       by, n.raw);
  }
  return out;
}

std::string policy_arithmetic(const PolicyLine& p, bool up) {
  if (p.type == "Pods") {
    return fmt::format("{} {} {} = {}", p.period_start, up ? "+" : "-", p.value, p.limit);
  }
  return up ? fmt::format("ceil({} x {}) = {}", p.period_start, num(1 + p.value / 100.0), p.limit)
            : fmt::format("trunc({} x {}) = {}", p.period_start, num(1 - p.value / 100.0), p.limit);
}

std::string limits_text(const NormalizationExplain& n) {
  std::string out;
  if (!n.behavior) {
    out += fmt::format(
        "  limits (hpa.md section 7.2): scale-up cap max(2 x {}, 4) = {}; bounds [{}, {}]\n",
        n.current, n.rate_limit, n.min_replicas, n.bound);
  } else if (n.direction == "none") {
    out += "  limits (hpa.md section 8.4): no change, no rate limit applies\n";
  } else {
    const bool up = n.direction == "up";
    out += fmt::format("  limits (hpa.md section 8.4): scale-{} policies, selectPolicy {}\n",
                       up ? "up" : "down", n.select_policy);
    for (const PolicyLine& p : n.policies) {
      out += fmt::format("    {} {} per {}s: replicas at the period's start {}, limit {}\n", p.type,
                         p.value, p.period_seconds, p.period_start, policy_arithmetic(p, up));
    }
    out += up ? fmt::format("    -> limit {}; upper bound min(maxReplicas {}, {}) = {}\n",
                            n.rate_limit, n.max_replicas, n.rate_limit, n.bound)
              : fmt::format("    -> limit {}; lower bound max(minReplicas {}, {}) = {}\n",
                            n.rate_limit, n.min_replicas, n.rate_limit, n.bound);
  }
  out += fmt::format("    {} -> {} ({}{})\n", n.stabilized, n.desired, n.limit,
                     n.desired != n.stabilized ? ": limited" : "");
  return out;
}

std::string followup_text(const Decision& d) {
  const Followup& f = d.followup;
  std::string out = fmt::format("  what followed (until {}):\n", at(f.until));
  if (!f.new_pods.empty()) {
    out += fmt::format("    {:>8}  {} pod(s) created\n", at(f.new_pods.front().created),
                       f.new_pods.size());
  }
  if (f.deleted_pods > 0) out += fmt::format("    {} pod(s) deleted\n", f.deleted_pods);
  for (const PodFollowup& p : f.new_pods) {
    if (!p.first_failed_scheduling) continue;
    const std::string until =
        p.scheduled
            ? fmt::format("for {}, scheduled on {} at {}",
                          dur(*p.scheduled - *p.first_failed_scheduling), p.node, at(*p.scheduled))
            : "and not scheduled in the span";
    out += fmt::format("    {:>8}  {} Pending (FailedScheduling) {}\n",
                       at(*p.first_failed_scheduling), p.name, until);
  }
  for (const NodeLaunch& n : f.nodes) {
    out += fmt::format("    {:>8}  {} {} {}: {}", at(n.t), n.kind,
                       n.kind == "NodeClaim" ? "launched by" : "scale-up of", n.object, n.message);
    if (!n.node.empty()) out += " -> node " + n.node;
    if (n.node_ready) out += " Ready at " + at(*n.node_ready);
    if (!n.pods.empty()) out += fmt::format(" (took {} of the new pods)", n.pods.size());
    out += "\n";
  }
  if (f.last_ready) {
    std::size_t ready = 0;
    for (const PodFollowup& p : f.new_pods) ready += p.ready ? 1 : 0;
    out += fmt::format("    {:>8}  {} of {} new pods Ready ({} after the decision)\n",
                       at(*f.last_ready), ready, f.new_pods.size(), dur(*f.last_ready - d.t));
  }
  for (const RouteRecovery& r : f.routes) {
    out +=
        fmt::format("    route {}: p99 baseline {} (lowest in the 5m before), before {}, peak {}",
                    r.route, ms(r.baseline), ms(r.before), ms(r.peak));
    if (r.peak_at) out += " at " + at(*r.peak_at);
    out += r.recovered ? fmt::format(", back within 1.1 x baseline at {} ({})", at(*r.recovered),
                                     ms(r.recovered_p99))
                       : ", not back within 1.1 x baseline in the span";
    out += "\n";
  }
  return out;
}

}  // namespace

std::string format_text(const std::vector<Decision>& decisions) {
  std::string out;
  for (const Decision& d : decisions) {
    if (!out.empty()) out += "\n";
    // Without a rescale, desiredReplicas is the status value (hpa.md section
    // 2 step 5), which a failed sync leaves as it was.
    out += d.scaled ? fmt::format("hpa/{} at {}: {} -> {} replicas ({}, rescaled)\n", d.hpa,
                                  at(d.t), d.current, d.desired, d.reason)
                    : fmt::format(
                          "hpa/{} at {}: stays at {} replicas ({}, no rescale; "
                          "status.desiredReplicas {})\n",
                          d.hpa, at(d.t), d.current, d.reason, d.desired);
    if (d.error) out += "  error: " + *d.error + "\n";
    for (const MetricExplain& m : d.metrics) out += metric_text(m);
    if (d.normalization) {
      out += fmt::format("  raw proposal (largest across metrics, hpa.md section 6): {}\n",
                         d.normalization->raw);
      out += stabilization_text(*d.normalization, d.t);
      out += limits_text(*d.normalization);
    } else {
      for (const std::string& s : d.sentences) out += "  " + s + "\n";
    }
    out += fmt::format("  final: {} replicas\n", d.scaled ? d.desired : d.current);
    out += followup_text(d);
  }
  return out;
}

namespace {

json opt_json(const auto& v) { return v ? json(*v) : json(nullptr); }
json opt_time(const std::optional<Time>& t) { return t ? json(to_us(*t)) : json(nullptr); }
json opt_dur(const std::optional<Duration>& d) { return d ? json(d->count()) : json(nullptr); }

json metric_json(const MetricExplain& m) {
  json j = {{"metric", m.metric}, {"replicas", opt_json(m.replicas)}};
  if (m.error) j["error"] = *m.error;
  if (!m.has_calc) return j;
  json pods = json::array();
  for (const PodLine& p : m.pods) {
    pods.push_back({{"name", p.name},
                    {"group", p.group},
                    {"reason", p.reason},
                    {"usage", opt_json(p.usage)},
                    {"request", opt_json(p.request)},
                    {"utilization", opt_json(p.utilization())},
                    {"assumed", opt_json(p.assumed)}});
  }
  j["pods"] = std::move(pods);
  j["readyPods"] = m.ready_pods;
  j["targetUtilization"] = opt_json(m.target_utilization);
  j["targetAverage"] = opt_json(m.target_average);
  j["utilization"] = opt_json(m.utilization);
  j["usageTotal"] = m.usage_total;
  j["requestTotal"] = m.request_total;
  j["ratio"] = m.ratio;
  j["tolerance"] = {m.tolerance_low, m.tolerance_high};
  j["withinTolerance"] = m.within_tolerance(m.ratio);
  j["conservative"] = m.conservative;
  j["newUtilization"] = opt_json(m.new_utilization);
  j["newRatio"] = opt_json(m.new_ratio);
  j["count"] = m.count;
  j["outcome"] = m.outcome;
  return j;
}

json normalization_json(const NormalizationExplain& n) {
  json recs = json::array();
  for (const RecommendationLine& r : n.recommendations) {
    recs.push_back({{"replicas", r.replicas},
                    {"t_us", to_us(r.t)},
                    {"inUpWindow", r.in_up_window},
                    {"inDownWindow", r.in_down_window}});
  }
  json policies = json::array();
  for (const PolicyLine& p : n.policies) {
    policies.push_back({{"type", p.type},
                        {"value", p.value},
                        {"periodSeconds", p.period_seconds},
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
          {"recommendations", recs},
          {"upRecommendation", n.up_recommendation},
          {"downRecommendation", n.down_recommendation},
          {"stabilized", n.stabilized},
          {"held", n.stabilized != n.raw},
          {"direction", n.direction},
          {"selectPolicy", n.select_policy},
          {"policies", policies},
          {"rateLimit", n.rate_limit},
          {"bound", n.bound},
          {"limit", n.limit},
          {"desired", n.desired}};
}

json followup_json(const Followup& f) {
  json pods = json::array();
  for (const PodFollowup& p : f.new_pods) {
    pods.push_back({{"name", p.name},
                    {"created_us", to_us(p.created)},
                    {"firstFailedScheduling_us", opt_time(p.first_failed_scheduling)},
                    {"scheduled_us", opt_time(p.scheduled)},
                    {"node", p.node},
                    {"ready_us", opt_time(p.ready)}});
  }
  json nodes = json::array();
  for (const NodeLaunch& n : f.nodes) {
    nodes.push_back({{"t_us", to_us(n.t)},
                     {"kind", n.kind},
                     {"object", n.object},
                     {"message", n.message},
                     {"node", n.node},
                     {"nodeReady_us", opt_time(n.node_ready)},
                     {"pods", n.pods}});
  }
  json routes = json::array();
  for (const RouteRecovery& r : f.routes) {
    routes.push_back({{"route", r.route},
                      {"baselineP99_us", opt_dur(r.baseline)},
                      {"beforeP99_us", opt_dur(r.before)},
                      {"peakP99_us", opt_dur(r.peak)},
                      {"peak_us", opt_time(r.peak_at)},
                      {"recovered_us", opt_time(r.recovered)},
                      {"recoveredP99_us", opt_dur(r.recovered_p99)}});
  }
  return {{"until_us", to_us(f.until)},
          {"newPods", pods},
          {"deletedPods", f.deleted_pods},
          {"nodes", nodes},
          {"lastReady_us", opt_time(f.last_ready)},
          {"routes", routes}};
}

}  // namespace

std::string format_json(const std::vector<Decision>& decisions) {
  json all = json::array();
  for (const Decision& d : decisions) {
    json metrics = json::array();
    for (const MetricExplain& m : d.metrics) metrics.push_back(metric_json(m));
    all.push_back(
        {{"hpa", d.hpa},
         {"t_us", to_us(d.t)},
         {"time", at(d.t)},
         {"target", d.target},
         {"currentReplicas", d.current},
         {"desiredReplicas", d.desired},
         {"scaled", d.scaled},
         {"reason", d.reason},
         {"error", opt_json(d.error)},
         {"metrics", metrics},
         {"normalization", d.normalization ? normalization_json(*d.normalization) : json(nullptr)},
         {"explanation", d.sentences},
         {"followed", followup_json(d.followup)}});
  }
  return json{{"decisions", all}}.dump(2) + "\n";
}

}  // namespace ksim::analysis
