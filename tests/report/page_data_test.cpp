// build_page_data on a hand-written trace: every chart holds the trace's
// values on the right columns, rescales are marked where the desired count
// changed, the HPA band is target x [0.9, 1.1], and the decision log keeps
// decisions and drops routine events.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "decisions.h"
#include "ksim/report/report.h"
#include "ksim/sim/trace/histogram.h"
#include "report_test_trace.h"

namespace ksim::report {
namespace {

using nlohmann::json;
using testing::ReportTest;

class PageData : public ReportTest {
 protected:
  // A deployment scaled 2 -> 4 at 15 s by its HPA; one route; a Karpenter
  // node from 20 s; cost; and the routine events a log must not show.
  json build() {
    const auto path = dir_ / "t.db";
    auto w = trace::TraceWriter::create(path);
    EXPECT_TRUE(w.has_value());
    w->write_meta("scenario", "hand");
    const auto desired = w->series("deployment", "ns/web", "desired_replicas", "replicas");
    const auto ready = w->series("deployment", "ns/web", "ready_replicas", "replicas");
    for (int i = 1; i <= 3; ++i) {
      w->sample(desired, at_s(10.0 * i), i == 1 ? 2 : 4);
      w->sample(ready, at_s(10.0 * i), i == 3 ? 4 : 2);
    }
    const auto cur = w->series("hpa", "ns/web", "Resource cpu current", "");
    const auto tgt = w->series("hpa", "ns/web", "Resource cpu target", "");
    w->sample(cur, at_s(15), 120);
    w->sample(cur, at_s(30), std::numeric_limits<double>::quiet_NaN());
    w->sample(tgt, at_s(15), 60);
    const auto rps = w->series("route", "GET /a", "rps", "1/s");
    w->sample(rps, at_s(10), 50);
    const auto pool = w->series("nodes", "nodepool/default", "nodes", "nodes");
    const auto group = w->series("nodes", "nodegroup/managed", "nodes", "nodes");
    const auto od = w->series("nodes", "capacity-type/on-demand", "nodes", "nodes");
    w->sample(group, at_s(10), 2);
    w->sample(pool, at_s(10), 0);
    w->sample(pool, at_s(30), 1);
    w->sample(od, at_s(30), 3);
    const auto cost = w->series("cluster", "", "cost", "$");
    const auto pool_cost = w->series("cost", "nodepool/default", "cost", "$");
    w->sample(cost, at_s(30), 0.5);
    w->sample(pool_cost, at_s(30), 0.1);
    trace::LatencyHistogram h;
    h.record(Duration(2000));
    w->route_window(at_s(0), Duration(10'000'000), "GET /a", 100, 5, h);
    w->event(at_s(0), "Pod", "ns/web-1", "Scheduled", "Normal", "assigned");
    w->event(at_s(0), "HorizontalPodAutoscaler", "ns/web", "Sync", "Normal", "desired 2 (was 2)",
             R"({"scaled":false,"target":"ns/web","currentReplicas":2,"desiredReplicas":2})");
    w->event(at_s(15), "HorizontalPodAutoscaler", "ns/web", "Sync", "Normal",
             "desired 4 (was 2): Computed",
             R"j({"scaled":true,"target":"ns/web","currentReplicas":2,"desiredReplicas":4,)j"
             R"j("explanation":["ratio 2.0","scale 2 -> 4 (cpu above target)"]})j");
    w->event(at_s(15), "HorizontalPodAutoscaler", "ns/web", "SuccessfulRescale", "Normal",
             "New size: 4");
    w->event(at_s(20), "NodeClaim", "default", "launched", "Normal", "new NodeClaim t4g.medium");
    w->event(at_s(25), "Node", "n1", "SpotInterruptionWarning", "Warning", "2 minutes");
    w->event(at_s(25), "Node", "n1", "NodeReady", "Normal", "ready");
    EXPECT_TRUE(w->commit().has_value());
    auto r = trace::TraceReader::open(path);
    EXPECT_TRUE(r.has_value());
    auto data = build_page_data(*r);
    EXPECT_TRUE(data.has_value()) << data.error();
    return *data;
  }
};

TEST_F(PageData, ReplicasPerDeploymentWithTheRescaleMarked) {
  const json data = build();
  const json c = chart(data, "replicas-ns/web");
  ASSERT_FALSE(c.is_null());
  EXPECT_EQ(c.at("labels"), json({"time", "desired", "current", "ready"}));
  EXPECT_TRUE(c.at("step").get<bool>());
  EXPECT_EQ(row_at(c, 10), json({10.0, 2.0, nullptr, 2.0}));
  EXPECT_EQ(row_at(c, 30), json({30.0, 4.0, nullptr, 4.0}));
  // The rescale's instant carries the new desired count and the mark.
  EXPECT_EQ(row_at(c, 15), json({15.0, 4.0, nullptr, nullptr}));
  ASSERT_EQ(c.at("annotations").size(), 1u);
  const json& a = c.at("annotations")[0];
  EXPECT_EQ(a.at("series"), "desired");
  EXPECT_EQ(a.at("x"), 15.0);
  EXPECT_EQ(a.at("shortText"), "+");
  EXPECT_EQ(a.at("text"), "ns/web: desired 4 (was 2): Computed; scale 2 -> 4 (cpu above target)");
}

TEST_F(PageData, HpaMetricAgainstTheToleranceBand) {
  const json data = build();
  const json c = chart(data, "hpa-ns/web-Resource cpu");
  ASSERT_FALSE(c.is_null());
  EXPECT_TRUE(c.at("band").get<bool>());
  const json r = row_at(c, 15);
  ASSERT_FALSE(r.is_null());
  EXPECT_EQ(r[1], json({120.0, 120.0, 120.0}));
  EXPECT_NEAR(r[2][0].get<double>(), 54.0, 1e-9);
  EXPECT_EQ(r[2][1].get<double>(), 60.0);
  EXPECT_NEAR(r[2][2].get<double>(), 66.0, 1e-9);
  EXPECT_TRUE(row_at(c, 30).is_null());  // a NaN sample is no point at all
}

TEST_F(PageData, RouteLatencyInMillisecondsAndErrorsPerSecond) {
  const json data = build();
  const json c = chart(data, "route-GET /a");
  ASSERT_FALSE(c.is_null());
  EXPECT_EQ(c.at("y2"), json({"errors/s"}));
  EXPECT_TRUE(c.at("log").get<bool>());  // milliseconds to seconds
  const json r = row_at(c, 10);          // the window [0, 10 s) at its end
  ASSERT_FALSE(r.is_null());
  EXPECT_NEAR(r[1].get<double>(), 2.0, 2.0 / 128);  // p50 of one 2 ms request
  EXPECT_NEAR(r[3].get<double>(), 2.0, 2.0 / 128);
  EXPECT_EQ(r[4].get<double>(), 0.5);  // 5 errors in 10 s
  const json load = chart(data, "load");
  ASSERT_FALSE(load.is_null());
  EXPECT_TRUE(load.at("stacked").get<bool>());
  EXPECT_EQ(row_at(load, 10), json({10.0, 50.0}));
}

TEST_F(PageData, NodesByPoolAndByCapacityTypeAndCost) {
  const json data = build();
  const json pools = chart(data, "nodes-by-pool");
  ASSERT_FALSE(pools.is_null());
  EXPECT_EQ(pools.at("labels"), json({"time", "nodepool/default", "nodegroup/managed"}));
  EXPECT_EQ(row_at(pools, 10), json({10.0, 0.0, 2.0}));
  EXPECT_EQ(row_at(pools, 30), json({30.0, 1.0, nullptr}));
  const json types = chart(data, "nodes-by-capacity-type");
  ASSERT_FALSE(types.is_null());
  EXPECT_EQ(types.at("labels"), json({"time", "capacity-type/on-demand"}));
  const json cost = chart(data, "cost-by-pool");
  ASSERT_FALSE(cost.is_null());
  EXPECT_TRUE(cost.at("stacked").get<bool>());
  EXPECT_EQ(cost.at("labels"), json({"time", "nodepool/default"}));
  EXPECT_EQ(row_at(cost, 30), json({30.0, 0.1}));
  EXPECT_TRUE(chart(data, "cost-total").is_null());  // the pools' stack shows it
  EXPECT_TRUE(chart(data, "price").is_null());       // no price series
}

TEST_F(PageData, DecisionLogKeepsDecisionsOnly) {
  const json data = build();
  const json& rows = data.at("decisions").at("rows");
  ASSERT_EQ(rows.size(), 3u) << rows.dump(1);
  EXPECT_EQ(rows[0].at("reason"), "Sync");
  EXPECT_EQ(rows[0].at("t_s"), 15.0);
  EXPECT_EQ(rows[0].at("message"), "desired 4 (was 2): Computed");
  EXPECT_EQ(rows[0].at("explanation"), json({"ratio 2.0", "scale 2 -> 4 (cpu above target)"}));
  EXPECT_EQ(rows[1].at("kind"), "NodeClaim");
  EXPECT_EQ(rows[2].at("reason"), "SpotInterruptionWarning");
  EXPECT_EQ(rows[2].at("type"), "Warning");
  EXPECT_EQ(data.at("decisions").at("left_out"), 0);
  EXPECT_EQ(data.at("meta").at("scenario"), "hand");
}

TEST_F(PageData, DecisionLogIsCappedAndCountsTheRest) {
  const auto path = dir_ / "many.db";
  auto w = trace::TraceWriter::create(path);
  ASSERT_TRUE(w.has_value());
  for (std::size_t i = 0; i < detail::kMaxDecisions + 2; ++i) {
    w->event(at_s(static_cast<double>(i)), "NodeGroup", "g", "scale-up", "Normal", "+1");
  }
  ASSERT_TRUE(w->commit().has_value());
  auto r = trace::TraceReader::open(path);
  ASSERT_TRUE(r.has_value());
  const auto data = build_page_data(*r);
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(data->at("decisions").at("rows").size(), detail::kMaxDecisions);
  EXPECT_EQ(data->at("decisions").at("left_out"), 2);
  EXPECT_EQ(data->at("decisions").at("rows").back().at("t_s"),
            static_cast<double>(detail::kMaxDecisions - 1));  // the first ones are kept
  EXPECT_TRUE(data->at("sections").empty());                  // no series: no chart at all
}

}  // namespace
}  // namespace ksim::report
