// build_sweep_page_data and write_sweep_report (sweep_report.h): the sweep's
// points as one scatter chart and a table; page.js draws a chart with
// "scatter" as points without lines on a cost axis.
#include <fmt/format.h>

#include <algorithm>

#include "ksim/report/sweep_report.h"

namespace ksim::report {
namespace {

using json = nlohmann::json;

json meta_of(const sweep::SweepFile& f) {
  std::string params;
  for (const sweep::Parameter& p : f.info.parameters) {
    params +=
        (params.empty() ? "" : "; ") + p.key + " = " + fmt::format("{}", fmt::join(p.values, ", "));
  }
  return {{"scenario", f.info.scenario},
          {"scenario_file", f.info.scenario_file},
          {"parameters", params},
          {"points", fmt::format("{} of {}", f.points.size(), f.info.grid_size)},
          {"duration", f.info.duration.empty() ? "the scenario's" : f.info.duration},
          {"pareto front among", f.pareto_among_slo_pass ? "the points that pass the SLO"
                                                         : "all points (none passes the SLO)"},
          {"ksim_version", f.info.ksim_version}};
}

json scatter(const sweep::SweepFile& f) {
  std::vector<const sweep::PointResult*> by_cost;
  for (const sweep::PointResult& p : f.points) by_cost.push_back(&p);
  std::stable_sort(by_cost.begin(), by_cost.end(),
                   [](const auto* a, const auto* b) { return a->cost_dollars < b->cost_dollars; });
  json rows = json::array();
  for (const sweep::PointResult* p : by_cost) {
    rows.push_back(
        {p->cost_dollars, p->worst_p99_ms, p->pareto ? json(p->worst_p99_ms) : json(nullptr)});
  }
  return {{"id", "sweep-scatter"},
          {"title", "Cost vs worst p99 (each point a grid point; the Pareto front marked)"},
          {"ylabel", "worst p99 (ms)"},
          {"y2label", ""},
          {"xlabel", "cost ($)"},
          {"labels", {"cost ($)", "all points", "Pareto front"}},
          {"rows", std::move(rows)},
          {"y2", json::array()},
          {"stacked", false},
          {"step", false},
          {"band", false},
          {"log", false},
          {"scatter", true},
          {"annotations", json::array()}};
}

json table(const sweep::SweepFile& f) {
  json columns = json::array({"point"});
  for (const sweep::Parameter& p : f.info.parameters) columns.push_back(p.key);
  for (const char* c : {"cost $", "worst p99 ms", "error %", "SLO", "Pareto"}) columns.push_back(c);
  json rows = json::array();
  for (const sweep::PointResult& p : f.points) {
    json row = json::array({p.index});
    for (const auto& kv : p.point) row.push_back(kv.second);
    const std::uint32_t total = p.expectations_passed + p.expectations_failed;
    row.push_back(fmt::format("{:.4f}", p.cost_dollars));
    row.push_back(fmt::format("{:.1f}", p.worst_p99_ms));
    row.push_back(fmt::format("{:.2f}", 100 * p.error_rate));
    row.push_back(total == 0 ? std::string("-")
                             : fmt::format("{} {}/{}", p.slo_pass ? "pass" : "FAIL",
                                           p.expectations_passed, total));
    row.push_back(p.pareto ? "*" : "");
    rows.push_back(std::move(row));
  }
  return {{"columns", std::move(columns)}, {"rows", std::move(rows)}};
}

}  // namespace

json build_sweep_page_data(const sweep::SweepFile& file) {
  json section = {{"title", "Cost vs latency"}, {"charts", json::array({scatter(file)})}};
  return {{"meta", meta_of(file)},
          {"sections", json::array({std::move(section)})},
          {"decisions", {{"rows", json::array()}, {"left_out", 0}}},
          {"sweep", table(file)}};
}

std::expected<ReportStats, std::string> write_sweep_report(const sweep::SweepFile& file,
                                                           const std::filesystem::path& out_path) {
  const json data = build_sweep_page_data(file);
  auto bytes = write_page(data, out_path);
  if (!bytes) return std::unexpected(bytes.error());
  return ReportStats{.charts = 1, .decisions = 0, .bytes = *bytes};
}

}  // namespace ksim::report
