// check_expectations (expect.h): each kind over the trace's series, route
// windows and events.
#include "ksim/analysis/expect.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <optional>

namespace ksim::analysis {
namespace {

using scenario::Expectation;
using scenario::ExpectKind;

std::string at(Time t) { return format_duration(t - kTimeZero); }

std::string number(double v) {
  if (std::floor(v) == v && std::abs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{:.4g}", v);
}

// Cents, or four decimals below a dollar (a short run costs cents).
std::string dollars_text(double d) {
  return d >= 1 ? fmt::format("${:.2f}", d) : fmt::format("${:.4f}", d);
}

std::string_view count_name(scenario::ReplicaCount c) {
  switch (c) {
    case scenario::ReplicaCount::kDesired:
      return "desired";
    case scenario::ReplicaCount::kCurrent:
      return "current";
    case scenario::ReplicaCount::kReady:
      return "ready";
  }
  return "ready";
}

std::string bounds(const Expectation& e) {
  if (e.min && e.max) return "within [" + number(*e.min) + ", " + number(*e.max) + "]";
  if (e.min) return "at least " + number(*e.min);
  return "at most " + number(*e.max);
}

// Everything the checks read, loaded once.
class View {
 public:
  static std::expected<View, std::string> load(const trace::TraceReader& t) {
    View v(t);
    auto meta = t.meta();
    if (!meta) return std::unexpected(meta.error());
    v.meta_ = std::move(*meta);
    auto series = t.series();
    if (!series) return std::unexpected(series.error());
    v.series_ = std::move(*series);
    auto windows = t.route_windows();
    if (!windows) return std::unexpected(windows.error());
    v.windows_ = std::move(*windows);
    auto events = t.events();
    if (!events) return std::unexpected(events.error());
    v.events_ = std::move(*events);
    if (auto it = v.meta_.find("duration_us"); it != v.meta_.end()) {
      v.end_ = kTimeZero + Duration{std::stoll(it->second)};
    }
    for (const trace::RouteWindow& w : v.windows_)
      v.end_ = std::max(v.end_, w.window_start + w.window);
    return v;
  }

  [[nodiscard]] Time end() const { return end_; }
  [[nodiscard]] const std::vector<trace::RouteWindow>& windows() const { return windows_; }
  [[nodiscard]] const std::vector<trace::TraceEvent>& events() const { return events_; }
  [[nodiscard]] const std::map<std::string, std::string>& meta() const { return meta_; }

  /// The series' samples, or an error naming what is missing.
  std::expected<std::vector<trace::Sample>, std::string> samples(std::string_view kind,
                                                                 std::string_view object,
                                                                 std::string_view metric) const {
    for (const trace::SeriesInfo& s : series_) {
      if (s.kind == kind && s.object == object && s.metric == metric) {
        return trace_.samples(s.id);
      }
    }
    return std::unexpected(fmt::format("the trace has no {} series {} of {}", kind, metric,
                                       object.empty() ? "the cluster" : object));
  }

  /// "ns/name" of a Deployment written "ns/name" or "name" (unique).
  std::expected<std::string, std::string> deployment(const std::string& written) const {
    std::vector<std::string> found;
    for (const trace::SeriesInfo& s : series_) {
      if (s.kind != "deployment" || s.metric != "desired_replicas") continue;
      if (s.object == written ||
          (written.find('/') == std::string::npos && s.object.ends_with("/" + written))) {
        found.push_back(s.object);
      }
    }
    if (found.size() == 1) return found[0];
    if (found.empty()) return std::unexpected("the trace has no Deployment " + written);
    return std::unexpected("Deployment " + written + " is in several namespaces: write ns/name");
  }

  /// The route's name as the trace has it: "GET /p" or a path one route has.
  std::expected<std::string, std::string> route(const std::string& written) const {
    std::vector<std::string> names;
    for (const trace::RouteWindow& w : windows_) {
      if (std::find(names.begin(), names.end(), w.route) == names.end()) names.push_back(w.route);
    }
    std::vector<std::string> found;
    for (const std::string& n : names) {
      const auto space = n.find(' ');
      if (n == written || (space != std::string::npos && n.substr(space + 1) == written)) {
        found.push_back(n);
      }
    }
    if (found.size() == 1) return found[0];
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    if (found.empty())
      return std::unexpected("the trace has no route '" + written + "' (" + list + ")");
    return std::unexpected("route '" + written + "' is ambiguous (" + list +
                           "): write METHOD /path");
  }

 private:
  explicit View(const trace::TraceReader& t) : trace_(t) {}
  const trace::TraceReader& trace_;
  std::map<std::string, std::string> meta_;
  std::vector<trace::SeriesInfo> series_;
  std::vector<trace::RouteWindow> windows_;
  std::vector<trace::TraceEvent> events_;
  Time end_{};
};

// [from, to), or [from, the end] when no `to` was given (the last sample,
// taken at the end, counts).
struct Range {
  Time from{};
  Time to{};
  bool to_end = false;
  [[nodiscard]] bool contains(Time t) const { return t >= from && (to_end ? t <= to : t < to); }
  [[nodiscard]] std::string text() const {
    return "from " + at(from) + (to_end ? " to the end" : " to " + at(to));
  }
};

Range range_of(const Expectation& e, const View& v) {
  const Time from = kTimeZero + e.from.value_or(Duration{0});
  if (e.to) return {from, kTimeZero + *e.to, false};
  return {from, v.end(), true};
}

struct Verdict {
  bool passed = false;
  std::string observed;
};

// Samples in range within [min, max]: the first one outside fails.
Verdict check_bounds(const std::vector<trace::Sample>& samples, const Expectation& e,
                     const Range& r) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  std::size_t n = 0;
  for (const trace::Sample& s : samples) {
    if (!r.contains(s.t) || std::isnan(s.value)) continue;
    ++n;
    lo = std::min(lo, s.value);
    hi = std::max(hi, s.value);
    if ((e.min && s.value < *e.min) || (e.max && s.value > *e.max)) {
      return {false, "was " + number(s.value) + " at " + at(s.t)};
    }
  }
  if (n == 0) return {false, "no sample in the range"};
  return {true,
          "held (" + number(lo) + " .. " + number(hi) + " over " + std::to_string(n) + " samples)"};
}

Verdict check_reach(const std::vector<trace::Sample>& samples, const Expectation& e) {
  const Time after = kTimeZero + e.after;
  const Time deadline = after + e.within;
  double best = 0;
  for (const trace::Sample& s : samples) {
    if (s.t < after) continue;
    if (s.value >= e.replicas) {
      if (s.t <= deadline)
        return {true, "reached " + number(s.value) + " at " + at(s.t) + " (" +
                          format_duration(s.t - after) + " after " + at(after) + ")"};
      return {false, "reached " + std::to_string(e.replicas) + " only at " + at(s.t) + ", " +
                         format_duration(s.t - deadline) + " late"};
    }
    if (s.t <= deadline) best = std::max(best, s.value);
  }
  return {false, "never reached " + std::to_string(e.replicas) + " (at most " + number(best) +
                     " by " + at(deadline) + ")"};
}

Verdict check_latency(const View& v, const std::string& route, const Expectation& e,
                      const Range& r) {
  std::size_t n = 0;
  Duration worst{};
  Time worst_at{};
  for (const trace::RouteWindow& w : v.windows()) {
    if (w.route != route || !r.contains(w.window_start)) continue;
    const std::optional<Duration>& p = e.percentile == 50   ? w.p50
                                       : e.percentile == 95 ? w.p95
                                                            : w.p99;
    if (!p || w.requests < e.min_requests) continue;
    ++n;
    if (*p > e.latency) {
      return {false, fmt::format("p{} was {} in the window at {} ({} requests)", e.percentile,
                                 format_duration(*p), at(w.window_start), w.requests)};
    }
    if (*p >= worst) {
      worst = *p;
      worst_at = w.window_start;
    }
  }
  if (n == 0) return {true, "no window in the range with enough requests"};
  return {true, fmt::format("held (worst p{} {} at {}, over {} windows)", e.percentile,
                            format_duration(worst), at(worst_at), n)};
}

Verdict check_errors(const View& v, const std::string& route, const Expectation& e,
                     const Range& r) {
  std::int64_t requests = 0;
  std::int64_t errors = 0;
  for (const trace::RouteWindow& w : v.windows()) {
    if ((!route.empty() && w.route != route) || !r.contains(w.window_start)) continue;
    requests += w.requests;
    errors += w.errors;
  }
  const double rate =
      requests == 0 ? 0.0 : static_cast<double>(errors) / static_cast<double>(requests);
  const std::string text =
      fmt::format("{:.3f} % ({} errors of {} requests)", 100 * rate, errors, requests);
  return {rate <= e.max_rate, text};
}

Verdict check_scale_events(const View& v, const std::string& deployment, const Expectation& e,
                           const Range& r) {
  std::vector<Time> times;
  bool first = true;
  for (const trace::TraceEvent& ev : v.events()) {
    if (ev.kind != "Deployment" || ev.object != deployment || ev.reason != "ScalingReplicaSet")
      continue;
    if (first) {  // the ReplicaSet's initial rollout
      first = false;
      continue;
    }
    if (r.contains(ev.t)) times.push_back(ev.t);
  }
  // The most changes in any window (t - within, t]: a sliding window.
  std::deque<Time> open;
  std::size_t most = 0;
  Time most_at{};
  for (const Time t : times) {
    open.push_back(t);
    while (open.front() <= t - e.within) open.pop_front();
    if (open.size() > most) {
      most = open.size();
      most_at = open.front();
    }
  }
  if (most > static_cast<std::size_t>(e.max_events)) {
    return {false, fmt::format("{} changes within {} from {}", most, format_duration(e.within),
                               at(most_at))};
  }
  return {true, fmt::format("at most {} in any {} ({} in all)", most, format_duration(e.within),
                            times.size())};
}

Verdict check_cost(const View& v, const Expectation& e) {
  double dollars = 0;
  if (auto it = v.meta().find("cost_dollars"); it != v.meta().end()) {
    dollars = std::stod(it->second);
  } else if (auto s = v.samples("cluster", "", "cost"); s && !s->empty()) {
    dollars = s->back().value;
  } else {
    return {false, "the trace records no cost"};
  }
  return {dollars <= e.max_dollars, dollars_text(dollars)};
}

Verdict check_pending(const View& v, const Expectation& e) {
  std::map<std::string, Time> since;  // pods pending, from their first FailedScheduling
  Duration worst{};
  std::string worst_pod;
  Time worst_from{};
  auto close = [&](const std::string& pod, Time t) {
    const auto it = since.find(pod);
    if (it == since.end()) return;
    if (t - it->second > worst || worst_pod.empty()) {
      worst = t - it->second;
      worst_pod = pod;
      worst_from = it->second;
    }
    since.erase(it);
  };
  for (const trace::TraceEvent& ev : v.events()) {
    if (ev.kind != "Pod") continue;
    if (ev.reason == "FailedScheduling") {
      since.try_emplace(ev.object, ev.t);
    } else if (ev.reason == "Scheduled" || ev.reason == "Killing" || ev.reason == "PodDeleted") {
      close(ev.object, ev.t);
    }
  }
  std::vector<std::string> open;
  for (const auto& [pod, t] : since) open.push_back(pod);
  for (const std::string& pod : open) close(pod, v.end());
  if (worst_pod.empty()) return {true, "no pod was Pending"};
  const std::string text = fmt::format("longest: {} Pending {} from {}", worst_pod,
                                       format_duration(worst), at(worst_from));
  return {worst <= e.max_pending, text};
}

ExpectResult check_one(const View& v, const Expectation& e) {
  ExpectResult out;
  out.expectation = e;
  const Range r = range_of(e, v);
  Verdict verdict;
  auto fail = [&](std::string why) {
    out.passed = false;
    out.observed = std::move(why);
    return out;
  };
  switch (e.kind) {
    case ExpectKind::kReplicas:
    case ExpectKind::kReach: {
      auto name = v.deployment(e.deployment);
      const std::string metric = std::string(count_name(e.count)) + "_replicas";
      out.expected = e.kind == ExpectKind::kReplicas
                         ? fmt::format("{} {} replicas {} {}", e.deployment, count_name(e.count),
                                       bounds(e), r.text())
                         : fmt::format("{} {} replicas reach {} within {} after {}", e.deployment,
                                       count_name(e.count), e.replicas, format_duration(e.within),
                                       format_duration(e.after));
      if (!name) return fail(name.error());
      auto samples = v.samples("deployment", *name, metric);
      if (!samples) return fail(samples.error());
      verdict =
          e.kind == ExpectKind::kReplicas ? check_bounds(*samples, e, r) : check_reach(*samples, e);
      break;
    }
    case ExpectKind::kLatency: {
      out.expected = fmt::format(
          "{} p{} at most {} in every window{} {}", e.route, e.percentile,
          format_duration(e.latency),
          e.min_requests > 1 ? fmt::format(" of {}+ requests", e.min_requests) : std::string{},
          r.text());
      auto route = v.route(e.route);
      if (!route) return fail(route.error());
      verdict = check_latency(v, *route, e, r);
      break;
    }
    case ExpectKind::kErrors: {
      out.expected =
          fmt::format("{} error rate at most {} % {}", e.route.empty() ? "all routes'" : e.route,
                      number(100 * e.max_rate), r.text());
      std::string route;
      if (!e.route.empty()) {
        auto found = v.route(e.route);
        if (!found) return fail(found.error());
        route = *found;
      }
      verdict = check_errors(v, route, e, r);
      break;
    }
    case ExpectKind::kScaleEvents: {
      out.expected = fmt::format("{} scaled at most {} times in any {} {}", e.deployment,
                                 e.max_events, format_duration(e.within), r.text());
      auto name = v.deployment(e.deployment);
      if (!name) return fail(name.error());
      verdict = check_scale_events(v, *name, e, r);
      break;
    }
    case ExpectKind::kNodes: {
      out.expected = fmt::format("nodes {} {}", bounds(e), r.text());
      auto samples = v.samples("cluster", "", "nodes");
      if (!samples) return fail(samples.error());
      verdict = check_bounds(*samples, e, r);
      break;
    }
    case ExpectKind::kCost:
      out.expected = "the nodes cost at most " + dollars_text(e.max_dollars);
      verdict = check_cost(v, e);
      break;
    case ExpectKind::kPending:
      out.expected = "no pod Pending longer than " + format_duration(e.max_pending);
      verdict = check_pending(v, e);
      break;
  }
  out.passed = verdict.passed;
  out.observed = std::move(verdict.observed);
  return out;
}

}  // namespace

std::expected<std::vector<ExpectResult>, std::string> check_expectations(
    const trace::TraceReader& trace, std::span<const scenario::Expectation> expectations) {
  auto view = View::load(trace);
  if (!view) return std::unexpected(view.error());
  std::vector<ExpectResult> out;
  out.reserve(expectations.size());
  for (const Expectation& e : expectations) out.push_back(check_one(*view, e));
  return out;
}

}  // namespace ksim::analysis
