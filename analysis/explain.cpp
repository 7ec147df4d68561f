// explain_decisions (explain.h): the Sync events' details into Decisions,
// the choice of decisions, and what followed each one.
#include "ksim/analysis/explain.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace ksim::analysis {
namespace {

using nlohmann::json;
using trace::TraceEvent;

constexpr Duration kFollowupCap = std::chrono::minutes(10);
constexpr Duration kBaselineSpan = std::chrono::minutes(5);

template <class T>
std::optional<T> opt(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

std::string str(const json& j, const char* key) { return opt<std::string>(j, key).value_or(""); }

MetricExplain parse_metric(const json& m) {
  MetricExplain e;
  e.metric = str(m, "metric");
  e.replicas = opt<std::int32_t>(m, "replicas");
  e.error = opt<std::string>(m, "error");
  const auto c = m.find("calc");
  if (c == m.end()) return e;
  e.has_calc = true;
  for (const json& p : c->value("pods", json::array())) {
    e.pods.push_back(PodLine{str(p, "name"), str(p, "group"), str(p, "reason"),
                             opt<std::int64_t>(p, "usage"), opt<std::int64_t>(p, "request"),
                             opt<std::int64_t>(p, "assumed")});
  }
  e.ready_pods = c->value("readyPods", 0);
  e.target_utilization = opt<std::int32_t>(*c, "targetUtilization");
  e.target_average = opt<std::int64_t>(*c, "targetAverage");
  e.utilization = opt<std::int32_t>(*c, "utilization");
  e.usage_total = str(*c, "usageTotal");
  e.request_total = str(*c, "requestTotal");
  e.average = c->value("average", std::int64_t{0});
  e.ratio = c->value("ratio", 0.0);
  e.tolerance_low = c->value("toleranceLow", 0.9);
  e.tolerance_high = c->value("toleranceHigh", 1.1);
  e.conservative = c->value("conservative", false);
  e.new_utilization = opt<std::int32_t>(*c, "newUtilization");
  e.new_usage_total = str(*c, "newUsageTotal");
  e.new_request_total = str(*c, "newRequestTotal");
  e.new_ratio = opt<double>(*c, "newRatio");
  e.count = c->value("count", 0);
  e.outcome = str(*c, "outcome");
  return e;
}

NormalizationExplain parse_normalization(const json& n, Time now) {
  NormalizationExplain e;
  e.behavior = n.value("behavior", false);
  e.current = n.value("current", 0);
  e.raw = n.value("raw", 0);
  e.min_replicas = n.value("minReplicas", 0);
  e.max_replicas = n.value("maxReplicas", 0);
  e.up_window_seconds = n.value("upWindowSeconds", 0);
  e.down_window_seconds = n.value("downWindowSeconds", 0);
  for (const json& r : n.value("recommendations", json::array())) {
    // [replicas, t_us]; the windows are strict on the behavior path (8.3:
    // after now - W) and inclusive on the legacy one (7.1: not before).
    RecommendationLine line{r.at(0).get<std::int32_t>(), time_from_us(r.at(1).get<std::int64_t>()),
                            false, false};
    const Time up_cut = now - std::chrono::seconds(e.up_window_seconds);
    const Time down_cut = now - std::chrono::seconds(e.down_window_seconds);
    line.in_up_window = e.behavior && line.t > up_cut;
    line.in_down_window = e.behavior ? line.t > down_cut : line.t >= down_cut;
    e.recommendations.push_back(line);
  }
  e.up_recommendation = n.value("upRecommendation", 0);
  e.down_recommendation = n.value("downRecommendation", 0);
  e.stabilized = n.value("stabilized", 0);
  e.direction = str(n, "direction");
  e.select_policy = str(n, "selectPolicy");
  for (const json& p : n.value("policies", json::array())) {
    e.policies.push_back(PolicyLine{str(p, "type"), p.value("value", 0),
                                    p.value("periodSeconds", 0), p.value("periodStart", 0),
                                    p.value("limit", 0)});
  }
  e.rate_limit = n.value("rateLimit", 0);
  e.bound = n.value("bound", 0);
  e.limit = str(n, "limit");
  e.desired = n.value("desired", 0);
  return e;
}

std::expected<Decision, std::string> parse_decision(const TraceEvent& ev) {
  Decision d;
  d.event_id = ev.id;
  d.t = ev.t;
  d.hpa = ev.object;
  if (!ev.details) return std::unexpected("event " + std::to_string(ev.id) + ": no details");
  const json j = json::parse(*ev.details, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return std::unexpected("event " + std::to_string(ev.id) + ": details are not a JSON object");
  }
  try {
    d.target = str(j, "target");
    d.current = j.value("currentReplicas", 0);
    d.desired = j.value("desiredReplicas", 0);
    d.scaled = j.value("scaled", false);
    d.reason = str(j, "reason");
    d.error = opt<std::string>(j, "error");
    d.sentences = j.value("explanation", std::vector<std::string>{});
    for (const json& m : j.value("metrics", json::array())) d.metrics.push_back(parse_metric(m));
    if (const auto n = j.find("normalization"); n != j.end()) {
      d.normalization = parse_normalization(*n, d.t);
    }
  } catch (const json::exception& e) {
    return std::unexpected("event " + std::to_string(ev.id) + ": " + e.what());
  }
  return d;
}

bool changed(const TraceEvent& ev) {
  // Cheap pre-filter before parsing: only rescales have "scaled":true.
  return ev.details && ev.details->find("\"scaled\":true") != std::string::npos;
}

// "hpa/NAME", "NAME" or "NS/NAME" against "ns/name".
bool matches(const std::string& hpa, std::string want) {
  if (want.empty()) return true;
  if (want.starts_with("hpa/")) want = want.substr(4);
  if (want.find('/') != std::string::npos) return hpa == want;
  const auto slash = hpa.find('/');
  return hpa.substr(slash == std::string::npos ? 0 : slash + 1) == want;
}

std::string after(const std::string& text, const std::string& marker) {
  const auto p = text.find(marker);
  return p == std::string::npos ? "" : text.substr(p + marker.size());
}

std::string namespace_of(const std::string& key) {
  const auto slash = key.find('/');
  return slash == std::string::npos ? "" : key.substr(0, slash);
}

// The Deployment's ReplicaSets are named "<deployment>-<hash>".
bool owned_by(const std::string& replica_set, const std::string& deployment) {
  return replica_set.size() > deployment.size() + 1 && replica_set.starts_with(deployment + "-") &&
         replica_set.find('-', deployment.size() + 1) == std::string::npos;
}

void follow_pods(Decision& d, const std::vector<TraceEvent>& events) {
  Followup& f = d.followup;
  std::map<std::string, std::size_t> index;  // ns/name -> new_pods
  const std::string ns = namespace_of(d.target);
  // Pods created before the next rescale are this decision's; their
  // scheduling and readiness are followed up to 10 minutes, past it.
  const Time horizon = d.t + kFollowupCap;
  for (const TraceEvent& ev : events) {
    if (ev.t < d.t || ev.t > horizon) continue;
    if (ev.kind == "ReplicaSet" && owned_by(ev.object, d.target)) {
      if (ev.t >= f.until && f.until < horizon) continue;
      if (ev.reason == "SuccessfulCreate") {
        const std::string name = ns + "/" + after(ev.message, "Created pod: ");
        index[name] = f.new_pods.size();
        f.new_pods.push_back(PodFollowup{name, ev.t, {}, {}, "", {}});
      } else if (ev.reason == "SuccessfulDelete") {
        ++f.deleted_pods;
      }
      continue;
    }
    if (ev.kind != "Pod") continue;
    const auto it = index.find(ev.object);
    if (it == index.end()) continue;
    PodFollowup& p = f.new_pods[it->second];
    if (ev.reason == "FailedScheduling" && !p.first_failed_scheduling) {
      p.first_failed_scheduling = ev.t;
    } else if (ev.reason == "Scheduled" && !p.scheduled) {
      p.scheduled = ev.t;
      p.node = after(ev.message, " to ");
    } else if (ev.reason == "PodReady" && !p.ready) {
      p.ready = ev.t;
      f.last_ready = std::max(f.last_ready.value_or(ev.t), ev.t);
    }
  }
}

void follow_nodes(Decision& d, const std::vector<TraceEvent>& events) {
  Followup& f = d.followup;
  const Time horizon = d.t + kFollowupCap;
  std::optional<std::pair<Time, std::string>> last_node;  // the last Node Launched
  std::map<std::string, Time> node_ready;
  for (const TraceEvent& ev : events) {
    if (ev.kind == "Node" && ev.reason == "NodeReady") node_ready.emplace(ev.object, ev.t);
  }
  for (const TraceEvent& ev : events) {
    if (ev.kind == "Node" && ev.reason == "Launched") last_node = {ev.t, ev.object};
    if (ev.t < d.t - kFollowupCap || ev.t > horizon) continue;
    const bool claim = ev.kind == "NodeClaim" && ev.reason == "launched";
    const bool group = ev.kind == "NodeGroup" && ev.reason == "scale-up";
    if (!claim && !group) continue;
    NodeLaunch n{ev.t, ev.kind, ev.object, ev.message, "", {}, {}};
    if (last_node && last_node->first == ev.t) n.node = last_node->second;
    if (const auto r = node_ready.find(n.node); r != node_ready.end()) n.node_ready = r->second;
    for (const PodFollowup& p : f.new_pods) {
      if (!p.node.empty() && (p.node == n.node || ev.message.find(p.node) != std::string::npos)) {
        n.pods.push_back(p.name);
      }
    }
    // Before the decision or past the next rescale, a launch is shown only
    // when its node took some of this decision's pods.
    if ((ev.t < d.t || ev.t >= f.until) && n.pods.empty()) continue;
    f.nodes.push_back(std::move(n));
  }
}

void follow_routes(Decision& d, const std::vector<trace::RouteWindow>& windows) {
  std::map<std::string, RouteRecovery> by_route;
  for (const trace::RouteWindow& w : windows) {
    if (!w.p99) continue;
    RouteRecovery& r = by_route[w.route];
    r.route = w.route;
    const Time end = w.window_start + w.window;
    if (end <= d.t && w.window_start >= d.t - kBaselineSpan) {
      r.baseline = std::min(r.baseline.value_or(*w.p99), *w.p99);
    }
    if (end <= d.t) r.before = w.p99;
  }
  for (auto& [route, r] : by_route) {
    if (!r.baseline) continue;
    const auto bar = Duration(r.baseline->count() + r.baseline->count() / 10);
    for (const trace::RouteWindow& w : windows) {
      if (w.route != route || !w.p99 || w.window_start < d.t || w.window_start > d.followup.until)
        continue;
      if (!r.peak || *w.p99 > *r.peak) {
        r.peak = w.p99;
        r.peak_at = w.window_start;
        r.recovered.reset();  // recovery counts only after the peak
        r.recovered_p99.reset();
      }
      if (!r.recovered && *w.p99 <= bar) {
        r.recovered = w.window_start;
        r.recovered_p99 = w.p99;
      }
    }
    d.followup.routes.push_back(r);
  }
}

}  // namespace

std::optional<std::int64_t> PodLine::utilization() const {
  if (!usage || !request || *request == 0) return std::nullopt;
  return *usage * 100 / *request;
}

std::expected<std::vector<Decision>, std::string> explain_decisions(const trace::TraceReader& trace,
                                                                    const ExplainOptions& o) {
  auto events = trace.events();
  if (!events) return std::unexpected(events.error());
  std::vector<const TraceEvent*> syncs;
  std::set<std::string> hpas;
  for (const TraceEvent& ev : *events) {
    if (ev.kind != "HorizontalPodAutoscaler" || ev.reason != "Sync") continue;
    hpas.insert(ev.object);
    if (matches(ev.object, o.object)) syncs.push_back(&ev);
  }
  if (hpas.empty()) return std::unexpected(std::string("the trace holds no HPA decision"));
  if (syncs.empty()) {
    std::string known;
    for (const std::string& h : hpas) known += (known.empty() ? "" : ", ") + h;
    return std::unexpected("no HPA named '" + o.object + "' in the trace (it has: " + known + ")");
  }
  std::vector<const TraceEvent*> chosen;
  if (o.at) {
    std::map<std::string, const TraceEvent*> last;  // per HPA, at or before `at`
    for (const TraceEvent* ev : syncs) {
      if (ev->t <= *o.at) last[ev->object] = ev;
    }
    for (const auto& [hpa, ev] : last) chosen.push_back(ev);
  } else {
    const bool ranged = o.from || o.to;
    for (const TraceEvent* ev : syncs) {
      if (o.from && ev->t < *o.from) continue;
      if (o.to && ev->t > *o.to) continue;
      if (ranged || changed(*ev)) chosen.push_back(ev);
    }
  }
  std::ranges::sort(chosen, [](const TraceEvent* a, const TraceEvent* b) { return a->id < b->id; });
  if (chosen.empty()) {
    return std::unexpected(
        std::string(o.at ? "no HPA decision at or before that time"
                         : (o.from || o.to ? "no HPA decision in that range"
                                           : "no HPA decision changed the replica count")));
  }
  auto windows = trace.route_windows();
  if (!windows) return std::unexpected(windows.error());
  std::vector<Decision> out;
  for (const TraceEvent* ev : chosen) {
    auto d = parse_decision(*ev);
    if (!d) return std::unexpected(d.error());
    // The span: until this HPA's next rescale, at most 10 minutes.
    d->followup.until = d->t + kFollowupCap;
    for (const TraceEvent* s : syncs) {
      if (s->object == d->hpa && s->id > ev->id && changed(*s)) {
        d->followup.until = std::min(d->followup.until, s->t);
        break;
      }
    }
    follow_pods(*d, *events);
    follow_nodes(*d, *events);
    follow_routes(*d, *windows);
    out.push_back(std::move(*d));
  }
  return out;
}

}  // namespace ksim::analysis
