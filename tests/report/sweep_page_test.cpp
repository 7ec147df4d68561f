// report/sweep_page.cpp: a sweep file's page data: the scatter ordered by
// cost with the Pareto front as its own series, and the points' table.
#include <gtest/gtest.h>

#include "ksim/report/sweep_report.h"

namespace ksim::report {
namespace {

sweep::PointResult point(std::size_t i, std::string value, double cost, double p99, bool pareto) {
  sweep::PointResult p;
  p.index = i;
  p.point = {{"seed", std::move(value)}};
  p.cost_dollars = cost;
  p.worst_p99_ms = p99;
  p.pareto = pareto;
  p.expectations_passed = 3;
  return p;
}

TEST(SweepPage, ScatterByCostWithTheFront) {
  sweep::SweepFile f;
  f.info = {"demo", "demo.yaml", {{"seed", {"1", "2", "3"}}}, 3, "", "0.1.0"};
  f.points = {point(0, "1", 0.30, 10, true), point(1, "2", 0.10, 50, true),
              point(2, "3", 0.20, 60, false)};
  const nlohmann::json data = build_sweep_page_data(f);
  const nlohmann::json& chart = data.at("sections").at(0).at("charts").at(0);
  EXPECT_TRUE(chart.at("scatter").get<bool>());
  EXPECT_EQ(chart.at("rows"), nlohmann::json::parse("[[0.1, 50, 50], [0.2, 60, null], "
                                                    "[0.3, 10, 10]]"));
  EXPECT_EQ(data.at("sweep").at("columns"),
            nlohmann::json::parse(R"(["point", "seed", "cost $", "worst p99 ms", "error %",
                                     "SLO", "Pareto"])"));
  EXPECT_EQ(data.at("sweep").at("rows").at(2),
            nlohmann::json::parse(R"([2, "3", "0.2000", "60.0", "0.00", "pass 3/3", ""])"));
  EXPECT_EQ(data.at("meta").at("points"), "3 of 3");
  EXPECT_TRUE(data.at("decisions").at("rows").empty());
}

}  // namespace
}  // namespace ksim::report
