// The disruption pass (disruption.h) on hand-computed tables: consolidateAfter
// gating, the validation delay, budgets, PDB and do-not-disrupt blocking,
// emptiness, strictly cheaper single-node replacement, multi-node 2 -> 1.
#include "ksim/control/karpenter/disruption.h"

#include <gtest/gtest.h>

#include "disruption_fixtures.h"

namespace ksim::control::karpenter {
namespace {

using namespace testing;

const Requirement kOnDemand = req(std::string(kLabelCapacityType), Operator::kIn, {"on-demand"});
const Requirement kArm = req(std::string(kLabelArch), Operator::kIn, {"arm64"});

TEST(KarpenterDisruption, ConsolidateAfterGatesOnTheLastPodEventToTheSecond) {
  struct Row {
    std::int64_t now_s;
    bool command;
  };
  // Last pod event at t = 100 s, consolidateAfter 30 s: consolidatable from 130 s.
  for (const Row r : {Row{100, false}, Row{129, false}, Row{130, true}, Row{400, true}}) {
    auto in = dinput(r.now_s, {dpool("default", {kArm}, 30)},
                     {knode("k1", "m7g.large", "on-demand", {}, 100)});
    const auto d = disrupt(in);
    EXPECT_EQ(d.command.has_value(), r.command) << r.now_s;
    if (!r.command) {
      ASSERT_EQ(d.not_candidates.size(), 1u);
      EXPECT_EQ(d.not_candidates[0].reason, "not consolidatable for " +
                                                std::to_string(130 - r.now_s) +
                                                " s more (consolidateAfter 30 s, idle " +
                                                std::to_string(r.now_s - 100) + " s)");
    }
  }
  auto in =
      dinput(130, {dpool("default", {kArm}, 30)}, {knode("k1", "m7g.large", "on-demand", {}, 100)});
  const auto d = disrupt(in);
  ASSERT_TRUE(d.command);
  EXPECT_EQ(d.command->method, DisruptionMethod::kEmptiness);
  EXPECT_EQ(d.command->message, "node k1 empty for 30 s: delete, saves $0.0816/h");
  EXPECT_EQ(d.command->validate_at_us, 145 * kSec);
  // No last pod event: the Initialized time (t = 0) counts.
  auto fresh =
      dinput(29, {dpool("default", {kArm}, 30)}, {knode("k1", "m7g.large", "on-demand", {})});
  fresh.nodes[0].last_pod_event_us.reset();
  EXPECT_FALSE(disrupt(fresh).command);
  fresh.now_us = 30 * kSec;
  EXPECT_TRUE(disrupt(fresh).command);
  // consolidateAfter Never: nothing, not even emptiness.
  auto never =
      dinput(1000, {dpool("default", {kArm}, 30)}, {knode("k1", "m7g.large", "on-demand", {})});
  never.node_pools[0].disruption.consolidate_after.reset();
  EXPECT_FALSE(disrupt(never).command);
}

TEST(KarpenterDisruption, ValidationKeepsTheCommandUnlessAPodLanded) {
  auto in =
      dinput(130, {dpool("default", {kArm}, 30)}, {knode("k1", "m7g.large", "on-demand", {}, 100)});
  const auto cmd = *disrupt(in).command;
  in.now_us = 144 * kSec;
  EXPECT_EQ(validate(cmd, in).outcome, ValidationOutcome::kNotDue);
  in.now_us = 145 * kSec;
  const auto kept = validate(cmd, in);
  EXPECT_EQ(kept.outcome, ValidationOutcome::kValid);
  ASSERT_TRUE(kept.command);
  // A pod was scheduled onto k1 at 140 s: no longer empty, the command is dropped.
  in.nodes[0].pods = {pod("late", 100, 128 * kMi)};
  in.nodes[0].last_pod_event_us = 140 * kSec;
  const auto dropped = validate(cmd, in);
  EXPECT_EQ(dropped.outcome, ValidationOutcome::kInvalid);
  EXPECT_EQ(dropped.reason,
            "candidate k1 is no longer valid: not consolidatable for 25 s more (consolidateAfter "
            "30 s, idle 5 s)");
  // With consolidateAfter 0 the emptiness check itself drops it.
  in.node_pools[0].disruption.consolidate_after = std::chrono::seconds{0};
  EXPECT_EQ(validate(cmd, in).reason,
            "candidate k1 is no longer valid: not empty (1 reschedulable pod)");
}

TEST(KarpenterDisruption, EmptinessDeletesSeveralAtOnceWithinTheBudget) {
  NodePool p = dpool("default", {kArm}, 0);
  p.disruption.budgets = {Budget{"2", std::nullopt, std::nullopt, {}}};
  auto in =
      dinput(60, {p},
             {knode("k3", "m7g.large", "on-demand", {}), knode("k1", "t4g.medium", "spot", {}),
              knode("k2", "m7g.large", "on-demand", {})});
  const auto d = disrupt(in);
  ASSERT_TRUE(d.command);
  ASSERT_EQ(d.command->candidates.size(), 2u);
  EXPECT_EQ(d.command->candidates[0].node, "k1");
  EXPECT_EQ(d.command->candidates[1].node, "k2");
  EXPECT_EQ(d.command->message,
            "delete 2 empty nodes: k1 (empty for 60 s), k2 (empty for 60 s), saves $0.0917/h");
  // Budget "0" blocks; one node already disrupting eats a slot of "2".
  in.node_pools[0].disruption.budgets[0].nodes = "0";
  EXPECT_FALSE(disrupt(in).command);
  in.node_pools[0].disruption.budgets[0].nodes = "2";
  in.nodes[0].marked_for_deletion = true;
  const auto one = disrupt(in);
  ASSERT_TRUE(one.command);
  EXPECT_EQ(one.command->candidates.size(), 1u);
}

TEST(KarpenterDisruption, PdbAndDoNotDisruptBlockCandidates) {
  PodView guarded = pod("guarded", 100, 128 * kMi);
  guarded.pdb_blocked = true;
  PodView pinned = pod("pinned", 100, 128 * kMi);
  pinned.do_not_disrupt = true;
  auto in = dinput(100, {dpool("default", {kArm}, 0)},
                   {knode("k1", "m7g.large", "on-demand", {guarded}),
                    knode("k2", "m7g.large", "on-demand", {pinned}),
                    knode("k3", "m7g.large", "on-demand", {}), mng_node("mng-1", 1500)});
  in.nodes[2].do_not_disrupt = true;
  const auto d = disrupt(in);
  EXPECT_FALSE(d.command);
  ASSERT_EQ(d.not_candidates.size(), 3u);
  EXPECT_EQ(d.not_candidates[0].reason, "a PDB prevents evicting pod shop/guarded");
  EXPECT_EQ(d.not_candidates[1].reason,
            "pod shop/pinned has \"karpenter.sh/do-not-disrupt\" annotation");
  EXPECT_EQ(d.not_candidates[2].reason,
            "disruption is blocked through the \"karpenter.sh/do-not-disrupt\" annotation");
  // Lift the PDB: k1's pod fits on the managed node group's node -> delete k1.
  in.nodes[0].pods[0].pdb_blocked = false;
  const auto freed = disrupt(in);
  ASSERT_TRUE(freed.command);
  EXPECT_EQ(freed.command->method, DisruptionMethod::kSingleNodeConsolidation);
  EXPECT_EQ(freed.command->message,
            "delete node k1 (1 x m7g.large): its pods fit on other nodes, saves $0.0816/h");
}

TEST(KarpenterDisruption, SingleNodeReplacesOnlyWithAStrictlyCheaperNode) {
  // m7g.large on-demand ($0.0816) with 1500m: t4g.medium on-demand ($0.0336) holds it.
  auto in = dinput(100, {dpool("default", {kArm, kOnDemand}, 0)},
                   {knode("k1", "m7g.large", "on-demand", {pod("a", 1500, 1 * kGi)})});
  const auto d = disrupt(in);
  ASSERT_TRUE(d.command);
  EXPECT_EQ(d.command->decision, CommandDecision::kReplace);
  ASSERT_EQ(d.command->replacements.size(), 1u);
  EXPECT_EQ(d.command->replacements[0].launch.instance_type, "t4g.medium");
  EXPECT_NEAR(d.command->savings_per_hour, 0.0816 - 0.0336, 1e-9);
  EXPECT_EQ(d.command->message,
            "replace 1 x m7g.large (k1, $0.0816/h) by 1 x t4g.medium on-demand in ap-northeast-2a "
            "at $0.0336/h, saves $0.0480/h");
  // The same pod on a t4g.medium ($0.0336): the cheapest fitting type costs the
  // same, which is not strictly cheaper -> no replacement.
  in.nodes = {knode("k1", "t4g.medium", "on-demand", {pod("a", 1500, 1 * kGi)})};
  const auto same = disrupt(in);
  EXPECT_FALSE(same.command);
  ASSERT_FALSE(same.not_candidates.empty());
  EXPECT_EQ(same.not_candidates.back().reason, "Can't replace with a cheaper node");
}

TEST(KarpenterDisruption, OnDemandReplacementIsPinnedToSpotAndSpotToSpotIsGated) {
  const Requirement both =
      req(std::string(kLabelCapacityType), Operator::kIn, {"spot", "on-demand"});
  auto in = dinput(100, {dpool("default", {kArm, both}, 0)},
                   {knode("k1", "m7g.large", "on-demand", {pod("a", 1500, 1 * kGi)})});
  const auto d = disrupt(in);
  ASSERT_TRUE(d.command);
  const auto& r = d.command->replacements.at(0);
  EXPECT_EQ(r.launch.capacity_type, CapacityType::kSpot);
  EXPECT_FALSE(r.requirements.allows(kLabelCapacityType, "on-demand"));
  // A spot candidate: spot-to-spot is off by default.
  in.nodes = {knode("k1", "m7g.large", "spot", {pod("a", 1500, 1 * kGi)})};
  const auto s = disrupt(in);
  EXPECT_FALSE(s.command);
  EXPECT_EQ(s.not_candidates.back().reason,
            "SpotToSpotConsolidation is disabled, can't replace a spot node with a spot node");
  // With the gate on, a single node still needs 15 cheaper types: spot worst
  // prices below $0.0340 leave t4g.medium ($0.0110) and c7g.large ($0.0300).
  in.options.spot_to_spot_consolidation = true;
  EXPECT_EQ(disrupt(in).not_candidates.back().reason,
            "SpotToSpotConsolidation requires 15 cheaper instance type options than the current "
            "candidate to consolidate, got 2");
}

TEST(KarpenterDisruption, MovedPodsSkipNodesInsideConsolidateAfter) {
  // k1's pod would fit on k2, but k2 had a pod event 10 s ago (consolidateAfter
  // 60 s): the pod may not move there, so k1 is replaced instead of deleted.
  auto in = dinput(100, {dpool("default", {kArm, kOnDemand}, 60)},
                   {knode("k1", "m7g.large", "on-demand", {pod("a", 500, 1 * kGi)}, 0),
                    knode("k2", "m7g.large", "on-demand", {pod("b", 100, 1 * kGi)}, 90)});
  in.node_pools[0].disruption.budgets[0].nodes = "100%";
  const auto d = disrupt(in);
  ASSERT_TRUE(d.command);
  EXPECT_EQ(d.command->candidates.at(0).node, "k1");
  EXPECT_EQ(d.command->decision, CommandDecision::kReplace);
  in.now_us = 150 * kSec;  // k2 past its window too: both are candidates now
  const auto later = disrupt(in);
  ASSERT_TRUE(later.command);
  EXPECT_EQ(later.command->method, DisruptionMethod::kMultiNodeConsolidation);
}

TEST(KarpenterDisruption, MultiNodeReplacesTwoNodesByOneCheaperNode) {
  // 2 x m5.large on-demand ($0.1180 each) with 1200m / 2Gi each: together
  // 2400m, which only m7g.xlarge ($0.1632) holds; 0.2360 − 0.1632 = 0.0728.
  auto in = dinput(100, {dpool("default", {kOnDemand}, 0)},
                   {knode("k1", "m5.large", "on-demand", {pod("a", 1200, 2 * kGi)}),
                    knode("k2", "m5.large", "on-demand", {pod("b", 1200, 2 * kGi)})});
  // The default budget, 10 % of 2 nodes, rounds up to 1: one node at a time,
  // so single-node consolidation replaces k1 alone.
  const auto one = disrupt(in);
  ASSERT_TRUE(one.command);
  EXPECT_EQ(one.command->method, DisruptionMethod::kSingleNodeConsolidation);
  EXPECT_EQ(one.command->candidates.size(), 1u);
  in.node_pools[0].disruption.budgets[0].nodes = "2";
  const auto d = disrupt(in);
  ASSERT_TRUE(d.command);
  EXPECT_EQ(d.command->method, DisruptionMethod::kMultiNodeConsolidation);
  EXPECT_EQ(d.command->reason, DisruptionReason::kUnderutilized);
  EXPECT_EQ(d.command->message,
            "replace 2 x m5.large (k1, k2, $0.2360/h) by 1 x m7g.xlarge on-demand in "
            "ap-northeast-2a at $0.1632/h, saves $0.0728/h");
  EXPECT_EQ(d.command->replacements.at(0).instance_types, (std::vector<std::string>{"m7g.xlarge"}));
  // Validation re-simulates: still valid when nothing changed.
  in.now_us = d.command->validate_at_us;
  EXPECT_EQ(validate(*d.command, in).outcome, ValidationOutcome::kValid);
  // A third pod (2000m) lands on k1 (consolidateAfter 0): 4400m no longer fit
  // one m7g.xlarge (3920m), two new nodes would be needed -> dropped.
  in.nodes[0].pods.push_back(pod("c", 2000, 2 * kGi));
  EXPECT_EQ(validate(*d.command, in).outcome, ValidationOutcome::kInvalid);
}

TEST(KarpenterDisruption, DisruptionCostWeighsPodsPriorityAndLifetime) {
  PodView p = pod("a", 100, kMi);
  EXPECT_DOUBLE_EQ(eviction_cost(p), 1.0);
  p.priority = 1 << 25;
  EXPECT_DOUBLE_EQ(eviction_cost(p), 2.0);
  p.deletion_cost = -(1LL << 28);
  EXPECT_DOUBLE_EQ(eviction_cost(p), 0.0);
  p.priority = 2000000000;  // system-cluster-critical: clamped
  EXPECT_DOUBLE_EQ(eviction_cost(p), 10.0);
  ExistingNode n = knode("k1", "m7g.large", "on-demand", {});
  n.expire_after = std::chrono::hours{720};
  EXPECT_DOUBLE_EQ(lifetime_remaining(n, 180LL * 3600 * kSec), 0.75);
  EXPECT_DOUBLE_EQ(lifetime_remaining(n, 800LL * 3600 * kSec), 0.0);
  n.expire_after.reset();
  EXPECT_DOUBLE_EQ(lifetime_remaining(n, 800LL * 3600 * kSec), 1.0);
  const auto expired =
      expired_nodes({knode("old", "m7g.large", "on-demand", {})}, 720LL * 3600 * kSec);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].node, "old");
}

}  // namespace
}  // namespace ksim::control::karpenter
