// Replica calculations transcribed from upstream replica_calculator_test.go
// (fixture shapes and number tables), kept apart from the rule-by-rule cases.
#include <gtest/gtest.h>

#include <limits>

#include "fixtures.h"
#include "ksim/control/hpa/replica_calculator.h"

namespace ksim::control::hpa {

using namespace std::chrono_literals;
namespace {

// The shape of upstream's replica_calculator_test.go fixtures: two containers
// per pod, each requesting the pod's request; unset start times and Ready
// transitions are Go's zero time; samples carry the zero time and a 1 min window.
struct UpstreamCase {
  const char* name;
  std::int32_t current;
  std::vector<ConditionStatus> readiness;  // default True
  std::vector<PodPhase> phases;            // default Running; may list more pods
  std::vector<char> start;                 // 'h' hot (now), 'c' cool (now - 3 min), else zero
  const char* container;
  std::vector<std::vector<std::int64_t>> levels;  // [pod][container]
  std::int32_t target;
  std::int32_t want_replicas;
  std::int32_t want_utilization;
  std::int64_t want_raw;
};

std::vector<std::vector<std::int64_t>> both(std::initializer_list<std::int64_t> v) {
  std::vector<std::vector<std::int64_t>> out;
  for (std::int64_t x : v) out.push_back({x, x});
  return out;
}

TEST(GetResourceReplicas, UpstreamFixtureShape) {
  using CS = ConditionStatus;
  using PP = PodPhase;
  const CS T = CS::kTrue;
  const CS F = CS::kFalse;
  const PP R = PP::kRunning;
  const UpstreamCase cases[] = {
      {"scale up", 3, {}, {}, {}, "", both({300, 500, 700}), 30, 5, 50, 1000},
      {"container metric",
       3,
       {},
       {},
       {},
       "container2",
       {{1000, 300}, {1000, 500}, {1000, 700}},
       30,
       5,
       50,
       500},
      {"unready pod scales less", 3, {F, T, T}, {}, {}, "", both({300, 500, 700}), 30, 4, 60, 1200},
      {"hot-CPU pod scales less",
       3,
       {},
       {},
       {'h', 'c', 'c'},
       "",
       both({300, 500, 700}),
       30,
       4,
       60,
       1200},
      {"unready pods ignored", 3, {T, F, F}, {}, {}, "", both({400, 500, 700}), 30, 3, 40, 800},
      {"failed pods ignored",
       2,
       {T, T, F, F},
       {R, R, PP::kFailed, PP::kFailed},
       {},
       "",
       both({500, 700}),
       30,
       4,
       60,
       1200},
      {"failed pods with missing container metric",
       2,
       {T, T, F, F},
       {R, R, PP::kFailed, PP::kFailed},
       {},
       "container2",
       {{1000, 500}, {9000, 700}, {1000}, {9000}},
       30,
       4,
       60,
       600},
      {"scale down", 5, {}, {}, {}, "", both({100, 300, 500, 250, 250}), 50, 3, 28, 560},
      {"scale down excludes unready",
       5,
       {T, T, T, F, F},
       {},
       {},
       "",
       both({100, 300, 500, 250, 250}),
       50,
       2,
       30,
       600},
      {"scale down excludes unscheduled",
       5,
       {T, F, F, F, F},
       {R, PP::kPending, PP::kPending, PP::kPending, PP::kPending},
       {},
       "",
       both({100}),
       50,
       1,
       10,
       200},
      {"scale down ignores hot-CPU",
       5,
       {},
       {},
       {'c', 'c', 'c', 'h', 'h'},
       "",
       both({100, 300, 500, 250, 250}),
       50,
       2,
       30,
       600},
  };
  for (const UpstreamCase& c : cases) {
    const std::size_t n =
        std::max<std::size_t>(static_cast<std::size_t>(c.current), c.phases.size());
    std::vector<Pod> pods;
    for (std::size_t i = 0; i < n; ++i) {
      Pod p;
      p.name = "test-pod-" + std::to_string(i);
      p.phase = i < c.phases.size() ? c.phases[i] : R;
      p.ready = i < c.readiness.size() ? c.readiness[i] : T;
      p.ready_transition = kGoZeroTime;
      const char s = i < c.start.size() ? c.start[i] : 'z';
      p.start_time = s == 'h' ? testing::t0() : s == 'c' ? testing::t0() - 3min : kGoZeroTime;
      p.containers = {Container{"container1", {{"cpu", 1000}}},
                      Container{"container2", {{"cpu", 1000}}}};
      pods.push_back(p);
    }
    // What the metrics client makes of the fake PodMetrics (missing containers
    // have no usage: the pod gets no sample).
    PodMetricsInfo m;
    for (std::size_t i = 0; i < c.levels.size(); ++i) {
      const auto& lv = c.levels[i];
      const std::string name = "test-pod-" + std::to_string(i);
      if (std::string(c.container) == "container2") {
        if (lv.size() > 1) m[name] = PodMetric{lv[1], kGoZeroTime, 1min};
      } else if (lv.size() == 2) {
        m[name] = PodMetric{lv[0] + lv[1], kGoZeroTime, 1min};
      }
    }
    const auto r = get_resource_replicas(c.current, c.target, "cpu", c.container, pods, m,
                                         kGoZeroTime, testing::params());
    ASSERT_TRUE(r.has_value()) << c.name << ": " << r.error();
    EXPECT_EQ(r->replicas, c.want_replicas) << c.name;
    EXPECT_EQ(r->utilization, c.want_utilization) << c.name;
    EXPECT_EQ(r->usage, c.want_raw) << c.name;
  }
}

}  // namespace
}  // namespace ksim::control::hpa

namespace ksim::control::hpa {
namespace {

// Upstream TestReplicaCalcTolerance / TestReplicaCalcConfigurableTolerance /
// TestReplicaCalcSuperfluousMetrics: per-pod requests (two containers each),
// per-pod levels (two containers each), and the tolerances of each case.
struct ToleranceCase {
  const char* name;
  Tolerances tol;
  std::int32_t current;
  std::vector<std::int64_t> requests;  // per container
  std::vector<std::int64_t> levels;    // per container; extra entries are superfluous pods
  std::int32_t target;
  std::int32_t want_replicas;
  std::int32_t want_utilization;
  std::int64_t want_raw;
};

TEST(GetResourceReplicas, UpstreamToleranceTables) {
  const std::vector<std::int64_t> req{900, 1000, 1100};
  const ToleranceCase cases[] = {
      {"TestReplicaCalcTolerance", {0.1, 0.1}, 3, req, {1010, 1030, 1020}, 100, 3, 102, 2040},
      {"outside a 0% tolerance", {0, 0}, 3, req, {909, 1010, 1111}, 100, 4, 101, 2020},
      {"within a 200% scale-up tolerance", {0.1, 2}, 3, req, {1890, 1910, 1900}, 100, 3, 190, 3800},
      {"outside 8% scale-up tolerance", {2, 0.08}, 3, req, {1100, 1080, 1090}, 100, 4, 109, 2180},
      {"within a 36% scale-down tolerance", {0.36, 0.1}, 3, req, {660, 640, 650}, 100, 3, 65, 1300},
      {"outside a 34% scale-down tolerance",
       {0.34, 0.1},
       3,
       req,
       {660, 640, 650},
       100,
       2,
       65,
       1300},
      {"superfluous metrics",
       {0.1, 0.1},
       4,
       {1000, 1000, 1000, 1000},
       {4000, 9500, 3000, 7000, 3200, 2000},
       100,
       24,
       587,
       11750},
  };
  for (const ToleranceCase& c : cases) {
    std::vector<Pod> pods;
    for (std::size_t i = 0; i < c.requests.size(); ++i) {
      Pod p = testing::running_pod("test-pod-" + std::to_string(i));
      p.containers = {Container{"container1", {{"cpu", c.requests[i]}}},
                      Container{"container2", {{"cpu", c.requests[i]}}}};
      pods.push_back(p);
    }
    PodMetricsInfo m;
    for (std::size_t i = 0; i < c.levels.size(); ++i) {
      m["test-pod-" + std::to_string(i)] = PodMetric{2 * c.levels[i], testing::t0(), 1min};
    }
    CalcParams p = testing::params();
    p.tolerances = c.tol;
    const auto r = get_resource_replicas(c.current, c.target, "cpu", "", pods, m, testing::t0(), p);
    ASSERT_TRUE(r.has_value()) << c.name << ": " << r.error();
    EXPECT_EQ(r->replicas, c.want_replicas) << c.name;
    EXPECT_EQ(r->utilization, c.want_utilization) << c.name;
    EXPECT_EQ(r->usage, c.want_raw) << c.name;
  }
}

TEST(MetricProposals, UpstreamCustomAndExternalTables) {
  const Tolerances def{0.1, 0.1};
  const Tolerances up1{0.1, 0.01};
  // Pods metrics (calcPlainMetricReplicas): readiness is ignored.
  const auto pods_metric = [](std::int32_t cur, std::vector<std::int64_t> lv, std::int64_t target,
                              Tolerances tol) {
    CalcParams p = testing::params();
    p.tolerances = tol;
    return calc_plain_metric_replicas(cur, target, "", testing::running_pods(cur),
                                      testing::samples(lv), testing::t0(), p);
  };
  auto r = pods_metric(3, {50000, 15000, 30000}, 15000, def);
  EXPECT_EQ(r->replicas, 7);
  EXPECT_EQ(r->usage, 31666);
  EXPECT_EQ(pods_metric(5, {12000, 12000, 12000, 12000, 12000}, 20000, def)->replicas, 3);
  EXPECT_EQ(pods_metric(3, {20000, 21000, 21000}, 20000, def)->replicas, 3);
  EXPECT_EQ(pods_metric(3, {20000, 21000, 21000}, 20000, up1)->replicas, 4);
  // TestPlainMetricReplicaCalcMissingMetricsNoChangeEq: ratio exactly 1 with missing pods.
  EXPECT_EQ(pods_metric(5, {20000, 19000, 21000}, 20000, def)->replicas, 5);
  // Object Value.
  const auto pods3 = testing::running_pods(3);
  EXPECT_EQ(get_object_value_replicas(3, 15000, 20000, pods3, def)->replicas, 4);
  EXPECT_EQ(get_object_value_replicas(5, 20000, 12000, testing::running_pods(5), def)->replicas, 3);
  EXPECT_EQ(get_object_value_replicas(3, 20000, 20666, pods3, def)->replicas, 3);
  EXPECT_EQ(get_object_value_replicas(3, 20000, 20666, pods3, up1)->replicas, 4);
  // Object AverageValue (status replicas).
  auto o = get_object_per_pod_replicas(3, 5000, 20000, testing::t0(), def);
  EXPECT_EQ(o->replicas, 4);
  EXPECT_EQ(o->usage, 6667);
  o = get_object_per_pod_replicas(5, 2000, 6000, testing::t0(), def);
  EXPECT_EQ(o->replicas, 3);
  EXPECT_EQ(o->usage, 1200);
  o = get_object_per_pod_replicas(4, 5000, 20166, testing::t0(), def);
  EXPECT_EQ(o->replicas, 4);
  EXPECT_EQ(o->usage, 5042);
  o = get_object_per_pod_replicas(4, 5000, 20208, testing::t0(), up1);
  EXPECT_EQ(o->replicas, 5);
  EXPECT_EQ(o->usage, 5052);
  // External Value: only Running+Ready pods count (one of three here).
  std::vector<Pod> mixed = testing::running_pods(3);
  mixed[0].ready = ConditionStatus::kFalse;
  mixed[2].ready = ConditionStatus::kFalse;
  EXPECT_EQ(get_external_value_replicas(3, 4400, {8600}, mixed, def)->replicas, 2);
  EXPECT_EQ(get_external_value_replicas(5, 14334, {8600}, testing::running_pods(5), def)->replicas,
            3);
  EXPECT_EQ(get_external_value_replicas(3, 8888, {8600}, pods3, def)->replicas, 3);
  EXPECT_EQ(get_external_value_replicas(3, 8800, {8900}, pods3, up1)->replicas, 4);
  // External AverageValue.
  auto e = get_external_per_pod_replicas(3, 2150, {8600}, testing::t0(), def);
  EXPECT_EQ(e->replicas, 4);
  EXPECT_EQ(e->usage, 2867);
  e = get_external_per_pod_replicas(5, 2867, {8600}, testing::t0(), def);
  EXPECT_EQ(e->replicas, 3);
  EXPECT_EQ(e->usage, 1720);
  EXPECT_EQ(get_external_per_pod_replicas(3, 2900, {8600}, testing::t0(), def)->replicas, 3);
  EXPECT_EQ(get_external_per_pod_replicas(3, 2800, {8600}, testing::t0(), up1)->replicas, 4);
}

}  // namespace
}  // namespace ksim::control::hpa
