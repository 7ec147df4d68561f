// read_facts (compare.h): one trace's figures, exact from the meta `summary`
// where a `ksim run` wrote it, else from the series and route windows.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "ksim/analysis/compare.h"

namespace ksim::analysis {
namespace {

using nlohmann::json;

Duration since_start(Time t) { return t - kTimeZero; }

double seconds(Duration d) { return static_cast<double>(d.count()) / 1e6; }

// Each sample's value held until the next one; the first from 0, the last
// to `end`. NaN (no value) counts 0.
double integral(const std::vector<trace::Sample>& s, Time end) {
  double sum = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const Time from = i == 0 ? kTimeZero : s[i].t;
    const Time to = i + 1 < s.size() ? s[i + 1].t : std::max(end, s[i].t);
    if (!std::isnan(s[i].value)) sum += s[i].value * seconds(to - from);
  }
  return sum;
}

// Peak, first scale-up and first scale-down after the peak, from the
// desired replicas as sampled.
void from_desired(const std::vector<trace::Sample>& s, DeploymentFacts& d) {
  if (s.empty()) return;
  d.initial = d.peak = s.front().value;
  double before = s.front().value;
  for (const trace::Sample& x : s) {
    if (std::isnan(x.value)) continue;
    if (x.value > before && !d.first_scale_up) d.first_scale_up = since_start(x.t);
    if (x.value > d.peak) {
      d.peak = x.value;
      d.peak_at = since_start(x.t);
      d.first_scale_down.reset();
    }
    if (x.value < before && !d.first_scale_down) d.first_scale_down = since_start(x.t);
    before = x.value;
  }
}

std::optional<Duration> micros(const json& v) {
  if (v.is_null()) return std::nullopt;
  return Duration{v.get<std::int64_t>()};
}

// The summary's figures over the fallback ones. Throws json's exceptions on
// a summary that is not the documented shape.
void apply_summary(const json& sum, TraceFacts& f) {
  for (const json& d : sum.at("deployments")) {
    const std::string name = d.at("name").get<std::string>();
    auto it = std::find_if(f.deployments.begin(), f.deployments.end(),
                           [&](const DeploymentFacts& x) { return x.name == name; });
    if (it == f.deployments.end()) {
      f.deployments.emplace_back().name = name;
      it = std::prev(f.deployments.end());
    }
    it->initial = d.at("initial").get<double>();
    it->peak = d.at("peak").get<double>();
    it->peak_at = micros(d.at("peak_at_us"));
    it->first_scale_up = micros(d.at("first_scale_up_us"));
    it->first_scale_down = micros(d.at("first_scale_down_us"));
  }
  for (const json& r : sum.at("routes")) {
    const std::string name = r.at("route").get<std::string>();
    auto it = std::find_if(f.routes.begin(), f.routes.end(),
                           [&](const RouteFacts& x) { return x.route == name; });
    if (it == f.routes.end()) {
      f.routes.emplace_back().route = name;
      it = std::prev(f.routes.end());
    }
    it->requests = r.at("requests").get<double>();
    it->errors = r.at("errors").get<double>();
    // A run without a request on the route has empty histograms: no latency.
    const bool none = it->requests == 0;
    it->p50 = none ? std::nullopt : micros(r.at("p50_us"));
    it->p95 = none ? std::nullopt : micros(r.at("p95_us"));
    it->p99 = none ? std::nullopt : micros(r.at("p99_us"));
  }
  f.cost = sum.at("cost_dollars").get<double>();
  f.cost_by_owner = sum.at("cost_by_owner").get<std::map<std::string, double>>();
  f.nodes_peak = sum.at("peak_nodes").get<double>();
  f.description += ", " + sum.at("node_autoscaler").get<std::string>();
}

// A meta value that must be a number, whole.
template <typename T>
std::expected<T, std::string> number(const std::string& key, const std::string& text) {
  T v{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc{} || ptr != end) {
    return std::unexpected(fmt::format("meta '{}' is not a number: '{}'", key, text));
  }
  return v;
}

void from_windows(const std::vector<trace::RouteWindow>& windows, TraceFacts& f) {
  std::map<std::string, RouteFacts> by_route;
  auto worst = [](std::optional<Duration>& into, const std::optional<Duration>& v) {
    if (v && (!into || *v > *into)) into = v;
  };
  for (const trace::RouteWindow& w : windows) {
    RouteFacts& r = by_route[w.route];
    r.route = w.route;
    r.requests += static_cast<double>(w.requests);
    r.errors += static_cast<double>(w.errors);
    worst(r.p50, w.p50);
    worst(r.p95, w.p95);
    worst(r.p99, w.p99);
  }
  for (auto& [name, r] : by_route) f.routes.push_back(std::move(r));
}

}  // namespace

std::expected<TraceFacts, std::string> read_facts(const trace::TraceReader& trace,
                                                  std::string label) {
  auto meta = trace.meta();
  if (!meta) return std::unexpected(meta.error());
  auto series = trace.series();
  if (!series) return std::unexpected(series.error());
  auto windows = trace.route_windows();
  if (!windows) return std::unexpected(windows.error());

  TraceFacts f;
  f.label = std::move(label);
  auto meta_or = [&](const std::string& key, std::string fallback) {
    auto it = meta->find(key);
    return it == meta->end() ? fallback : it->second;
  };
  f.description = meta_or("scenario", "?") + ", seed " + meta_or("seed", "?");
  Time end = kTimeZero;
  if (auto it = meta->find("duration_us"); it != meta->end()) {
    auto us = number<std::int64_t>(it->first, it->second);
    if (!us) return std::unexpected(us.error());
    end = kTimeZero + Duration{*us};
  }
  for (const trace::RouteWindow& w : *windows) end = std::max(end, w.window_start + w.window);

  std::set<std::string> deployments;
  std::map<std::string, std::vector<trace::Sample>> desired, ready;
  double last_cost = NAN;
  for (const trace::SeriesInfo& s : *series) {
    const bool wanted = (s.kind == "deployment" &&
                         (s.metric == "desired_replicas" || s.metric == "ready_replicas")) ||
                        (s.kind == "cluster" && (s.metric == "nodes" || s.metric == "cost")) ||
                        (s.kind == "cost" && !s.object.starts_with("capacity-type/"));
    if (!wanted) continue;
    auto samples = trace.samples(s.id);
    if (!samples) return std::unexpected(samples.error());
    for (const trace::Sample& x : *samples) end = std::max(end, x.t);
    if (s.kind == "deployment") {
      deployments.insert(s.object);
      (s.metric == "desired_replicas" ? desired : ready)[s.object] = std::move(*samples);
    } else if (samples->empty()) {
      continue;
    } else if (s.kind == "cost") {
      f.cost_by_owner[s.object] = samples->back().value;
    } else if (s.metric == "cost") {
      last_cost = samples->back().value;
    } else {
      double peak = 0;
      for (const trace::Sample& x : *samples) peak = std::max(peak, x.value);
      f.nodes_peak = peak;
    }
  }
  for (const std::string& name : deployments) {
    DeploymentFacts d;
    d.name = name;
    from_desired(desired[name], d);
    d.replica_seconds = integral(ready[name], end);
    f.deployments.push_back(std::move(d));
  }
  from_windows(*windows, f);
  if (auto it = meta->find("cost_dollars"); it != meta->end()) {
    auto dollars = number<double>(it->first, it->second);
    if (!dollars) return std::unexpected(dollars.error());
    f.cost = *dollars;
  } else if (!std::isnan(last_cost)) {
    f.cost = last_cost;
  }

  if (auto it = meta->find("summary"); it != meta->end()) {
    try {
      apply_summary(json::parse(it->second), f);
      f.has_summary = true;
    } catch (const json::exception& e) {
      return std::unexpected(
          fmt::format("meta 'summary' is not the run summary of "
                      "sim/trace/SCHEMA.md: {}",
                      e.what()));
    }
  }
  std::ranges::sort(f.deployments, {}, &DeploymentFacts::name);
  std::ranges::sort(f.routes, {}, &RouteFacts::route);
  return f;
}

}  // namespace ksim::analysis
