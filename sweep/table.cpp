// format_table (table.h).
#include "ksim/sweep/table.h"

#include <fmt/format.h>

#include <algorithm>

namespace ksim::sweep {
namespace {

std::string slo_text(const PointResult& p) {
  const std::uint32_t total = p.expectations_passed + p.expectations_failed;
  if (total == 0) return "-";
  if (p.slo_pass) return fmt::format("pass {}/{}", p.expectations_passed, total);
  return fmt::format("FAIL {}/{}", p.expectations_passed, total);
}

std::string p99_text(double ms) {
  return ms >= 1000 ? fmt::format("{:.2f}s", ms / 1000) : fmt::format("{:.1f}ms", ms);
}

}  // namespace

std::string format_table(const SweepFile& file) {
  const SweepInfo& info = file.info;
  std::string out = fmt::format("{}: {} of {} point{}{}\n\n", info.scenario, file.points.size(),
                                info.grid_size, info.grid_size == 1 ? "" : "s",
                                info.duration.empty() ? "" : ", " + info.duration + " each");
  std::vector<std::size_t> widths;
  for (const Parameter& p : info.parameters) {
    std::size_t w = p.key.size();
    for (const std::string& v : p.values) w = std::max(w, v.size());
    widths.push_back(w);
  }
  std::string header = fmt::format("{:>5}", "point");
  for (std::size_t i = 0; i < widths.size(); ++i) {
    header += fmt::format("  {:<{}}", info.parameters[i].key, widths[i]);
  }
  header += fmt::format("  {:>10}  {:>10}  {:>7}  {:<10}  {}", "cost $", "worst p99", "error%",
                        "SLO", "pareto");
  out += header + "\n";
  for (const PointResult& p : file.points) {
    std::string row = fmt::format("{:>5}", p.index);
    for (std::size_t i = 0; i < widths.size() && i < p.point.size(); ++i) {
      row += fmt::format("  {:<{}}", p.point[i].second, widths[i]);
    }
    row +=
        fmt::format("  {:>10.4f}  {:>10}  {:>6.2f}%  {:<10}  {}", p.cost_dollars,
                    p99_text(p.worst_p99_ms), 100 * p.error_rate, slo_text(p), p.pareto ? "*" : "");
    while (!row.empty() && row.back() == ' ') row.pop_back();
    out += row + "\n";
  }
  out += fmt::format("\n* Pareto front of cost vs worst p99 among {}\n",
                     file.pareto_among_slo_pass ? "the points that pass the SLO"
                                                : "all points (none passes the SLO)");
  return out;
}

}  // namespace ksim::sweep
