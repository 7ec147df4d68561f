// The page data of a real run (scenarios/karpenter-burst.yaml, 30 minutes):
// every HPA rescale is in the decision log and marked on its Deployment's
// chart, Karpenter's NodeClaims are logged, and the NodePool's node count
// rises above zero during the burst and returns to zero after consolidation.
#include <gtest/gtest.h>

#include <algorithm>

#include "ksim/report/report.h"
#include "ksim/sim/run/run.h"
#include "ksim/sim/scenario/scenario.h"
#include "report_test_trace.h"

namespace ksim::report {
namespace {

using nlohmann::json;
using testing::ReportTest;

class Burst : public ReportTest {
 protected:
  void SetUp() override {
    ReportTest::SetUp();
    auto sc = scenario::load_scenario(std::filesystem::path(KSIM_SOURCE_DIR) / "scenarios" /
                                      "karpenter-burst.yaml");
    ASSERT_TRUE(sc.has_value());
    const auto path = dir_ / "burst.db";
    auto w = trace::TraceWriter::create(path);
    ASSERT_TRUE(w.has_value());
    ASSERT_TRUE(run::run_scenario(*sc, {}, &*w).has_value());
    ASSERT_TRUE(w->commit().has_value());
    auto r = trace::TraceReader::open(path);
    ASSERT_TRUE(r.has_value());
    auto events = r->events();
    ASSERT_TRUE(events.has_value());
    events_ = std::move(*events);
    auto d = build_page_data(*r);
    ASSERT_TRUE(d.has_value()) << d.error();
    data_ = std::move(*d);
  }
  std::size_t count_events(const std::string& reason) const {
    return static_cast<std::size_t>(
        std::ranges::count_if(events_, [&](const auto& e) { return e.reason == reason; }));
  }
  std::vector<trace::TraceEvent> events_;
  json data_;
};

TEST_F(Burst, EveryRescaleIsLoggedAndMarked) {
  const std::size_t rescales = count_events("SuccessfulRescale");
  ASSERT_GE(rescales, 2u);  // up for the burst, down after it
  std::size_t logged = 0;
  for (const json& row : data_.at("decisions").at("rows")) {
    if (row.at("kind") == "HorizontalPodAutoscaler" && row.at("reason") == "Sync") {
      ++logged;
      EXPECT_FALSE(row.at("explanation").empty());
    }
  }
  EXPECT_EQ(logged, rescales);
  const json c = chart(data_, "replicas-burst/worker");
  ASSERT_FALSE(c.is_null());
  EXPECT_EQ(c.at("annotations").size(), rescales);
  // Each mark sits on a point of the desired series holding the new count.
  for (const json& a : c.at("annotations")) {
    const json row = row_at(c, a.at("x").get<double>());
    ASSERT_FALSE(row.is_null());
    EXPECT_TRUE(row[1].is_number());
  }
  const auto launched = std::ranges::count_if(data_.at("decisions").at("rows"), [](const json& r) {
    return r.at("kind") == "NodeClaim" && r.at("reason") == "launched";
  });
  EXPECT_EQ(static_cast<std::size_t>(launched), count_events("launched"));
}

TEST_F(Burst, NodePoolNodesComeAndGo) {
  const json c = chart(data_, "nodes-by-pool");
  ASSERT_FALSE(c.is_null());
  const auto& labels = c.at("labels");
  const auto col = static_cast<std::size_t>(std::ranges::find(labels, json("nodepool/default")) -
                                            labels.begin());
  ASSERT_LT(col, labels.size());
  double peak = 0;
  for (const json& r : c.at("rows")) {
    if (r[col].is_number()) peak = std::max(peak, r[col].get<double>());
  }
  EXPECT_GT(peak, 0.0);
  EXPECT_EQ(c.at("rows").back()[col].get<double>(), 0.0);  // consolidated
}

}  // namespace
}  // namespace ksim::report
