// Score plugins and normalizations (scores.h), as arithmetic with numbers. The
// LeastAllocated table reproduces upstream noderesources
// TestLeastAllocatedScoringStrategy cases (their cpu units read as millicores:
// only ratios matter); the DefaultNormalizeScore table reproduces upstream
// helper TestDefaultNormalizeScore.
#include "ksim/control/scheduler/scores.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace ksim::control::scheduler {
namespace {

using namespace testing;
using Scores = std::vector<std::int64_t>;

TEST(DefaultNormalizeScore, UpstreamCases) {
  struct Case {
    bool reverse;
    Scores in;
    Scores want;
  };
  const Case cases[] = {
      {false, {1, 2, 3, 4}, {25, 50, 75, 100}},
      {true, {1, 2, 3, 4}, {75, 50, 25, 0}},
      {false, {1000, 10, 20, 30}, {100, 1, 2, 3}},
      {true, {1000, 10, 20, 30}, {0, 99, 98, 97}},
      {false, {1, 1, 1, 1}, {100, 100, 100, 100}},
      {false, {1000, 1, 1, 1}, {100, 0, 0, 0}},
      {true, {0, 1, 1, 1}, {100, 0, 0, 0}},
      // Beyond upstream's table: all zero.
      {false, {0, 0, 0}, {0, 0, 0}},
      {true, {0, 0, 0}, {100, 100, 100}},
  };
  for (const auto& c : cases) {
    Scores s = c.in;
    default_normalize_score(s, c.reverse);
    EXPECT_EQ(s, c.want);
  }
}

TEST(TaintTolerationScore, CountsIntolerablePreferNoScheduleTaints) {
  Node n = node("n1", 1000, kGi);
  n.taints = {{"a", "1", TaintEffect::kPreferNoSchedule},
              {"b", "2", TaintEffect::kPreferNoSchedule},
              {"c", "3", TaintEffect::kNoSchedule}};  // hard taints are not counted
  Pod p = pod(100, kMi);
  EXPECT_EQ(taint_toleration_raw(p, n), 2);
  // A toleration with no effect counts; one with effect NoSchedule does not.
  p.tolerations = {{"a", TolerationOp::kEqual, "1", std::nullopt},
                   {"b", TolerationOp::kExists, "", TaintEffect::kNoSchedule}};
  EXPECT_EQ(taint_toleration_raw(p, n), 1);
  // Normalized in reverse: 0 intolerable taints is the best score.
  Scores s{0, 1, 2};
  default_normalize_score(s, /*reverse=*/true);
  EXPECT_EQ(s, (Scores{100, 50, 0}));
}

TEST(NodeAffinityScore, SkippedWithoutPreferredTerms) {
  Pod p = pod(100, kMi);
  EXPECT_TRUE(node_affinity_skipped(p));
  p.preferred_terms = {{80, NodeSelectorTerm{{{"zone", SelectorOp::kIn, {"a"}}}}},
                       {20, NodeSelectorTerm{{{"ssd", SelectorOp::kExists, {}}}}}};
  EXPECT_FALSE(node_affinity_skipped(p));
  Node a = node("a", 1000, kGi);
  a.labels["zone"] = "a";
  Node b = node("b", 1000, kGi);
  b.labels["ssd"] = "true";
  Scores s{node_affinity_raw(p, a), node_affinity_raw(p, b), node_affinity_raw(p, node("c", 1, 1))};
  EXPECT_EQ(s, (Scores{80, 20, 0}));
  default_normalize_score(s, /*reverse=*/false);
  EXPECT_EQ(s, (Scores{100, 25, 0}));
}

TEST(LeastRequestedScore, Arithmetic) {
  EXPECT_EQ(least_requested_score(3000, 4000), 25);  // (4000-3000)*100/4000
  EXPECT_EQ(least_requested_score(1, 3), 66);        // integer division truncates
  EXPECT_EQ(least_requested_score(5000, 4000), 0);   // over capacity
  EXPECT_EQ(least_requested_score(0, 0), 0);         // no capacity
}

struct LeastCase {
  const char* name;  // upstream TestLeastAllocatedScoringStrategy case
  std::vector<ContainerRequests> pod;
  std::int64_t node_cpu, node_mem;
  std::vector<PlacedPod> existing;
  std::int64_t want;
};

TEST(LeastAllocated, UpstreamCases) {
  const std::vector<ContainerRequests> two{ContainerRequests{1000, 2000},
                                           ContainerRequests{2000, 3000}};
  const LeastCase cases[] = {
      {"nothing scheduled, nothing requested", {}, 4000, 10000, {}, 100},
      {"nothing scheduled, resources requested, differently sized nodes (node1)",
       two,
       4000,
       10000,
       {},
       37},
      {"nothing scheduled, resources requested, differently sized nodes (node2)",
       two,
       6000,
       10000,
       {},
       50},
      {"no resources requested, pods scheduled with resources (node1)",
       {},
       10000,
       20000,
       {placed(3000, 0), placed(3000, 0)},
       70},
      {"no resources requested, pods scheduled with resources (node2)",
       {},
       10000,
       20000,
       {placed(3000, 0), placed(3000, 5000)},
       57},
      {"resources requested, pods scheduled with resources (node1)",
       two,
       10000,
       20000,
       {placed(3000, 0)},
       57},
      {"resources requested, pods scheduled with resources (node2)",
       two,
       10000,
       20000,
       {placed(3000, 5000)},
       45},
      {"resources requested, pods scheduled with resources, differently sized nodes (node2)",
       two,
       10000,
       50000,
       {placed(3000, 5000)},
       60},
      {"requested resources exceed node capacity (node1)",
       req(3000, 0),
       4000,
       10000,
       {placed(3000, 0)},
       50},
      {"requested resources exceed node capacity (node2)",
       req(3000, 0),
       4000,
       10000,
       {placed(3000, 5000)},
       25},
      {"zero node resources, pods scheduled with resources", {}, 0, 0, {placed(3000, 0)}, 0},
  };
  for (const auto& c : cases) {
    Node n = node("n", c.node_cpu, c.node_mem);
    n.pods = c.existing;
    Pod p;
    p.containers = c.pod;
    EXPECT_EQ(least_allocated_score(p, n), c.want) << c.name;
  }
}

TEST(LeastAllocated, MissingRequestsScoreAsNonZeroDefaults) {
  // 2000m / 4 GiB node, one BestEffort pod already there, a BestEffort pod to place:
  // cpu (2000 - 200) * 100 / 2000 = 90; memory (4096 - 400) Mi * 100 / 4096 Mi = 90 (90.2)
  Node n = node("n", 2000, 4 * kGi);
  n.pods = {PlacedPod{"be", "default", {}, {ContainerRequests{}}, false}};
  EXPECT_EQ(least_allocated_score(best_effort_pod(), n), 90);
  // The same with explicit zero requests: nothing is requested, 100.
  n.pods = {placed(0, 0)};
  EXPECT_EQ(least_allocated_score(pod(0, 0), n), 100);
}

TEST(BalancedResourceScore, Arithmetic) {
  // |0.75 - 0.5| / 2 = 0.125 -> (1 - 0.125) * 100 = 87.5 -> 87 (truncated)
  EXPECT_EQ(balanced_resource_score({3000, 5000}, {4000, 10000}), 87);
  EXPECT_EQ(balanced_resource_score({3000, 5000}, {6000, 10000}), 100);
  // 0.6 and 0.25: std 0.175 -> 82.5 -> 82
  EXPECT_EQ(balanced_resource_score({6000, 5000}, {10000, 20000}), 82);
  // 0.6 and 0.2: std 0.2 -> 80
  EXPECT_EQ(balanced_resource_score({6000, 10000}, {10000, 50000}), 80);
  // fractions are capped at 1: 6000/4000 -> 1, 0 -> std 0.5 -> 50
  EXPECT_EQ(balanced_resource_score({6000, 0}, {4000, 10000}), 50);
  // one resource with allocatable: std 0 -> 100; none: 100 as well
  EXPECT_EQ(balanced_resource_score({6000, 5}, {10000, 0}), 100);
  EXPECT_EQ(balanced_resource_score({1, 1}, {0, 0}), 100);
  // three resources: population std of {0.2, 0.5, 0.8} = 0.2449 -> 75
  EXPECT_EQ(balanced_resource_score({2, 5, 8}, {10, 10, 10}), 75);
}

TEST(BalancedAllocation, UsesActualRequestsAndSkipsBestEffort) {
  // Platform-2-like node: 1930m, 7 GiB; two 100m/128Mi pods there, a third to place.
  Node n = node("n", 1930, 7 * kGi);
  n.pods = {placed(100, 128 * kMi), placed(100, 128 * kMi)};
  // cpu 300/1930 = 0.15544, memory 384Mi/7168Mi = 0.05357: std 0.05093 -> 94.9 -> 94
  EXPECT_EQ(balanced_allocation_score(pod(100, 128 * kMi), n), 94);
  // A BestEffort pod on the node adds nothing (useRequested, no non-zero defaults).
  n.pods.push_back(PlacedPod{"be", "default", {}, {ContainerRequests{}}, false});
  EXPECT_EQ(balanced_allocation_score(pod(100, 128 * kMi), n), 94);
  const SchedulerConfig config;
  EXPECT_TRUE(balanced_allocation_skipped(best_effort_pod(), config));
  EXPECT_TRUE(balanced_allocation_skipped(pod(0, 0), config));
  EXPECT_FALSE(balanced_allocation_skipped(pod(0, 1), config));
  SchedulerConfig before_1_33;
  before_1_33.balanced_skips_best_effort = false;
  EXPECT_FALSE(balanced_allocation_skipped(best_effort_pod(), before_1_33));
}

}  // namespace
}  // namespace ksim::control::scheduler
