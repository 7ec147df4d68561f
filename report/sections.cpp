#include "sections.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>

#include "chart.h"
#include "decisions.h"

namespace ksim::report::detail {
namespace {

using nlohmann::json;

json section(std::string_view title, const std::vector<Chart>& charts) {
  json list = json::array();
  for (const Chart& c : charts) {
    if (!c.empty()) list.push_back(c.to_json());
  }
  return {{"title", title}, {"charts", std::move(list)}};
}

void put_series(Chart& chart, std::size_t column, const std::vector<trace::Sample>* samples) {
  if (samples == nullptr) return;
  for (const trace::Sample& s : *samples) {
    chart.set_number(s.t.time_since_epoch().count(), column, s.value);
  }
}

// A stacked chart of one metric of `kind`'s objects accepted by `keep`.
template <class Keep>
Chart stacked_objects(const TraceData& d, std::string id, std::string title, std::string ylabel,
                      const std::string& kind, const std::string& metric, Keep keep) {
  std::vector<std::string> objects = d.objects(kind);
  std::erase_if(objects, [&](const std::string& o) { return !keep(o); });
  Chart chart(std::move(id), std::move(title), std::move(ylabel), objects);
  for (std::size_t i = 0; i < objects.size(); ++i)
    put_series(chart, i, d.find(kind, objects[i], metric));
  chart.stacked();
  return chart;
}

}  // namespace

json load_section(const TraceData& d) {
  std::vector<Chart> charts;
  charts.push_back(stacked_objects(d, "load", "Load and route mix (requests/s per route, stacked)",
                                   "requests/s", "route", "rps",
                                   [](const std::string&) { return true; }));
  return section("Load", charts);
}

json replicas_section(const TraceData& d) {
  const std::vector<Rescale> marks = rescales(d.events);
  std::vector<Chart> charts;
  for (const std::string& deployment : d.objects("deployment")) {
    Chart chart("replicas-" + deployment, "Replicas of " + deployment, "replicas",
                {"desired", "current", "ready"});
    put_series(chart, 0, d.find("deployment", deployment, "desired_replicas"));
    put_series(chart, 1, d.find("deployment", deployment, "current_replicas"));
    put_series(chart, 2, d.find("deployment", deployment, "ready_replicas"));
    for (const Rescale& r : marks) {
      if (r.target != deployment) continue;
      // The rescale sets the desired count at its own instant: a point there
      // carries the mark.
      chart.set_number(r.t_us, 0, r.to);
      chart.annotate(r.t_us, 0, r.to > r.from ? "+" : "-", r.text);
    }
    charts.push_back(std::move(chart.step()));
  }
  return section("Replicas per Deployment (each HPA rescale marked)", charts);
}

json hpa_section(const TraceData& d) {
  constexpr std::string_view kCurrent = " current";
  std::vector<Chart> charts;
  for (const trace::SeriesInfo& s : d.series) {
    if (s.kind != "hpa" || !s.metric.ends_with(kCurrent)) continue;
    const std::string metric = s.metric.substr(0, s.metric.size() - kCurrent.size());
    Chart chart("hpa-" + s.object + "-" + metric, "HPA " + s.object + ": " + metric,
                s.unit.empty() ? metric : s.unit, {"current", "target (tolerance band)"});
    chart.band();
    if (const auto* current = d.find(s.kind, s.object, s.metric)) {
      for (const trace::Sample& x : *current) {
        if (std::isfinite(x.value))
          chart.set(x.t.time_since_epoch().count(), 0, json::array({x.value, x.value, x.value}));
      }
    }
    if (const auto* target = d.find(s.kind, s.object, metric + " target")) {
      for (const trace::Sample& x : *target) {
        if (!std::isfinite(x.value)) continue;
        chart.set(
            x.t.time_since_epoch().count(), 1,
            json::array({x.value * (1 - kHpaTolerance), x.value, x.value * (1 + kHpaTolerance)}));
      }
    }
    charts.push_back(std::move(chart));
  }
  return section("HPA metric vs target (band: target x [0.9, 1.1])", charts);
}

json routes_section(const TraceData& d) {
  std::vector<std::string> routes;
  for (const trace::RouteWindow& w : d.routes) {
    if (std::ranges::find(routes, w.route) == routes.end()) routes.push_back(w.route);
  }
  std::vector<Chart> charts;
  for (const std::string& route : routes) {
    Chart chart("route-" + route, "Latency and errors of " + route, "latency (ms)",
                {"p50", "p95", "p99", "errors/s"});
    chart.on_y2(3, "errors/s").log_scale();
    for (const trace::RouteWindow& w : d.routes) {
      if (w.route != route) continue;
      // A window's statistics belong at its end, like the sampled series.
      const std::int64_t t = (w.window_start + w.window).time_since_epoch().count();
      const auto ms = [](const std::optional<Duration>& v) {
        return v ? json(static_cast<double>(v->count()) / 1000) : json(nullptr);
      };
      chart.set(t, 0, ms(w.p50));
      chart.set(t, 1, ms(w.p95));
      chart.set(t, 2, ms(w.p99));
      const double window_s = seconds(w.window.count());
      chart.set_number(t, 3, window_s > 0 ? static_cast<double>(w.errors) / window_s : 0.0);
    }
    charts.push_back(std::move(chart));
  }
  return section("Latency and errors per route", charts);
}

json nodes_section(const TraceData& d) {
  const auto is_type = [](const std::string& o) { return o.starts_with("capacity-type/"); };
  std::vector<Chart> charts;
  charts.push_back(stacked_objects(d, "nodes-by-pool", "Nodes by NodePool / node group", "nodes",
                                   "nodes", "nodes",
                                   [&](const std::string& o) { return !is_type(o); }));
  charts.push_back(stacked_objects(d, "nodes-by-capacity-type", "Nodes by capacity type", "nodes",
                                   "nodes", "nodes", is_type));
  // A trace without the per-pool counts (an older one) shows the total.
  if (charts.front().empty()) {
    Chart total("nodes-total", "Nodes", "nodes", {"nodes"});
    put_series(total, 0, d.find("cluster", "", "nodes"));
    charts.push_back(std::move(total.step()));
  }
  return section("Nodes", charts);
}

json cost_section(const TraceData& d) {
  const auto is_type = [](const std::string& o) { return o.starts_with("capacity-type/"); };
  std::vector<Chart> charts;
  // Stacked, each chart's top is the total so far.
  charts.push_back(stacked_objects(d, "cost-by-pool", "Cost so far by NodePool / node group", "$",
                                   "cost", "cost",
                                   [&](const std::string& o) { return !is_type(o); }));
  charts.push_back(stacked_objects(d, "cost-by-capacity-type", "Cost so far by capacity type", "$",
                                   "cost", "cost", is_type));
  if (charts.front().empty()) {
    Chart total("cost-total", "Cost so far", "$", {"total"});
    put_series(total, 0, d.find("cluster", "", "cost"));
    charts.push_back(std::move(total));
  }
  Chart price("price", "Price of the running nodes", "$/h", {"price"});
  put_series(price, 0, d.find("cluster", "", "price_per_hour"));
  charts.push_back(std::move(price.step()));
  return section("Cost", charts);
}

}  // namespace ksim::report::detail
