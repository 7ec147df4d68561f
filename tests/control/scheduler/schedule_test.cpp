// The decision for one pod (schedule.h): reasons, ties, per-plugin scores,
// the unschedulable message, node sampling, and seed platform 2.
#include "ksim/control/scheduler/schedule.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "fixtures.h"

namespace ksim::control::scheduler {
namespace {

using namespace testing;
using Names = std::vector<std::string>;

const PluginScore& plugin(const NodeScore& s, std::string_view name) {
  for (const auto& p : s.plugins) {
    if (p.plugin == name) return p;
  }
  throw std::runtime_error("no plugin " + std::string(name));
}

TEST(SchedulePod, NoNodes) {
  const auto d = schedule_pod(pod(100, kMi), {});
  EXPECT_EQ(d.reason, DecisionReason::kNoNodes);
  EXPECT_EQ(d.message, "no nodes available to schedule pods");
  EXPECT_FALSE(d.schedulable());
}

TEST(SchedulePod, OnlyFeasibleNodeIsBoundWithoutScoring) {
  std::vector<Node> nodes{node("n1", 2000, 4 * kGi), node("n2", 50, 4 * kGi)};
  const auto d = schedule_pod(pod(100, kMi), nodes);
  EXPECT_EQ(d.reason, DecisionReason::kOnlyFeasible);
  EXPECT_EQ(d.best_nodes, Names{"n1"});
  EXPECT_TRUE(d.scores.empty());
  ASSERT_EQ(d.rejections.size(), 1u);
  EXPECT_EQ(d.rejections[0].node, "n2");
  EXPECT_EQ(d.message,
            "n1 is the only node of 2 that passes the filters; the scheduler binds it without "
            "scoring.");
}

TEST(SchedulePod, TiesAreReturnedWhole) {
  std::vector<Node> nodes{node("n1", 2000, 4 * kGi), node("n2", 2000, 4 * kGi),
                          node("n3", 2000, 4 * kGi)};
  const auto d = schedule_pod(pod(100, 128 * kMi), nodes);
  EXPECT_EQ(d.reason, DecisionReason::kTiedNodes);
  EXPECT_EQ(d.best_nodes, (Names{"n1", "n2", "n3"}));
  // TaintToleration 3 x 100 + NodeResourcesFit 1 x 95 + BalancedAllocation 1 x 99:
  // fit cpu (2000 - 100) x 100 / 2000 = 95, memory (4096 - 128) x 100 / 4096 = 96, (95 + 96) / 2;
  // balanced |0.05 - 0.03125| / 2 = 0.009375 -> 99.06 -> 99.
  EXPECT_EQ(d.best_total, 494);
  EXPECT_EQ(d.message,
            "3 nodes tie at the highest total score, 494, of 3 feasible nodes (3 in the cluster): "
            "n1, n2, n3; the scheduler picks one of them uniformly at random.");
}

TEST(SchedulePod, PerPluginScoresInUpstreamOrderWithWeights) {
  std::vector<Node> nodes{node("n1", 2000, 4 * kGi), node("n2", 2000, 4 * kGi)};
  nodes[1].pods = {placed(1000, 2 * kGi)};
  const auto d = schedule_pod(pod(100, 128 * kMi), nodes);
  ASSERT_EQ(d.reason, DecisionReason::kBestNode);
  EXPECT_EQ(d.best_nodes, Names{"n1"});
  ASSERT_EQ(d.scores.size(), 2u);
  const Names order{"TaintToleration",   "NodeAffinity",     "NodeResourcesFit",
                    "PodTopologySpread", "InterPodAffinity", "NodeResourcesBalancedAllocation",
                    "ImageLocality"};
  Names got;
  for (const auto& p : d.scores[1].plugins) got.emplace_back(p.plugin);
  EXPECT_EQ(got, order);
  const NodeScore& n2 = d.scores[1];
  EXPECT_EQ(plugin(n2, "TaintToleration").weighted, 300);
  EXPECT_TRUE(plugin(n2, "NodeAffinity").skipped);
  EXPECT_TRUE(plugin(n2, "PodTopologySpread").skipped);  // no spread selector
  EXPECT_TRUE(plugin(n2, "InterPodAffinity").skipped);
  // fit: cpu (2000 - 1100) x 100 / 2000 = 45, memory (4096 - 2176) x 100 / 4096 = 46 -> 45
  EXPECT_EQ(plugin(n2, "NodeResourcesFit").normalized, 45);
  // balanced: 1100/2000 = 0.55, 2176/4096 = 0.53125, std 0.009375 -> 99
  EXPECT_EQ(plugin(n2, "NodeResourcesBalancedAllocation").weighted, 99);
  EXPECT_EQ(plugin(n2, "ImageLocality").weighted, 0);
  EXPECT_EQ(n2.total, 300 + 45 + 99);
  EXPECT_EQ(d.scores[0].total, 494);
  EXPECT_EQ(d.message,
            "n1 has the highest total score, 494, of 2 feasible nodes (2 in the cluster).");
}

TEST(SchedulePod, PreferredAffinityAndPreferNoScheduleTaintsMoveTheChoice) {
  std::vector<Node> nodes{node("n1", 2000, 4 * kGi), node("n2", 2000, 4 * kGi)};
  nodes[0].labels["disk"] = "ssd";
  Pod p = pod(100, 128 * kMi);
  p.preferred_terms = {{10, NodeSelectorTerm{{{"disk", SelectorOp::kIn, {"ssd"}}}}}};
  auto d = schedule_pod(p, nodes);
  EXPECT_EQ(d.best_nodes, Names{"n1"});
  EXPECT_EQ(plugin(d.scores[0], "NodeAffinity").weighted, 200);  // 2 x 100
  EXPECT_EQ(plugin(d.scores[1], "NodeAffinity").weighted, 0);
  // A PreferNoSchedule taint on n1 costs it 3 x 100 and outweighs the affinity.
  nodes[0].taints = {{"spot", "true", TaintEffect::kPreferNoSchedule}};
  d = schedule_pod(p, nodes);
  EXPECT_EQ(d.best_nodes, Names{"n2"});
  EXPECT_EQ(plugin(d.scores[0], "TaintToleration").normalized, 0);
  EXPECT_EQ(plugin(d.scores[1], "TaintToleration").normalized, 100);
}

TEST(SchedulePod, UnschedulableWithAMixedHistogram) {
  std::vector<Node> nodes{node("cordoned", 2000, 8 * kGi), node("tainted", 2000, 8 * kGi),
                          node("amd64-1", 2000, 8 * kGi),  node("amd64-2", 2000, 8 * kGi),
                          node("busy", 2000, 8 * kGi),     node("full", 2000, 8 * kGi)};
  for (auto& n : nodes) n.labels["kubernetes.io/arch"] = "arm64";
  nodes[0].unschedulable = true;
  nodes[1].taints = {{"dedicated", "kafka", TaintEffect::kNoSchedule}};
  nodes[2].labels["kubernetes.io/arch"] = "amd64";
  nodes[3].labels["kubernetes.io/arch"] = "amd64";
  nodes[4].pods = {placed(1600, kGi)};
  nodes[5].pods = {placed(1800, 7 * kGi)};
  Pod p = pod(500, 2 * kGi);
  p.node_selector = {{"kubernetes.io/arch", "arm64"}};
  const auto d = schedule_pod(p, nodes);
  EXPECT_EQ(d.reason, DecisionReason::kUnschedulable);
  EXPECT_FALSE(d.schedulable());
  EXPECT_EQ(d.rejections.size(), 6u);
  EXPECT_EQ(d.message,
            "0/6 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint(s), "
            "1 node(s) were unschedulable, 2 Insufficient cpu, 2 node(s) didn't match Pod's node "
            "affinity/selector.");
  // Fit rejections could be resolved by preemption, but no pod has a lower priority.
  EXPECT_EQ(d.event_message,
            d.message +
                " preemption: 0/6 nodes are available: 2 No preemption victims found for incoming "
                "pod, 4 Preemption is not helpful for scheduling.");
  SchedulerConfig older;
  older.taint_details_in_reason = true;
  EXPECT_EQ(schedule_pod(p, nodes, older).message,
            "0/6 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint "
            "{dedicated: kafka}, 1 node(s) were unschedulable, 2 Insufficient cpu, 2 node(s) "
            "didn't match Pod's node affinity/selector.");
}

// kSummary keeps no record per node but gives the same texts and plugins.
TEST(SchedulePod, SummaryDetailGivesTheSameMessages) {
  std::vector<Node> nodes{node("cordoned", 2000, 8 * kGi), node("tainted", 2000, 8 * kGi),
                          node("busy", 2000, 8 * kGi), node("full", 2000, 8 * kGi)};
  nodes[0].unschedulable = true;
  nodes[1].taints = {{"dedicated", "kafka", TaintEffect::kNoSchedule}};
  nodes[2].pods = {placed(1600, kGi)};
  nodes[3].pods = {placed(1800, 7 * kGi)};
  const Pod p = pod(500, 2 * kGi);
  const auto full = schedule_pod(p, nodes);
  const auto brief = schedule_pod(p, nodes, {}, 0, RejectionDetail::kSummary);
  ASSERT_EQ(full.reason, DecisionReason::kUnschedulable);
  EXPECT_EQ(brief.reason, full.reason);
  EXPECT_EQ(brief.message, full.message);
  EXPECT_EQ(brief.event_message, full.event_message);
  EXPECT_TRUE(brief.rejections.empty());
  EXPECT_EQ(full.rejections.size(), 4u);
  EXPECT_EQ(brief.rejecting_plugins, full.rejecting_plugins);
  EXPECT_EQ(full.rejecting_plugins, (std::vector<std::string_view>{
                                        kNodeUnschedulable, kTaintToleration, kNodeResourcesFit}));
}

TEST(SchedulePod, LargeClustersStopAfterEnoughFeasibleNodesFromTheStartIndex) {
  std::vector<Node> nodes;
  for (int i = 0; i < 120; ++i) nodes.push_back(node("n" + std::to_string(i), 2000, 4 * kGi));
  // 120 nodes: max(50 - 0, 5) % of 120 = 60, raised to the floor of 100.
  auto d = schedule_pod(pod(100, kMi), nodes, {}, 50);
  EXPECT_EQ(d.evaluated_nodes, 100u);
  EXPECT_EQ(d.scores.size(), 100u);
  EXPECT_EQ(d.next_start_index, 30u);  // (50 + 100) % 120
  // Unschedulable: every node is evaluated.
  d = schedule_pod(pod(5000, kMi), nodes, {}, 50);
  EXPECT_EQ(d.evaluated_nodes, 120u);
  EXPECT_EQ(d.next_start_index, 50u);
  EXPECT_EQ(d.message, "0/120 nodes are available: 120 Insufficient cpu.");
}

}  // namespace
}  // namespace ksim::control::scheduler
