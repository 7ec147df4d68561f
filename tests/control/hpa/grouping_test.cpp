// Pod grouping (spec section 3; upstream TestGroupPods) and requests.
#include <gtest/gtest.h>

#include "fixtures.h"

namespace ksim::control::hpa {
namespace {

using namespace testing;

struct GroupCase {
  const char* name;
  Pod pod;
  bool has_sample;
  const char* resource;
  const char* group;  // ready, unready, missing, ignored
};

Pod with(Pod p, auto&& f) {
  f(p);
  return p;
}

TEST(GroupPods, EachRuleInOrder) {
  const Pod base = running_pod("p");
  const GroupCase cases[] = {
      {"ready pod", base, true, "cpu", "ready"},
      {"deleting wins over everything", with(base, [](Pod& p) { p.deleting = true; }), false, "cpu",
       "ignored"},
      {"failed pod ignored", with(base, [](Pod& p) { p.phase = PodPhase::kFailed; }), true, "cpu",
       "ignored"},
      {"pending is unready even with a sample",
       with(base, [](Pod& p) { p.phase = PodPhase::kPending; }), true, "cpu", "unready"},
      {"no sample is missing", base, false, "cpu", "missing"},
      // Newest groupPods (podutil.IsPodTerminal; TestGroupPods "ignore pods in a succeeded state").
      {"succeeded pod ignored", with(base, [](Pod& p) { p.phase = PodPhase::kSucceeded; }), true,
       "cpu", "ignored"},
      {"no Ready condition: unready for cpu", with(base, [](Pod& p) { p.ready.reset(); }), true,
       "cpu", "unready"},
      {"no start time: unready for cpu", with(base, [](Pod& p) { p.start_time.reset(); }), true,
       "cpu", "unready"},
      {"no Ready condition: ready for memory", with(base, [](Pod& p) { p.ready.reset(); }), true,
       "memory", "ready"},
      {"not Ready within init period: unready",
       with(base,
            [](Pod& p) {
              p.start_time = t0() - 1min;
              p.ready = ConditionStatus::kFalse;
            }),
       true, "cpu", "unready"},
      {"Ready within init period but sample window starts before Ready",
       with(base,
            [](Pod& p) {
              p.start_time = t0() - 1min;
              p.ready_transition = t0() - 30s;  // sample at t0-1s over 60s
            }),
       true, "cpu", "unready"},
      {"Ready within init period, whole window after Ready",
       with(base,
            [](Pod& p) {
              p.start_time = t0() - 110s;
              p.ready_transition = t0() - 100s;
            }),
       true, "cpu", "ready"},
      {"not Ready after init, never ready (transition within delay)",
       with(base,
            [](Pod& p) {
              p.start_time = t0() - 10min;
              p.ready = ConditionStatus::kFalse;
              p.ready_transition = t0() - 10min + 5s;
            }),
       true, "cpu", "unready"},
      {"not Ready after init, was ready before (transition after delay)",
       with(base,
            [](Pod& p) {
              p.start_time = t0() - 10min;
              p.ready = ConditionStatus::kFalse;
              p.ready_transition = t0() - 10min + 20s;
            }),
       true, "cpu", "ready"},
      {"not Ready: ready for Pods metrics",
       with(base,
            [](Pod& p) {
              p.start_time = t0() - 1min;
              p.ready = ConditionStatus::kFalse;
            }),
       true, "", "ready"},
  };
  for (const GroupCase& c : cases) {
    PodMetricsInfo m;
    if (c.has_sample) m["p"] = PodMetric{100, t0() - 1s, 60s};
    const PodGroups g = group_pods({c.pod}, m, c.resource, params());
    const std::string got = g.ready_count == 1     ? "ready"
                            : g.unready.count("p") ? "unready"
                            : g.missing.count("p") ? "missing"
                            : g.ignored.count("p") ? "ignored"
                                                   : "none";
    EXPECT_EQ(got, c.group) << c.name;
  }
}

TEST(GroupPods, StrictBoundaries) {
  // Init period ends exactly now: not "after now", so past initialization.
  Pod p = running_pod("p");
  p.start_time = t0() - 2min;
  p.ready = ConditionStatus::kFalse;
  p.ready_transition = *p.start_time + 10s;  // start + delay == transition: not after
  PodMetricsInfo m{{"p", PodMetric{1, t0(), 60s}}};
  EXPECT_EQ(group_pods({p}, m, "cpu", params()).ready_count, 1);
  // Sample timestamp exactly transition + window: not before, so counts.
  Pod q = running_pod("q");
  q.start_time = t0() - 1min;
  q.ready_transition = t0() - 60s;
  PodMetricsInfo mq{{"q", PodMetric{1, t0(), 60s}}};
  EXPECT_EQ(group_pods({q}, mq, "cpu", params()).ready_count, 1);
}

TEST(CalculateRequests, ContainersSidecarsAndPodLevel) {
  Pod p = running_pod("p", 100);
  p.containers.push_back(Container{"d", {{"cpu", 200}}});
  p.sidecars.push_back(Container{"s", {{"cpu", 50}}});
  EXPECT_EQ(calculate_requests({p}, "", "cpu", true)->at("p"), 350);
  EXPECT_EQ(calculate_requests({p}, "d", "cpu", true)->at("p"), 200);
  EXPECT_EQ(calculate_requests({p}, "x", "cpu", true).error(), "container x not found in Pod p");
  p.pod_requests_milli["cpu"] = 1000;
  EXPECT_EQ(calculate_requests({p}, "", "cpu", true)->at("p"), 1000);
  EXPECT_EQ(calculate_requests({p}, "", "cpu", false)->at("p"), 350);
  EXPECT_EQ(calculate_requests({p}, "d", "cpu", true)->at("p"), 200);
  Pod bare = running_pod("b");
  bare.containers[0].requests_milli.erase("cpu");
  EXPECT_EQ(calculate_requests({bare}, "", "cpu", true).error(),
            "missing request for cpu in container c of Pod b");
}

TEST(UtilizationRatio, TruncatesAndFallsBackOnOverflow) {
  const auto r =
      resource_utilization_ratio(samples({333, 334}), {{"pod-0", 1000}, {"pod-1", 1000}}, 30);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->utilization, 33);  // 66.7 % -> 33 (667*100/2000 = 33)
  EXPECT_EQ(r->raw_average, 333);
  EXPECT_DOUBLE_EQ(r->ratio, 33.0 / 30.0);
  const std::int64_t big = std::numeric_limits<std::int64_t>::max() / 2;
  const auto b =
      resource_utilization_ratio(samples({big, big}), {{"pod-0", big}, {"pod-1", big}}, 100);
  ASSERT_TRUE(b.has_value());  // the int64 sums overflow; the exact path answers
  EXPECT_EQ(b->utilization, 100);
  EXPECT_EQ(b->raw_average, big);
  EXPECT_EQ(resource_utilization_ratio(samples({1}), {{"other", 1}}, 50).error(),
            "no metrics returned matched known pods");
}

}  // namespace
}  // namespace ksim::control::hpa
