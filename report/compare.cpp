// build_compare_data, write_compare_report (compare.h): A and B overlaid on
// one time axis per chart, the comparison table beside them.
#include "ksim/report/compare.h"

#include <algorithm>
#include <set>

#include "chart.h"
#include "trace_data.h"

namespace ksim::report {
namespace {

using detail::Chart;
using detail::TraceData;
using nlohmann::json;

void put(Chart& chart, std::size_t column, const std::vector<trace::Sample>* samples) {
  if (samples == nullptr) return;
  for (const trace::Sample& s : *samples) {
    chart.set_number(s.t.time_since_epoch().count(), column, s.value);
  }
}

json section(std::string title, const std::vector<Chart>& charts) {
  json list = json::array();
  for (const Chart& c : charts) {
    if (!c.empty()) list.push_back(c.to_json());
  }
  return {{"title", std::move(title)}, {"charts", std::move(list)}};
}

std::vector<std::string> union_of(const std::vector<std::string>& a,
                                  const std::vector<std::string>& b) {
  std::set<std::string> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  return {all.begin(), all.end()};
}

std::vector<std::string> routes_of(const TraceData& d) {
  std::vector<std::string> out;
  for (const trace::RouteWindow& w : d.routes) out.push_back(w.route);
  return out;
}

json replicas(const TraceData& a, const TraceData& b) {
  std::vector<Chart> charts;
  for (const std::string& dep : union_of(a.objects("deployment"), b.objects("deployment"))) {
    Chart chart("compare-replicas-" + dep, "Replicas of " + dep + ": A vs B", "replicas",
                {"A desired", "B desired", "A ready", "B ready"});
    put(chart, 0, a.find("deployment", dep, "desired_replicas"));
    put(chart, 1, b.find("deployment", dep, "desired_replicas"));
    put(chart, 2, a.find("deployment", dep, "ready_replicas"));
    put(chart, 3, b.find("deployment", dep, "ready_replicas"));
    charts.push_back(std::move(chart.step()));
  }
  return section("Replicas per Deployment, A vs B", charts);
}

// Each window's p99 at the window's end, as `ksim report` places it.
void put_p99(Chart& chart, std::size_t column, const TraceData& d, const std::string& route) {
  for (const trace::RouteWindow& w : d.routes) {
    if (w.route != route) continue;
    const std::int64_t t = (w.window_start + w.window).time_since_epoch().count();
    chart.set(t, column, w.p99 ? json(static_cast<double>(w.p99->count()) / 1000) : json(nullptr));
  }
}

json latency(const TraceData& a, const TraceData& b) {
  std::vector<Chart> charts;
  for (const std::string& route : union_of(routes_of(a), routes_of(b))) {
    Chart chart("compare-p99-" + route, "p99 latency of " + route + " per window: A vs B",
                "latency (ms)", {"A p99", "B p99"});
    put_p99(chart, 0, a, route);
    put_p99(chart, 1, b, route);
    charts.push_back(std::move(chart.log_scale()));
  }
  return section("p99 latency per route, A vs B", charts);
}

json cost_and_nodes(const TraceData& a, const TraceData& b) {
  Chart cost("compare-cost", "Cost so far: A vs B", "$", {"A cost", "B cost"});
  put(cost, 0, a.find("cluster", "", "cost"));
  put(cost, 1, b.find("cluster", "", "cost"));
  Chart nodes("compare-nodes", "Nodes: A vs B", "nodes", {"A nodes", "B nodes"});
  put(nodes, 0, a.find("cluster", "", "nodes"));
  put(nodes, 1, b.find("cluster", "", "nodes"));
  return section("Cost and nodes, A vs B", {cost, std::move(nodes.step())});
}

}  // namespace

std::expected<json, std::string> build_compare_data(const trace::TraceReader& a,
                                                    const trace::TraceReader& b,
                                                    const json& table) {
  auto da = detail::load_trace_data(a);
  if (!da) return std::unexpected(da.error());
  auto db = detail::load_trace_data(b);
  if (!db) return std::unexpected(db.error());
  json sections = json::array();
  for (json s : {replicas(*da, *db), latency(*da, *db), cost_and_nodes(*da, *db)}) {
    if (!s.at("charts").empty()) sections.push_back(std::move(s));
  }
  const std::string a_label = table.at("a").value("label", "A");
  const std::string b_label = table.at("b").value("label", "B");
  json meta = {{"A", a_label + ": " + table.at("a").value("description", "")},
               {"B", b_label + ": " + table.at("b").value("description", "")}};
  return json{{"title", "ksim compare: " + a_label + " vs " + b_label},
              {"meta", std::move(meta)},
              {"sections", std::move(sections)},
              {"decisions", {{"rows", json::array()}, {"left_out", 0}}},
              {"comparison", table}};
}

std::expected<ReportStats, std::string> write_compare_report(
    const trace::TraceReader& a, const trace::TraceReader& b, const json& table,
    const std::filesystem::path& out_path) {
  auto data = build_compare_data(a, b, table);
  if (!data) return std::unexpected(data.error());
  ReportStats stats;
  for (const json& s : data->at("sections")) stats.charts += s.at("charts").size();
  auto bytes = write_page(*data, out_path);
  if (!bytes) return std::unexpected(bytes.error());
  stats.bytes = *bytes;
  return stats;
}

}  // namespace ksim::report
