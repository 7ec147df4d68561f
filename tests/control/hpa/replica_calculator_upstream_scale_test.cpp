// The newest upstream replica_calculator_test.go resource tables
// (TestReplicaCalcResourceScale, TestReplicaCalcResourceTolerance,
// TestReplicaCalcResourceMissingMetrics, TestReplicaCalcComputedTolerance...)
// run through reconcile(), so the metrics-client step (getPodMetrics /
// getContainerMetrics) is exercised too. The fixture is upstream's
// calcScenario: every container requests the pod's request, samples and Ready
// transitions carry Go's zero time. Expected values are upstream's.
#include <gtest/gtest.h>

#include "ksim/control/hpa/reconcile.h"

namespace ksim::control::hpa {
namespace {

using namespace std::chrono_literals;
using CS = ConditionStatus;
constexpr CS T = CS::kTrue;
constexpr CS F = CS::kFalse;
constexpr PodPhase R = PodPhase::kRunning;

Instant now() { return Instant{std::chrono::seconds(1'800'000'000)}; }
Instant time_now() { return now() - 1ms; }  // timeNow(): a moment before the sync
Instant three_mins_ago() { return now() - 3min; }

struct Fixture {
  std::int32_t current = 0;
  std::vector<std::int64_t> requests{};             // per pod, each container
  std::vector<std::vector<std::int64_t>> levels{};  // [pod][container]
  std::vector<std::string> pod_names{};             // metric names overriding test-pod-i
  std::vector<CS> readiness{};
  std::vector<Instant> start{};
  std::vector<PodPhase> phases{};
  std::vector<bool> deleting{};
  std::string container{};
};

std::vector<std::vector<std::int64_t>> both(std::initializer_list<std::int64_t> v) {
  std::vector<std::vector<std::int64_t>> out;
  for (std::int64_t x : v) out.push_back({x, x});
  return out;
}
std::vector<std::int64_t> ones(std::size_t n) { return std::vector<std::int64_t>(n, 1000); }

Pod fake_pod(const Fixture& f, std::size_t i) {
  Pod p;
  p.name = "test-pod-" + std::to_string(i);
  p.phase = i < f.phases.size() ? f.phases[i] : R;
  p.ready = i < f.readiness.size() ? f.readiness[i] : T;
  p.ready_transition = kGoZeroTime;
  p.start_time = i < f.start.size() ? f.start[i] : kGoZeroTime;
  p.deleting = i < f.deleting.size() && f.deleting[i];
  for (const char* c : {"container1", "container2"}) {
    Container con{c, {}};
    if (i < f.requests.size()) con.requests_milli["cpu"] = f.requests[i];
    p.containers.push_back(con);
  }
  return p;
}

ReconcileInput input(const Fixture& f, std::int32_t target, Tolerances tol) {
  ReconcileInput in;
  in.now = now();
  in.config.cpu_initialization_period = 2min;
  in.config.initial_readiness_delay = 10s;
  in.config.configurable_tolerance = true;
  in.spec.namespace_ = "test-namespace";
  in.spec.scale_target_ref = {"Deployment", "some-deployment", "apps/v1"};
  in.spec.min_replicas = 1;
  in.spec.max_replicas = 1000;
  MetricSpec m;
  m.type = f.container.empty() ? MetricSourceType::kResource : MetricSourceType::kContainerResource;
  m.type_name = f.container.empty() ? "Resource" : "ContainerResource";
  m.resource_name = "cpu";
  m.container = f.container;
  m.target.type = MetricTargetType::kUtilization;
  m.target.average_utilization = target;
  in.spec.metrics = {m};
  ScalingRules up;
  up.tolerance = tol.scale_up;
  ScalingRules down;
  down.tolerance = tol.scale_down;
  in.spec.behavior = Behavior{up, down};
  in.spec_replicas = in.status_replicas = f.current;
  const std::size_t n = std::max<std::size_t>(static_cast<std::size_t>(f.current), f.phases.size());
  for (std::size_t i = 0; i < n; ++i) in.pods.push_back(fake_pod(f, i));
  for (std::size_t i = 0; i < f.levels.size(); ++i) {
    PodMetricsItem item{i < f.pod_names.size() ? f.pod_names[i] : "test-pod-" + std::to_string(i),
                        "test-namespace",
                        kGoZeroTime,
                        1min,
                        {}};
    // make([]ContainerMetrics, 2): unset entries have no name and no usage.
    for (std::size_t j = 0; j < 2; ++j) {
      ContainerUsage c{"", {}};
      if (j < f.levels[i].size())
        c = {"container" + std::to_string(j + 1), {{"cpu", f.levels[i][j]}}};
      item.containers.push_back(c);
    }
    in.metrics.resource.push_back(item);
  }
  in.state.recommendations = std::vector<Recommendation>{};
  return in;
}

struct Row {
  const char* name;
  Fixture f;
  std::int32_t target;
  std::int32_t want_replicas;
  std::int32_t want_utilization;
  std::int64_t want_raw;
  Tolerances tol{0.1, 0.1};
  const char* want_error = nullptr;
};

void run(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    const ReconcileResult r = reconcile(input(row.f, row.target, row.tol));
    ASSERT_EQ(r.proposals.size(), 1u);
    const MetricProposal& p = r.proposals[0];
    if (row.want_error) {
      ASSERT_TRUE(p.error.has_value());
      EXPECT_NE(p.error->find(row.want_error), std::string::npos) << *p.error;
      continue;
    }
    ASSERT_FALSE(p.error.has_value()) << *p.error;
    EXPECT_EQ(p.replicas, row.want_replicas);
    EXPECT_EQ(p.timestamp, kGoZeroTime);
    ASSERT_EQ(r.status.current_metrics.size(), 1u);
    EXPECT_EQ(r.status.current_metrics[0].current.average_utilization, row.want_utilization);
    EXPECT_EQ(r.status.current_metrics[0].current.average_value_milli, row.want_raw);
  }
}

TEST(ReplicaCalcUpstream, ResourceScaleUp) {
  const std::vector<PodPhase> failed{R, R, PodPhase::kFailed, PodPhase::kFailed};
  const std::vector<PodPhase> succeeded{R, R, PodPhase::kSucceeded, PodPhase::kSucceeded};
  const std::vector<CS> two_ready{T, T, F, F};
  const std::vector<Instant> hot_first{time_now(), three_mins_ago(), three_mins_ago()};
  run({
      {"scale up", {3, ones(3), both({300, 500, 700})}, 30, 5, 50, 1000},
      {"container metric",
       {.current = 3,
        .requests = ones(3),
        .levels = {{1000, 300}, {1000, 500}, {1000, 700}},
        .container = "container2"},
       30,
       5,
       50,
       500},
      {"unready pod scales less",
       {.current = 3, .requests = ones(3), .levels = both({300, 500, 700}), .readiness = {F, T, T}},
       30,
       4,
       60,
       1200},
      {"hot-CPU container scales less",
       {.current = 3,
        .requests = ones(3),
        .levels = {{0, 300}, {0, 500}, {0, 700}},
        .start = hot_first,
        .container = "container2"},
       30,
       4,
       60,
       600},
      {"hot-CPU pod scales less",
       {.current = 3, .requests = ones(3), .levels = both({300, 500, 700}), .start = hot_first},
       30,
       4,
       60,
       1200},
      {"no scale: unready pods ignored",
       {.current = 3, .requests = ones(3), .levels = both({400, 500, 700}), .readiness = {T, F, F}},
       30,
       3,
       40,
       800},
      {"no scale: hot-CPU pods ignored",
       {.current = 3,
        .requests = ones(3),
        .levels = both({400, 500, 700}),
        .readiness = {T, F, F},
        .start = {three_mins_ago(), time_now(), time_now()}},
       30,
       3,
       40,
       800},
      {"failed pods ignored",
       {.current = 2,
        .requests = ones(4),
        .levels = both({500, 700}),
        .readiness = two_ready,
        .phases = failed},
       30,
       4,
       60,
       1200},
      {"failed pods ignored with missing container metric",
       {.current = 2,
        .requests = ones(4),
        .levels = {{1000, 500}, {9000, 700}, {1000}, {9000}},
        .readiness = two_ready,
        .phases = failed,
        .container = "container2"},
       30,
       4,
       60,
       600},
      {"container metrics with failed pods ignored",
       {.current = 2,
        .requests = ones(4),
        .levels = {{1000, 500}, {9000, 700}},
        .readiness = two_ready,
        .phases = failed,
        .container = "container2"},
       30,
       4,
       60,
       600},
      {"succeeded pods ignored",
       {.current = 2,
        .requests = ones(4),
        .levels = both({500, 700}),
        .readiness = two_ready,
        .phases = succeeded},
       30,
       4,
       60,
       1200},
      {"container metric with succeeded pods ignored",
       {.current = 2,
        .requests = ones(4),
        .levels = {{1000, 500}, {9000, 700}},
        .readiness = two_ready,
        .phases = succeeded,
        .container = "container2"},
       30,
       4,
       60,
       600},
      {"pods being deleted are ignored",
       {.current = 2,
        .requests = ones(4),
        .levels = both({500, 700}),
        .readiness = two_ready,
        .phases = {R, R, R, R},
        .deleting = {false, false, true, true}},
       30,
       4,
       60,
       1200},
      {"container metrics with pods being deleted ignored",
       {.current = 2,
        .requests = ones(4),
        .levels = both({500, 700}),
        .readiness = two_ready,
        .phases = {R, R, R, R},
        .deleting = {false, false, true, true},
        .container = "container1"},
       30,
       4,
       60,
       600},
  });
}

TEST(ReplicaCalcUpstream, ResourceScaleDown) {
  const auto per_container = std::vector<std::vector<std::int64_t>>{
      {1000, 100}, {1000, 300}, {1000, 500}, {1000, 250}, {1000, 250}};
  const std::vector<CS> seven{T, T, T, T, T, F, F};
  const std::vector<PodPhase> failed{R, R, R, R, R, PodPhase::kFailed, PodPhase::kFailed};
  const std::vector<PodPhase> succeeded{R, R, R, R, R, PodPhase::kSucceeded, PodPhase::kSucceeded};
  const std::vector<PodPhase> pending{R, PodPhase::kPending, PodPhase::kPending, PodPhase::kPending,
                                      PodPhase::kPending};
  const std::vector<Instant> hot_last{three_mins_ago(), three_mins_ago(), three_mins_ago(),
                                      time_now(), time_now()};
  const std::vector<bool> two_deleted{false, false, false, false, false, true, true};
  run({
      {"scale down", {5, ones(5), both({100, 300, 500, 250, 250})}, 50, 3, 28, 560},
      {"container metric",
       {.current = 5, .requests = ones(5), .levels = per_container, .container = "container2"},
       50,
       3,
       28,
       280},
      {"exclude unready pods",
       {.current = 5,
        .requests = ones(5),
        .levels = both({100, 300, 500, 250, 250}),
        .readiness = {T, T, T, F, F}},
       50,
       2,
       30,
       600},
      {"container metric excludes unready pods",
       {.current = 5,
        .requests = ones(5),
        .levels = per_container,
        .readiness = {T, T, T, F, F},
        .container = "container2"},
       50,
       2,
       30,
       300},
      {"exclude unscheduled pods",
       {.current = 5,
        .requests = ones(5),
        .levels = both({100}),
        .readiness = {T, F, F, F, F},
        .phases = pending},
       50,
       1,
       10,
       200},
      {"container metric excludes unscheduled pods",
       {.current = 5,
        .requests = ones(5),
        .levels = per_container,
        .readiness = {T, F, F, F, F},
        .phases = pending,
        .container = "container2"},
       50,
       1,
       10,
       100},
      {"ignore hot-CPU pods",
       {.current = 5,
        .requests = ones(5),
        .levels = both({100, 300, 500, 250, 250}),
        .start = hot_last},
       50,
       2,
       30,
       600},
      {"container metric ignores hot-CPU pods",
       {.current = 5,
        .requests = ones(5),
        .levels = {{1000, 100}, {1000, 300}, {1000, 500}, {1000, 1000}, {1000, 1000}},
        .start = hot_last,
        .container = "container2"},
       50,
       2,
       30,
       300},
      {"failed pods ignored",
       {.current = 5,
        .requests = ones(7),
        .levels = both({100, 300, 500, 250, 250}),
        .readiness = seven,
        .phases = failed},
       50,
       3,
       28,
       560},
      {"container metric with failed pods ignored",
       {.current = 5,
        .requests = ones(7),
        .levels = per_container,
        .readiness = seven,
        .phases = failed,
        .container = "container2"},
       50,
       3,
       28,
       280},
      {"succeeded pods ignored",
       {.current = 5,
        .requests = ones(7),
        .levels = both({100, 300, 500, 250, 250}),
        .readiness = seven,
        .phases = succeeded},
       50,
       3,
       28,
       560},
      {"container metric with succeeded pods ignored",
       {.current = 5,
        .requests = ones(7),
        .levels = per_container,
        .readiness = seven,
        .phases = succeeded,
        .container = "container2"},
       50,
       3,
       28,
       280},
      {"pods being deleted are ignored",
       {.current = 5,
        .requests = ones(7),
        .levels = both({100, 300, 500, 250, 250}),
        .readiness = seven,
        .phases = std::vector<PodPhase>(7, R),
        .deleting = two_deleted},
       50,
       3,
       28,
       560},
      {"still-running pods being deleted are ignored (#83561)",
       {.current = 5,
        .requests = ones(7),
        .levels = per_container,
        .readiness = seven,
        .phases = std::vector<PodPhase>(7, R),
        .deleting = two_deleted,
        .container = "container2"},
       50,
       3,
       28,
       280},
  });
}

TEST(ReplicaCalcUpstream, ResourceTolerance) {
  const std::vector<std::int64_t> mixed{900, 1000, 1100};
  run({
      {"within default tolerance", {3, mixed, both({1010, 1030, 1020})}, 100, 3, 102, 2040},
      {"outside 0% tolerance", {3, mixed, both({909, 1010, 1111})}, 100, 4, 101, 2020, {0, 0}},
      {"within 200% scale-up tolerance",
       {3, mixed, both({1890, 1910, 1900})},
       100,
       3,
       190,
       3800,
       {0.1, 2}},
      {"outside 8% scale-up tolerance",
       {3, mixed, both({1100, 1080, 1090})},
       100,
       4,
       109,
       2180,
       {2, 0.08}},
      {"within 36% scale-down tolerance",
       {3, mixed, both({660, 640, 650})},
       100,
       3,
       65,
       1300,
       {0.36, 0.1}},
      {"outside 34% scale-down tolerance",
       {3, mixed, both({660, 640, 650})},
       100,
       2,
       65,
       1300,
       {0.34, 0.1}},
  });
}

TEST(ReplicaCalcUpstream, ResourceMissingMetrics) {
  run({
      {"superfluous metrics counted",
       {4, ones(4), both({4000, 9500, 3000, 7000, 3200, 2000})},
       100,
       24,
       587,
       11750},
      {"some pods missing metrics scales down", {4, ones(4), both({400, 95})}, 100, 3, 24, 495},
      {"no change: metric equal to target", {2, ones(2), both({1000})}, 100, 2, 100, 2000},
      {"no change: metric above target", {2, ones(2), both({1900})}, 100, 2, 190, 3800},
      {"no change: metric below target", {2, ones(2), both({600})}, 100, 2, 60, 1200},
      {"no change: unready pod metric missing",
       {.current = 3, .requests = ones(3), .levels = both({100, 450}), .readiness = {F, T, T}},
       50,
       3,
       45,
       900},
      {"no change: hot-CPU pod metric missing",
       {.current = 3,
        .requests = ones(3),
        .levels = both({100, 450}),
        .start = {time_now(), three_mins_ago(), three_mins_ago()}},
       50,
       3,
       45,
       900},
      {"scale up: unready pod metric missing",
       {.current = 3, .requests = ones(3), .levels = both({100, 2000}), .readiness = {F, T, T}},
       50,
       4,
       200,
       4000},
      {"scale up: hot-CPU pod metric missing",
       {.current = 3,
        .requests = ones(3),
        .levels = both({100, 2000}),
        .readiness = {F, T, T},
        .start = {time_now(), three_mins_ago(), three_mins_ago()}},
       50,
       4,
       200,
       4000},
      {"scale down: unready pod metric missing",
       {.current = 4,
        .requests = ones(4),
        .levels = both({100, 100, 100}),
        .readiness = {F, T, T, T}},
       50,
       3,
       10,
       200},
      {"scale down: target over 100",
       {.current = 4,
        .requests = {1000, 1000, 2000, 2000},
        .levels = both({200, 100, 100}),
        .readiness = {F, T, T, T}},
       300,
       2,
       6,
       200},
      {"rolling update with maxSurge: extra pod missing metric",
       {.current = 2, .requests = ones(3), .levels = both({100, 100}), .phases = {R, R, R}},
       50,
       2,
       10,
       200},
      {"disjoint pod and metric names",
       {.current = 1,
        .requests = ones(1),
        .levels = both({100}),
        .pod_names = {"an-older-pod-name"}},
       100,
       0,
       0,
       0,
       {0.1, 0.1},
       "no metrics returned matched known pods"},
      {"no metrics returned from metrics API",
       {4, ones(3), {}},
       100,
       0,
       0,
       0,
       {0.1, 0.1},
       "unable to get metrics for resource cpu: no metrics returned from resource metrics API"},
      {"missing CPU request on container",
       {1, {}, both({200})},
       100,
       0,
       0,
       0,
       {0.1, 0.1},
       "missing request for"},
  });
}

TEST(ReplicaCalcUpstream, ComputedToleranceAlgImplementation) {
  const Fixture f{10,
                  {400, 200, 310, 290, 302, 298, 301, 299, 300, 300},
                  std::vector<std::vector<std::int64_t>>(10, {150, 150})};
  run({
      {"breaches the tolerance", f, 56, 9, 50, 300},  // int32((1/(2 x 0.9) + .01) x 100)
      {"within the tolerance", f, 55, 10, 50, 300},   // int32((1/(2 x 0.9) + .004) x 100)
  });
}

}  // namespace
}  // namespace ksim::control::hpa
