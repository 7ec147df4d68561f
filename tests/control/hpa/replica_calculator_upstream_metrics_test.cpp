// The newest upstream replica_calculator_test.go tables for Pods, Object and
// External metrics (including the overflow and zero-replica rows),
// TestGroupPods, TestCalculateRequests and TestGetPerPodUsage. Expected
// values are upstream's.
#include <gtest/gtest.h>

#include <limits>
#include <set>

#include "ksim/control/hpa/replica_calculator.h"

namespace ksim::control::hpa {
namespace {

using namespace std::chrono_literals;
using CS = ConditionStatus;
constexpr std::int64_t kMax64 = std::numeric_limits<std::int64_t>::max();
constexpr std::int32_t kMax32 = std::numeric_limits<std::int32_t>::max();
const Tolerances kDefault{0.1, 0.1};
const Tolerances kUp1{0.1, 0.01};

Instant now() { return Instant{std::chrono::seconds(1'800'000'000)}; }

// buildFakePod: Running, Ready unless told, start and transition at zero time.
std::vector<Pod> pods(std::size_t n, std::vector<CS> readiness = {},
                      std::vector<Instant> start = {}) {
  std::vector<Pod> out;
  for (std::size_t i = 0; i < n; ++i) {
    Pod p;
    p.name = "test-pod-" + std::to_string(i);
    p.ready = i < readiness.size() ? readiness[i] : CS::kTrue;
    p.start_time = i < start.size() ? start[i] : kGoZeroTime;
    p.ready_transition = kGoZeroTime;
    p.containers = {Container{"container1", {}}, Container{"container2", {}}};
    out.push_back(p);
  }
  return out;
}

PodMetricsInfo samples(const std::vector<std::int64_t>& levels) {
  PodMetricsInfo m;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    m["test-pod-" + std::to_string(i)] = PodMetric{levels[i], kGoZeroTime, 1min};
  }
  return m;
}

CalcParams params(Tolerances tol) {
  CalcParams p;
  p.tolerances = tol;
  p.now = now();
  p.cpu_initialization_period = 2min;
  p.initial_readiness_delay = 10s;
  return p;
}

TEST(ReplicaCalcUpstreamMetrics, PodMetric) {
  struct Row {
    const char* name;
    std::int32_t current;
    std::vector<Pod> pods;
    std::vector<std::int64_t> levels;
    std::int64_t target;
    std::int32_t want;
    std::int64_t usage;
    Tolerances tol = kDefault;
  };
  const std::vector<Instant> hot_last{now() - 3min, now() - 3min, now() - 1ms};
  const std::vector<Instant> hot_edges{now() - 1ms, now() - 3min, now() - 1ms};
  const Row rows[] = {
      {"scale up", 3, pods(3), {20000, 10000, 30000}, 15000, 4, 20000},
      {"unready hot-CPU pod scales less",
       3,
       pods(3, {CS::kTrue, CS::kTrue, CS::kFalse}, hot_last),
       {50000, 10000, 30000},
       15000,
       6,
       30000},
      {"unready hot-CPU pods avoid scale-down",
       3,
       pods(3, {CS::kFalse, CS::kTrue, CS::kFalse}, hot_edges),
       {50000, 15000, 30000},
       15000,
       7,
       31666},
      {"scale down", 5, pods(5), {12000, 12000, 12000, 12000, 12000}, 20000, 3, 12000},
      {"within default tolerance", 3, pods(3), {20000, 21000, 21000}, 20000, 3, 20666},
      {"outside configurable 1% tolerance",
       3,
       pods(3),
       {20000, 21000, 21000},
       20000,
       4,
       20666,
       kUp1},
      {"no change: missing metrics", 5, pods(5), {20000, 19000, 21000}, 20000, 5, 20000},
      {"rolling update with maxSurge: extra pod missing metric",
       2,
       pods(3),
       {10000, 10000},
       17000,
       2,
       10000},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    const auto r = calc_plain_metric_replicas(row.current, row.target, "", row.pods,
                                              samples(row.levels), kGoZeroTime, params(row.tol));
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r->replicas, row.want);
    EXPECT_EQ(r->usage, row.usage);
  }
}

TEST(ReplicaCalcUpstreamMetrics, ObjectMetric) {
  const auto r = [](std::int32_t cur, std::int64_t target, std::int64_t level,
                    std::vector<CS> readiness = {}, Tolerances tol = kDefault) {
    return get_object_value_replicas(cur, target, level, pods(3, std::move(readiness)), tol);
  };
  EXPECT_EQ(r(3, 15000, 20000)->replicas, 4);
  auto big = r(3, 1, kMax64);  // saturates replicas to MaxInt32
  EXPECT_EQ(big->replicas, kMax32);
  EXPECT_EQ(big->usage, kMax64);
  EXPECT_EQ(r(3, 10000, 50000, {CS::kFalse, CS::kTrue, CS::kFalse})->replicas, 5);
  EXPECT_EQ(get_object_value_replicas(5, 20000, 12000, pods(5), kDefault)->replicas, 3);
  EXPECT_EQ(r(3, 20000, 20666)->replicas, 3);
  EXPECT_EQ(r(3, 20000, 20666, {}, kUp1)->replicas, 4);
  EXPECT_EQ(r(3, 20000, 20666)->timestamp, kGoZeroTime);
}

TEST(ReplicaCalcUpstreamMetrics, PerPodMetrics) {
  struct Row {
    const char* name;
    std::int32_t status;
    std::int64_t level;
    std::int64_t target;
    std::int32_t want;
    std::int64_t usage;
    Tolerances tol = kDefault;
  };
  // TestReplicaCalcObjectPerPodMetric.
  const Row object_rows[] = {
      {"usage overflow with huge target", 1, kMax64, kMax64, 1, kMax64},
      {"scale up", 3, 20000, 5000, 4, 6667},
      {"scale down", 5, 6000, 2000, 3, 1200},
      {"within default tolerance", 4, 20166, 5000, 4, 5042},
      {"outside configurable 1% tolerance", 4, 20208, 5000, 5, 5052, kUp1},
      {"statusReplicas zero does not overflow usage", 0, 20000, 5000, 4, 0},
      {"statusReplicas zero and metric zero", 0, 0, 5000, 0, 0},
  };
  for (const Row& row : object_rows) {
    SCOPED_TRACE(std::string("object ") + row.name);
    const auto r = get_object_per_pod_replicas(row.status, row.target, row.level, now(), row.tol);
    EXPECT_EQ(r->replicas, row.want);
    EXPECT_EQ(r->usage, row.usage);
    EXPECT_EQ(r->timestamp, now());
  }
  // TestReplicaCalcExternalPerPodMetric.
  const Row external_rows[] = {
      {"replica count overflow saturates to MaxInt32", 1, kMax64, 1, kMax32, kMax64},
      {"usage overflow with huge target", 1, kMax64, kMax64, 1, kMax64},
      {"statusReplicas zero does not overflow usage", 0, 20000, 5000, 4, 0},
      {"statusReplicas zero and metric zero", 0, 0, 5000, 0, 0},
      {"scale up", 3, 8600, 2150, 4, 2867},
      {"scale down", 5, 8600, 2867, 3, 1720},
      {"within default tolerance", 3, 8600, 2900, 3, 2867},
      {"outside configurable 1% tolerance", 3, 8600, 2800, 4, 2867, kUp1},
  };
  for (const Row& row : external_rows) {
    SCOPED_TRACE(std::string("external ") + row.name);
    const auto r =
        get_external_per_pod_replicas(row.status, row.target, {row.level}, now(), row.tol);
    EXPECT_EQ(r->replicas, row.want);
    EXPECT_EQ(r->usage, row.usage);
  }
}

TEST(ReplicaCalcUpstreamMetrics, ExternalMetric) {
  const auto three = pods(3);
  auto r = get_external_value_replicas(3, 4400, {8600},
                                       pods(3, {CS::kFalse, CS::kTrue, CS::kFalse}), kDefault);
  EXPECT_EQ(r->replicas, 2);  // would be 6 if unready pods counted
  EXPECT_EQ(r->usage, 8600);
  EXPECT_EQ(get_external_value_replicas(5, 14334, {8600}, pods(5), kDefault)->replicas, 3);
  EXPECT_EQ(get_external_value_replicas(3, 8888, {8600}, three, kDefault)->replicas, 3);
  EXPECT_EQ(get_external_value_replicas(3, 8800, {8900}, three, kUp1)->replicas, 4);
  // Two values whose sum overflows int64: the usage caps at MaxInt64.
  const std::int64_t half = kMax64 / 2 + 1;
  r = get_external_value_replicas(3, kMax64, {half, half}, three, kDefault);
  EXPECT_EQ(r->replicas, 3);
  EXPECT_EQ(r->usage, kMax64);
}

TEST(ReplicaCalcUpstreamMetrics, GroupPods) {
  const auto pod = [](const char* name, PodPhase phase, std::optional<Instant> start,
                      std::optional<CS> ready, Instant transition) {
    Pod p;
    p.name = name;
    p.phase = phase;
    p.start_time = start;
    p.ready = ready;
    p.ready_transition = transition;
    return p;
  };
  const PodPhase R = PodPhase::kRunning;
  const Instant n = now();
  struct Row {
    const char* name;
    std::vector<Pod> pods;
    PodMetricsInfo metrics;
    const char* resource;
    int ready;
    std::set<std::string> unready, missing, ignored;
  };
  const PodMetric one{1, kGoZeroTime, {}};
  Pod deleted = pod("deleted", PodPhase::kPending, std::nullopt, std::nullopt, {});
  deleted.deleting = true;
  const Row rows[] = {
      {"void", {}, {}, "cpu", 0, {}, {}, {}},
      {"count in a ready pod - memory",
       {pod("bentham", R, std::nullopt, std::nullopt, {})},
       {{"bentham", PodMetric{1, n, 1min}}},
       "memory",
       1,
       {},
       {},
       {}},
      {"unready a pod without ready condition - CPU",
       {pod("lucretius", R, n, std::nullopt, {})},
       {{"lucretius", one}},
       "cpu",
       0,
       {"lucretius"},
       {},
       {}},
      {"count in a ready pod with fresh metrics during initialization period",
       {pod("bentham", R, n - 1min, CS::kTrue, n - 30s)},
       {{"bentham", PodMetric{1, n, 30s}}},
       "cpu",
       1,
       {},
       {},
       {}},
      {"unready a ready pod without fresh metrics during initialization period",
       {pod("bentham", R, n - 1min, CS::kTrue, n - 30s)},
       {{"bentham", PodMetric{1, n, 60s}}},
       "cpu",
       0,
       {"bentham"},
       {},
       {}},
      {"unready an unready pod during initialization period",
       {pod("lucretius", R, n - 10min, CS::kFalse, n - 9min - 54s)},
       {{"lucretius", one}},
       "cpu",
       0,
       {"lucretius"},
       {},
       {}},
      {"count in a ready pod without fresh metrics after initialization period",
       {pod("bentham", R, n - 3min, CS::kTrue, n - 3min)},
       {{"bentham", PodMetric{1, n - 2min, 1min}}},
       "cpu",
       1,
       {},
       {},
       {}},
      {"count in an unready pod that was ready after initialization period",
       {pod("lucretius", R, n - 10min, CS::kFalse, n - 9min)},
       {{"lucretius", one}},
       "cpu",
       1,
       {},
       {},
       {}},
      {"unready pod that has never been ready after initialization period",
       {pod("lucretius", R, n - 10min, CS::kFalse, n - 9min - 50s + 1us)},
       {{"lucretius", one}},
       "cpu",
       1,
       {},
       {},
       {}},
      {"a missing pod",
       {pod("epicurus", R, n - 3min, std::nullopt, {})},
       {},
       "cpu",
       0,
       {},
       {"epicurus"},
       {}},
      {"several pods",
       {pod("lucretius", R, n, std::nullopt, {}), pod("niccolo", R, n - 3min, CS::kTrue, n - 3min),
        pod("epicurus", R, n - 3min, std::nullopt, {})},
       {{"lucretius", one}, {"niccolo", one}},
       "cpu",
       1,
       {"lucretius"},
       {"epicurus"},
       {}},
      {"pending pods are unreadied",
       {pod("unscheduled", PodPhase::kPending, std::nullopt, std::nullopt, {})},
       {},
       "cpu",
       0,
       {"unscheduled"},
       {},
       {}},
      {"ignore pods with deletion timestamps",
       {deleted},
       {{"deleted", one}},
       "cpu",
       0,
       {},
       {},
       {"deleted"}},
      {"ignore pods in a failed state",
       {pod("failed", PodPhase::kFailed, std::nullopt, std::nullopt, {})},
       {{"failed", one}},
       "cpu",
       0,
       {},
       {},
       {"failed"}},
      {"ignore pods in a succeeded state",
       {pod("succeeded", PodPhase::kSucceeded, std::nullopt, std::nullopt, {})},
       {{"succeeded", one}},
       "cpu",
       0,
       {},
       {},
       {"succeeded"}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    const PodGroups g = group_pods(row.pods, row.metrics, row.resource, params(kDefault));
    EXPECT_EQ(g.ready_count, row.ready);
    EXPECT_EQ(g.unready, row.unready);
    EXPECT_EQ(g.missing, row.missing);
    EXPECT_EQ(g.ignored, row.ignored);
  }
}

TEST(ReplicaCalcUpstreamMetrics, CalculateRequestsAndPerPodUsage) {
  Pod p;
  p.name = "test-pod";
  p.containers = {Container{"container1", {{"cpu", 100}}}, Container{"container2", {{"cpu", 50}}}};
  EXPECT_TRUE(calculate_requests({}, "", "cpu", false)->empty());
  EXPECT_EQ(calculate_requests({p}, "", "cpu", false)->at("test-pod"), 150);
  EXPECT_EQ(calculate_requests({p}, "", "cpu", true)->at("test-pod"), 150);  // not set: fallback
  Pod pod_level = p;
  pod_level.pod_requests_milli = {{"cpu", 800}};
  EXPECT_EQ(calculate_requests({pod_level}, "", "cpu", true)->at("test-pod"), 800);
  EXPECT_EQ(calculate_requests({pod_level}, "", "cpu", false)->at("test-pod"), 150);
  EXPECT_EQ(calculate_requests({pod_level}, "container1", "cpu", true)->at("test-pod"), 100);
  EXPECT_EQ(calculate_requests({p}, "container1", "cpu", false)->at("test-pod"), 100);
  Pod missing = p;
  missing.containers[0].requests_milli.clear();
  EXPECT_EQ(calculate_requests({missing}, "", "cpu", false).error(),
            "missing request for cpu in container container1 of Pod test-pod");
  Pod missing_with_pod_level = missing;
  missing_with_pod_level.pod_requests_milli = {{"cpu", 800}};
  EXPECT_EQ(calculate_requests({missing_with_pod_level}, "", "cpu", true)->at("test-pod"), 800);
  Pod sidecar;
  sidecar.name = "test-pod";
  sidecar.containers = {Container{"container1", {{"cpu", 100}}}};
  sidecar.sidecars = {Container{"restartable-container1", {{"cpu", 50}}}};
  EXPECT_EQ(calculate_requests({sidecar}, "", "cpu", false)->at("test-pod"), 150);
  // TestCalculatePodRequestsFromContainers_NonExistentContainer.
  EXPECT_EQ(calculate_requests({sidecar}, "non-existent-container", "cpu", false).error(),
            "container non-existent-container not found in Pod test-pod");
  // TestGetPerPodUsage through the object per-pod path.
  EXPECT_EQ(get_object_per_pod_replicas(0, 1, 20000, now(), kDefault)->usage, 0);
  EXPECT_EQ(get_object_per_pod_replicas(3, 1, 1000, now(), kDefault)->usage, 334);
  EXPECT_EQ(get_object_per_pod_replicas(1, 1, kMax64, now(), kDefault)->usage, kMax64);
}

}  // namespace
}  // namespace ksim::control::hpa
