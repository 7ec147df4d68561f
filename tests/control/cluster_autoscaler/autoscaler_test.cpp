// Cluster Autoscaler decisions (autoscaler.h) on hand-computed tables:
// least-waste choice and its tie-break, max size, unneeded-time gating,
// the utilization threshold, min size and the cooldown after a scale-up.
#include "ksim/control/cluster_autoscaler/autoscaler.h"

#include <gtest/gtest.h>

namespace ksim::control::cluster_autoscaler {
namespace {

constexpr std::int64_t kMi = 1024LL * 1024;
constexpr std::int64_t kGi = 1024 * kMi;
constexpr std::int64_t kSec = 1'000'000;

PodView pod(std::string name, std::int64_t cpu, std::int64_t mem) {
  PodView p;
  p.namespace_ = "shop";
  p.name = std::move(name);
  p.cpu_milli = cpu;
  p.memory_bytes = mem;
  return p;
}

/// 2 vCPU / 8 GiB (allocatable 1930m / 6844Mi) or 4 vCPU / 16 GiB (3920m / 14010Mi).
NodeGroup group(std::string name, bool xlarge, int target = 2, int min = 1, int max = 10) {
  NodeGroup g;
  g.name = std::move(name);
  g.min_size = min;
  g.max_size = max;
  g.target_size = target;
  g.capacity_cpu_milli = xlarge ? 4000 : 2000;
  g.capacity_memory_bytes = (xlarge ? 16 : 8) * kGi;
  g.allocatable_cpu_milli = xlarge ? 3920 : 1930;
  g.allocatable_memory_bytes = (xlarge ? 14010 : 6844) * kMi;
  return g;
}

NodeView node(std::string name, std::string grp, std::vector<PodView> pods) {
  NodeView n;
  n.name = std::move(name);
  n.group = std::move(grp);
  n.allocatable_cpu_milli = 2000;
  n.allocatable_memory_bytes = 8 * kGi;
  n.pods = std::move(pods);
  return n;
}

TEST(ClusterAutoscaler, LeastWastePicksTheGroupWastingTheSmallestFraction) {
  CaInput in;
  in.groups = {group("ng-xl", true), group("ng-large", false)};
  in.unschedulable = {pod("a", 900, 1 * kGi), pod("b", 900, 1 * kGi)};
  const auto d = autoscale(in);
  ASSERT_EQ(d.options.size(), 2u);
  // ng-xl: cpu (4000 − 1800) / 4000 = 0.55, memory (16 − 2) / 16 = 0.875.
  EXPECT_DOUBLE_EQ(d.options[0].wasted_cpu, 0.55);
  EXPECT_DOUBLE_EQ(d.options[0].wasted_memory, 0.875);
  // ng-large: cpu 200 / 2000 = 0.1, memory 6 / 8 = 0.75 -> 0.85 < 1.425.
  EXPECT_DOUBLE_EQ(d.options[1].wasted_cpu, 0.1);
  EXPECT_DOUBLE_EQ(d.options[1].wasted_memory, 0.75);
  ASSERT_TRUE(d.scale_up);
  EXPECT_EQ(d.scale_up->group, "ng-large");
  EXPECT_EQ(d.scale_up->delta, 1);
  EXPECT_EQ(d.scale_up->new_target, 3);
  EXPECT_EQ(d.scale_up->message,
            "pods shop/a, shop/b unschedulable: ng-large +1 -> 3 (least-waste of 2 option(s): "
            "ng-large +1 for 2 pod(s) wastes 10% cpu, 75% memory)");
  // ng-large at its max: ng-xl it is.
  in.groups[1].target_size = 10;
  EXPECT_EQ(autoscale(in).scale_up->group, "ng-xl");
}

TEST(ClusterAutoscaler, TiesGoToMorePodsThenTheGroupName) {
  CaInput in;
  in.groups = {group("ng-b", false), group("ng-a", false)};
  in.unschedulable = {pod("a", 500, 1 * kGi)};
  EXPECT_EQ(autoscale(in).scale_up->group, "ng-a");
}

TEST(ClusterAutoscaler, PodsThatFitAnExistingNodeTriggerNothing) {
  CaInput in;
  in.groups = {group("ng", false)};
  in.nodes = {node("n1", "ng", {pod("x", 500, 1 * kGi)})};
  in.unschedulable = {pod("a", 500, 1 * kGi)};
  EXPECT_FALSE(autoscale(in).scale_up);
}

TEST(ClusterAutoscaler, UtilizationThresholdIsStrict) {
  struct Row {
    std::int64_t cpu;
    bool unneeded;
  };
  // Allocatable 2000m: 1000m = 0.5 is not below 0.5; 980m = 0.49 is.
  for (const Row r : {Row{1000, false}, Row{980, true}, Row{0, true}}) {
    CaInput in;
    in.groups = {group("ng", false, 3)};
    in.nodes = {node("n1", "ng", {pod("x", r.cpu, 1 * kGi)}), node("n2", "ng", {}),
                node("n3", "ng", {})};
    const auto d = autoscale(in);
    ASSERT_FALSE(d.nodes.empty());
    EXPECT_EQ(d.nodes[0].unneeded, r.unneeded) << r.cpu << ": " << d.nodes[0].reason;
  }
  NodeView n = node("n", "ng", {pod("x", 500, 6 * kGi)});
  EXPECT_DOUBLE_EQ(node_utilization(n, false), 0.75);  // memory dominates
}

TEST(ClusterAutoscaler, UnneededTimeGatesRemovalAndMinSizeHolds) {
  CaInput in;
  in.groups = {group("ng", false, 2, 1)};
  in.nodes = {node("n1", "ng", {pod("x", 300, 1 * kGi)}), node("n2", "ng", {pod("y", 300, kGi)})};
  in.state.unneeded_since_us["n1"] = 0;
  in.now_us = 599 * kSec;
  auto d = autoscale(in);
  EXPECT_TRUE(d.scale_down.empty());
  EXPECT_EQ(d.nodes[0].reason, "unneeded for 599 s of 600 s");
  EXPECT_EQ(d.next_state.unneeded_since_us.at("n1"), 0);
  // n1's pod is counted onto n2, so n2 cannot also go (its pod would have nowhere).
  EXPECT_FALSE(d.next_state.unneeded_since_us.contains("n2"));
  EXPECT_EQ(d.nodes[1].reason, "pod shop/y does not fit on any other node");
  in.now_us = 600 * kSec;
  d = autoscale(in);
  ASSERT_EQ(d.scale_down.size(), 1u);
  EXPECT_EQ(d.scale_down[0].node, "n1");
  EXPECT_EQ(d.scale_down[0].message,
            "node n1 unneeded for 600 s (utilization 15% < 50%): drain and delete, ng -> 1");
  // At min size: kept.
  in.groups[0].min_size = 2;
  d = autoscale(in);
  EXPECT_TRUE(d.scale_down.empty());
  EXPECT_EQ(d.nodes[0].reason, "unneeded for 600 s of 600 s, group ng at min size");
}

TEST(ClusterAutoscaler, NoScaleDownWithinTheDelayAfterAScaleUp) {
  CaInput in;
  in.groups = {group("ng", false, 3, 1)};
  in.nodes = {node("n1", "ng", {}), node("n2", "ng", {}), node("n3", "ng", {})};
  in.state.unneeded_since_us = {{"n1", 0}, {"n2", 0}, {"n3", 0}};
  in.now_us = 1000 * kSec;
  in.state.last_scale_up_us = 500 * kSec;  // 10 min cooldown until 1100 s
  EXPECT_TRUE(autoscale(in).scale_down.empty());
  in.now_us = 1100 * kSec;
  const auto d = autoscale(in);
  ASSERT_EQ(d.scale_down.size(), 2u);  // empty nodes in bulk, down to min 1
  EXPECT_TRUE(d.scale_down[0].empty);
  EXPECT_EQ(d.nodes[2].reason, "unneeded for 1100 s of 600 s, group ng at min size");
}

TEST(ClusterAutoscaler, PodsThatCannotMoveKeepTheNode) {
  CaInput in;
  in.groups = {group("ng", false, 2, 0)};
  PodView stuck = pod("stuck", 100, kGi);
  stuck.not_movable = true;
  in.nodes = {node("n1", "ng", {stuck}), node("n2", "ng", {pod("big", 1900, kGi)})};
  const auto d = autoscale(in);
  EXPECT_FALSE(d.nodes[0].unneeded);
  EXPECT_EQ(d.nodes[0].reason, "pod shop/stuck cannot be moved");
  EXPECT_FALSE(d.nodes[1].unneeded);  // 95% cpu
}

}  // namespace
}  // namespace ksim::control::cluster_autoscaler
