// check_expectations on a hand-written trace: each kind passes where the
// numbers hold and fails, saying what and when, where they do not.
#include "ksim/analysis/expect.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "ksim/sim/trace/trace_writer.h"

namespace ksim::analysis {
namespace {

using namespace std::chrono_literals;
using scenario::Expectation;
using scenario::ExpectKind;
namespace fs = std::filesystem;

Time at(Duration d) { return kTimeZero + d; }

// A 10-minute trace: shop/web's ready replicas 2,2,4,6,6,6,3,2,2,2,2 at each
// minute; nodes 2 then 3 from 3m; two routes in 1-minute windows; web
// rescaled at 2m, 3m, 6m and 7m; one pod Pending 2m..4m30s, one from 9m to
// the end; cost $1.25.
class ExpectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ =
        fs::temp_directory_path() /
        ("ksim-expect-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    auto w = trace::TraceWriter::create(path_);
    ASSERT_TRUE(w.has_value()) << w.error();
    w->write_meta("duration_us", std::to_string(Duration{10min}.count()));
    w->write_meta("cost_dollars", "1.25");
    const auto ready = w->series("deployment", "shop/web", "ready_replicas", "replicas");
    const auto desired = w->series("deployment", "shop/web", "desired_replicas", "replicas");
    const double values[] = {2, 2, 4, 6, 6, 6, 3, 2, 2, 2, 2};
    for (int m = 0; m <= 10; ++m) {
      w->sample(ready, at(std::chrono::minutes{m}), values[m]);
      w->sample(desired, at(std::chrono::minutes{m}), values[m]);
    }
    const auto nodes = w->series("cluster", "", "nodes", "nodes");
    for (int m = 0; m <= 10; ++m) w->sample(nodes, at(std::chrono::minutes{m}), m < 3 ? 2 : 3);
    trace::LatencyHistogram fast;
    fast.record(10ms);
    for (int m = 0; m < 10; ++m) {
      // GET /a: 100 requests a minute, p99 20 ms except 300 ms at 5m;
      // POST /b: 10 requests, 1 error each minute.
      trace::LatencyHistogram h;
      for (int i = 0; i < 100; ++i) h.record(m == 5 ? 300ms : 20ms);
      w->route_window(at(std::chrono::minutes{m}), 1min, "GET /a", 100, 0, h);
      w->route_window(at(std::chrono::minutes{m}), 1min, "POST /b", 10, 1, fast);
    }
    w->event(at(0s), "Deployment", "shop/web", "ScalingReplicaSet", "Normal", "initial");
    for (const Duration t : {2min, 3min, 6min, 7min}) {
      w->event(at(t), "Deployment", "shop/web", "ScalingReplicaSet", "Normal", "rescaled");
    }
    w->event(at(2min), "Pod", "shop/web-1", "FailedScheduling", "Warning", "no room");
    w->event(at(3min), "Pod", "shop/web-1", "FailedScheduling", "Warning", "no room");
    w->event(at(4min + 30s), "Pod", "shop/web-1", "Scheduled", "Normal", "bound");
    w->event(at(9min), "Pod", "shop/web-2", "FailedScheduling", "Warning", "no room");
    ASSERT_TRUE(w->commit().has_value());
  }
  void TearDown() override { fs::remove(path_); }

  ExpectResult check(Expectation e) {
    auto t = trace::TraceReader::open(path_);
    EXPECT_TRUE(t.has_value());
    auto r = check_expectations(*t, std::vector<Expectation>{e});
    EXPECT_TRUE(r.has_value());
    return r->at(0);
  }

  fs::path path_;
};

Expectation replicas(std::optional<double> min, std::optional<double> max) {
  Expectation e;
  e.kind = ExpectKind::kReplicas;
  e.deployment = "web";
  e.min = min;
  e.max = max;
  return e;
}

TEST_F(ExpectTest, ReplicaBoundsOverARange) {
  EXPECT_TRUE(check(replicas(2, 6)).passed);
  const ExpectResult r = check(replicas(2, 5));
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.observed, "was 6 at 3m0s");
  EXPECT_EQ(r.expected, "web ready replicas within [2, 5] from 0s to the end");
  Expectation late = replicas(std::nullopt, 2);
  late.from = 7min;  // 2 from 7m on, the last sample (10m) included
  EXPECT_TRUE(check(late).passed) << check(late).observed;
  late.from = 6min;
  EXPECT_EQ(check(late).observed, "was 3 at 6m0s");
  Expectation window = replicas(4, std::nullopt);
  window.from = 2min;
  window.to = 6min;  // [2m, 6m): 4, 6, 6, 6
  EXPECT_TRUE(check(window).passed);
  window.to = 7min;
  EXPECT_FALSE(check(window).passed);
}

TEST_F(ExpectTest, UnknownDeploymentFailsSayingSo) {
  Expectation e = replicas(1, 2);
  e.deployment = "api";
  const ExpectResult r = check(e);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.observed, "the trace has no Deployment api");
}

TEST_F(ExpectTest, ReachWithinADeadline) {
  Expectation e;
  e.kind = ExpectKind::kReach;
  e.deployment = "shop/web";
  e.replicas = 6;
  e.after = 1min;
  e.within = 2min;  // 6 at 3m: exactly at the deadline
  EXPECT_TRUE(check(e).passed) << check(e).observed;
  e.within = 1min + 59s;
  const ExpectResult late = check(e);
  EXPECT_FALSE(late.passed);
  EXPECT_EQ(late.observed, "reached 6 only at 3m0s, 1s late");
  e.replicas = 7;
  EXPECT_EQ(check(e).observed, "never reached 7 (at most 4 by 2m59s)");
}

TEST_F(ExpectTest, LatencyInEveryWindow) {
  Expectation e;
  e.kind = ExpectKind::kLatency;
  e.route = "/a";
  e.percentile = 99;
  e.latency = 100ms;
  const ExpectResult r = check(e);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.observed.find("in the window at 5m0s (100 requests)"), std::string::npos)
      << r.observed;
  e.to = 5min;  // windows starting before 5m
  EXPECT_TRUE(check(e).passed);
  e.to.reset();
  e.min_requests = 101;  // no window has that many: none judged
  EXPECT_TRUE(check(e).passed);
  e.route = "/c";
  EXPECT_EQ(check(e).observed, "the trace has no route '/c' (GET /a, POST /b)");
}

TEST_F(ExpectTest, ErrorRateOfARouteOrAll) {
  Expectation e;
  e.kind = ExpectKind::kErrors;
  e.route = "POST /b";
  e.max_rate = 0.10;  // 10 of 100: exactly
  EXPECT_TRUE(check(e).passed);
  e.max_rate = 0.099;
  EXPECT_FALSE(check(e).passed);
  e.route.clear();  // 10 of 1100
  e.max_rate = 0.0091;
  EXPECT_TRUE(check(e).passed) << check(e).observed;
  e.max_rate = 0.009;
  EXPECT_FALSE(check(e).passed);
  EXPECT_EQ(check(e).observed, "0.909 % (10 errors of 1100 requests)");
}

TEST_F(ExpectTest, ScaleEventsInASlidingWindow) {
  Expectation e;
  e.kind = ExpectKind::kScaleEvents;
  e.deployment = "web";
  e.within = 2min;  // 2m,3m in one 2-minute window; 6m,7m in another
  e.max_events = 2;
  EXPECT_TRUE(check(e).passed) << check(e).observed;
  e.within = 4min + 1s;  // (1m59s, 6m] holds 2m, 3m and 6m
  EXPECT_FALSE(check(e).passed);
  EXPECT_EQ(check(e).observed, "3 changes within 4m1s from 2m0s");
}

TEST_F(ExpectTest, NodesCostAndPending) {
  Expectation nodes;
  nodes.kind = ExpectKind::kNodes;
  nodes.max = 2;
  EXPECT_EQ(check(nodes).observed, "was 3 at 3m0s");
  nodes.max = 3;
  EXPECT_TRUE(check(nodes).passed);

  Expectation cost;
  cost.kind = ExpectKind::kCost;
  cost.max_dollars = 1.25;
  EXPECT_TRUE(check(cost).passed);
  cost.max_dollars = 1.20;
  EXPECT_EQ(check(cost).observed, "$1.25");
  EXPECT_FALSE(check(cost).passed);

  // web-1 Pending 2m -> 4m30s (2m30s); web-2 from 9m to the end (1m).
  Expectation pending;
  pending.kind = ExpectKind::kPending;
  pending.max_pending = 2min + 30s;
  EXPECT_TRUE(check(pending).passed);
  pending.max_pending = 2min;
  const ExpectResult r = check(pending);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.observed, "longest: shop/web-1 Pending 2m30s from 2m0s");
}

}  // namespace
}  // namespace ksim::analysis
