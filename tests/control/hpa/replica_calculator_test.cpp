// Per-metric proposals: the worked numbers of spec sections 5 and 10 and one
// case per rule.
#include "ksim/control/hpa/replica_calculator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "fixtures.h"

namespace ksim::control::hpa {
namespace {

using namespace testing;

struct ResourceCase {
  const char* name;
  std::int32_t current;
  std::vector<std::int64_t> usage;  // samples of pod-0.. (fewer than pods = missing)
  int pods;
  std::int32_t target;
  std::int32_t want_replicas;
  std::int32_t want_utilization;
  std::int64_t want_raw;
};

TEST(GetResourceReplicas, WorkedExamplesAndRules) {
  const ResourceCase cases[] = {
      // spec 10: 300/500/700 of 1 CPU, target 30 % -> 50 %, ceil(1.667 x 3) = 5.
      {"spec 10 scale-up", 3, {300, 500, 700}, 3, 30, 5, 50, 500},
      // spec 10: 28 %, 0.56 x 5 -> 3.
      {"spec 10 scale-down", 5, {100, 300, 500, 250, 250}, 5, 50, 3, 28, 280},
      // spec 10: two of four pods report; 24 % -> missing at 100 % -> 62 % -> 3.
      {"spec 10 missing on scale-down", 4, {400, 95}, 4, 100, 3, 24, 247},
      // Missing pods at 0 on scale-up: (900+900)/ (3000) = 60 % vs 50 -> ratio 1.2 -> ceil(3.6).
      {"missing at 0 on scale-up", 3, {900, 900}, 3, 50, 4, 90, 900},
      // Missing pods flip the direction: keep current.
      {"missing reverses direction", 2, {600}, 2, 50, 2, 60, 600},
      // within tolerance: 1.1 exactly is inside the interval form.
      {"ratio 1.1 inside tolerance", 3, {550, 550, 550}, 3, 50, 3, 55, 550},
      {"ratio 0.9 inside tolerance", 3, {450, 450, 450}, 3, 50, 3, 45, 450},
      {"ratio 1.12 outside", 3, {560, 560, 560}, 3, 50, 4, 56, 560},
      // Fast path multiplies by ready pods, not spec (TestMissingReports shape).
      {"ready count not spec", 4, {1000}, 1, 50, 2, 100, 1000},
      // Spec 13.3: 5 pods, spec 4, within tolerance -> stays 4.
      {"more pods than spec, no scale", 4, {500, 500, 500, 500, 500}, 5, 50, 4, 50, 500},
  };
  for (const ResourceCase& c : cases) {
    const auto r = get_resource_replicas(c.current, c.target, "cpu", "", running_pods(c.pods),
                                         samples(c.usage), t0(), params());
    ASSERT_TRUE(r.has_value()) << c.name << ": " << r.error();
    EXPECT_EQ(r->replicas, c.want_replicas) << c.name;
    EXPECT_EQ(r->utilization, c.want_utilization) << c.name;
    EXPECT_EQ(r->usage, c.want_raw) << c.name;
    EXPECT_FALSE(r->explanation.empty()) << c.name;
  }
}

TEST(GetResourceReplicas, UnreadyPodCountedAsZeroOnScaleUp) {
  // spec 10: pod 0 not Ready (initializing). Ready pods give 60 %, ratio 2;
  // pod 0 assumed 0: (0 + 500 + 700) / 3000 = 40 %, ratio 1.333 -> ceil(4) = 4.
  std::vector<Pod> pods = running_pods(3);
  pods[0].start_time = t0() - 1min;
  pods[0].ready = ConditionStatus::kFalse;
  const auto r =
      get_resource_replicas(3, 30, "cpu", "", pods, samples({300, 500, 700}), t0(), params());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->replicas, 4);
  EXPECT_EQ(r->utilization, 60);  // reported: the ready pods' utilization
}

TEST(GetResourceReplicas, UnreadyExcludedOnScaleDown) {
  std::vector<Pod> pods = running_pods(3);
  pods[2].phase = PodPhase::kPending;
  // ready pods at 10 %, target 50: 0.2 x 2 ready -> ceil(0.4) = 1.
  const auto r = get_resource_replicas(3, 50, "cpu", "", pods, samples({100, 100}), t0(), params());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->replicas, 1);
}

TEST(GetResourceReplicas, MissingAtTargetWhenTargetAbove100) {
  // TestReplicaCalcMissingMetricsScaleDownTargetOver100 shape: target 300 %,
  // missing pods assumed at 300 % of request.
  // 2 reporting pods at 1000m of 1000m -> 100 %, ratio 0.333; 2 missing at 3000m:
  // (2000 + 6000)/4000 = 200 % -> 0.667 x 4 = ceil(2.667) = 3.
  const auto r = get_resource_replicas(4, 300, "cpu", "", running_pods(4), samples({1000, 1000}),
                                       t0(), params());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->replicas, 3);
}

TEST(GetResourceReplicas, ConfigurableTolerance) {
  // spec 10: 102 % vs 100 % -> no change; with scaleUp tolerance 0.01 -> 4.
  const auto wide = get_resource_replicas(3, 100, "cpu", "", running_pods(3),
                                          samples({1020, 1020, 1020}), t0(), params());
  EXPECT_EQ(wide->replicas, 3);
  CalcParams p = params();
  p.tolerances.scale_up = 0.01;
  const auto tight = get_resource_replicas(3, 100, "cpu", "", running_pods(3),
                                           samples({1020, 1020, 1020}), t0(), p);
  EXPECT_EQ(tight->replicas, 4);
}

TEST(GetResourceReplicas, Errors) {
  EXPECT_EQ(get_resource_replicas(1, 50, "cpu", "", {}, samples({1}), t0(), params()).error(),
            "no pods returned by selector while calculating replica count");
  std::vector<Pod> pending = running_pods(1);
  pending[0].phase = PodPhase::kPending;
  EXPECT_EQ(get_resource_replicas(1, 50, "cpu", "", pending, samples({1}), t0(), params()).error(),
            "did not receive metrics for targeted pods (pods might be unready)");
}

TEST(GetResourceReplicas, DuringRollingUpdateMovesAgainstRatio) {
  // Samples of superfluous pods count in N; a result against the ratio keeps current.
  // 2 pods listed, 4 samples (2 unknown): ratio from known pods only.
  PodMetricsInfo m = samples({100, 100});
  m["old-a"] = PodMetric{100, t0() - 1s, 60s};
  m["old-b"] = PodMetric{100, t0() - 1s, 60s};
  std::vector<Pod> pods = running_pods(3);  // pod-2 is missing
  // known 200/2000 = 10 %, target 50 -> 0.2; missing pod-2 at 100 %:
  // (100+100+1000)/3000 = 40 % -> 0.8, N = 5 samples -> ceil(4) = 4 > current 3 -> keep 3.
  const auto r = get_resource_replicas(3, 50, "cpu", "", pods, m, t0(), params());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->replicas, 3);
}

TEST(PlainMetric, PodsMetricFillsTargetOnScaleDown) {
  // Pods metric target 10 per pod; 2 of 3 report 2 -> ratio 0.2; missing at
  // target: (2+2+10)/3 = 4.666 -> 0.4666 x 3 -> ceil(1.4) = 2.
  const auto r = calc_plain_metric_replicas(3, 10000, "", running_pods(3), samples({2000, 2000}),
                                            t0(), params());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->replicas, 2);
  EXPECT_EQ(r->usage, 2000);
}

TEST(PlainMetric, NotReadyPodCountsForPodsMetrics) {
  // TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale shape: a not-Ready pod
  // with a sample counts for a Pods metric.
  std::vector<Pod> pods = running_pods(3);
  pods[2].ready = ConditionStatus::kFalse;
  const auto r = calc_plain_metric_replicas(3, 15000, "", pods, samples({20000, 10000, 30000}),
                                            t0(), params());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->replicas, 4);  // 20000/15000 = 1.333 x 3 = 4
}

struct ObjectCase {
  const char* name;
  std::int32_t current;
  std::int64_t target;
  std::int64_t value;
  int ready_pods;
  int unready_pods;
  std::int32_t want;
};

TEST(ObjectValue, Rules) {
  const ObjectCase cases[] = {
      // TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods: 50000/10000 x 1 ready = 5.
      {"unready pods not counted", 3, 10000, 50000, 1, 2, 5},
      // TestScaleUpFromZeroIgnoresToleranceCMObject: at 0, ratio 1.0 -> 1.
      {"from zero ignores tolerance", 0, 10000, 10000, 0, 0, 1},
      {"from zero, ratio 0 -> 0", 0, 10000, 0, 0, 0, 0},
      {"within tolerance keeps current", 3, 10000, 10500, 3, 0, 3},
      {"scale down to zero", 3, 10000, 0, 3, 0, 0},
  };
  for (const ObjectCase& c : cases) {
    std::vector<Pod> pods = running_pods(c.ready_pods + c.unready_pods);
    for (int i = c.ready_pods; i < c.ready_pods + c.unready_pods; ++i) {
      pods[static_cast<std::size_t>(i)].ready = ConditionStatus::kFalse;
    }
    if (pods.empty()) pods = running_pods(1);
    const auto r = get_object_value_replicas(c.current, c.target, c.value, pods, Tolerances{});
    ASSERT_TRUE(r.has_value()) << c.name;
    EXPECT_EQ(r->replicas, c.want) << c.name;
    EXPECT_EQ(r->usage, c.value) << c.name;
  }
}

TEST(ObjectValue, OverflowCapsAtMaxInt32) {
  // TestReplicaCalcScaleUpOverflow: MaxInt64 / 1 x 1 ready pod.
  const auto r = get_object_value_replicas(3, 1, std::numeric_limits<std::int64_t>::max(),
                                           running_pods(1), Tolerances{});
  EXPECT_EQ(r->replicas, std::numeric_limits<std::int32_t>::max());
  EXPECT_EQ(r->usage, std::numeric_limits<std::int64_t>::max());
}

TEST(PerPod, ExternalWorkedExample) {
  // spec 5.5: 8600m total, 2222m per pod, S = 3 -> ratio 1.29 -> ceil(3.87) = 4;
  // reported average ceil(8600/3) = 2867.
  const auto r = get_external_per_pod_replicas(3, 2222, {8600}, t0(), Tolerances{});
  EXPECT_EQ(r->replicas, 4);
  EXPECT_EQ(r->usage, 2867);
  // Within tolerance the answer is S (status replicas), not spec.
  const auto same = get_external_per_pod_replicas(5, 2000, {10100}, t0(), Tolerances{});
  EXPECT_EQ(same->replicas, 5);
  const auto obj = get_object_per_pod_replicas(3, 2222, 8600, t0(), Tolerances{});
  EXPECT_EQ(obj->replicas, 4);
}

TEST(PerPod, ExternalOverflow) {
  // TestExternalPerPodMetricReplicaOverflow: MaxInt64 / 1 -> capped.
  const auto r = get_external_per_pod_replicas(1, 1, {std::numeric_limits<std::int64_t>::max()},
                                               t0(), Tolerances{});
  EXPECT_EQ(r->replicas, std::numeric_limits<std::int32_t>::max());
  EXPECT_EQ(r->usage, std::numeric_limits<std::int64_t>::max());
  // The sum of two large series overflows int64 and is capped.
  const auto s = get_external_per_pod_replicas(2, 1, {std::numeric_limits<std::int64_t>::max(), 5},
                                               t0(), Tolerances{});
  EXPECT_EQ(s->usage, std::numeric_limits<std::int64_t>::max());
}

TEST(ExternalValue, SumsSeries) {
  // 3 series summing 9000m vs target 3000m -> ratio 3 x 2 ready pods = 6.
  const auto r =
      get_external_value_replicas(2, 3000, {1000, 3000, 5000}, running_pods(2), Tolerances{});
  EXPECT_EQ(r->replicas, 6);
  EXPECT_EQ(r->usage, 9000);
}

}  // namespace
}  // namespace ksim::control::hpa

namespace ksim::control::hpa {
namespace {

TEST(GoConversions, Amd64IndefiniteOnOverflow) {
  EXPECT_EQ(ceil_to_int32(4.2), 5);
  EXPECT_EQ(ceil_to_int32(-0.5), 0);
  EXPECT_EQ(ceil_to_int32(2147483647.0), 2147483647);
  EXPECT_EQ(ceil_to_int32(3e9), std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(ceil_to_int32(std::nan("")), std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(go_int64(1e19), std::numeric_limits<std::int64_t>::min());
  // The Object per-pod path converts unchecked, unlike the External one.
  const auto obj = get_object_per_pod_replicas(1, 1, std::numeric_limits<std::int64_t>::max(),
                                               testing::t0(), Tolerances{});
  EXPECT_EQ(obj->replicas, std::numeric_limits<std::int32_t>::min());
}

}  // namespace
}  // namespace ksim::control::hpa
