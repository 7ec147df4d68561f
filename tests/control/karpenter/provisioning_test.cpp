// The provisioning decision (provisioning.h) on hand-computed tables: queue
// order, existing nodes first, packing, narrowing, weights, limits, daemon
// overhead, selectors, minValues, the unschedulable reasons.
#include "ksim/control/karpenter/provisioning.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace ksim::control::karpenter {
namespace {

using namespace testing;
using Names = std::vector<std::string>;

const Requirement kArm = req(std::string(kLabelArch), Operator::kIn, {"arm64"});
const Requirement kSpotOrOd =
    req(std::string(kLabelCapacityType), Operator::kIn, {"spot", "on-demand"});

ProvisioningInput input(std::vector<PodView> pods, std::vector<NodePool> pools) {
  ProvisioningInput in;
  in.pods = std::move(pods);
  in.node_pools = std::move(pools);
  in.instance_types = catalog();
  return in;
}

ExistingNode node(std::string name, std::int64_t free_cpu, bool initialized = true) {
  ExistingNode n;
  n.name = std::move(name);
  n.labels = {{std::string(kLabelArch), "arm64"}};
  n.capacity = {2000, 8 * kGi, 29};
  n.allocatable = {1930, 6844 * kMi, 29};
  n.requested = {1930 - free_cpu, 1 * kGi, 5};
  n.initialized = initialized;
  return n;
}

TEST(KarpenterProvisioning, QueueOrderIsCpuThenMemoryDescendingThenCreation) {
  const Names order = pod_order({pod("a", 100, 128 * kMi, 1), pod("b", 500, 64 * kMi),
                                 pod("c", 500, 256 * kMi), pod("d", 100, 128 * kMi, 0)});
  EXPECT_EQ(order, (Names{"shop/c", "shop/b", "shop/d", "shop/a"}));
}

TEST(KarpenterProvisioning, ExistingNodeWithRoomBeforeANewClaimInitializedFirst) {
  auto in = input({pod("a", 500, 256 * kMi)}, {pool("default", 0, {kArm})});
  in.nodes = {node("a-booting", 1000, false), node("b-ready", 1000), node("c-full", 100)};
  const auto r = provision(in);
  ASSERT_EQ(r.placements.size(), 1u);
  EXPECT_EQ(r.placements[0].kind, PlacementKind::kExistingNode);
  EXPECT_EQ(r.placements[0].target, "b-ready");  // initialized before a-booting
  EXPECT_TRUE(r.new_claims.empty());
}

TEST(KarpenterProvisioning, FirstFitDecreasingFillsTheBigPodFirst) {
  // One node with 1000m free: FFD gives it to the 800m pod; 300m + 600m need a claim.
  auto in = input({pod("small", 300, kMi), pod("big", 800, kMi), pod("mid", 600, kMi)},
                  {pool("default", 0, {kArm})});
  in.nodes = {node("n1", 1000)};
  const auto r = provision(in);
  ASSERT_EQ(r.placements.size(), 3u);
  EXPECT_EQ(r.placements[0].pod, "shop/big");
  EXPECT_EQ(r.placements[0].target, "n1");
  EXPECT_EQ(r.placements[1].pod, "shop/mid");
  EXPECT_EQ(r.placements[1].kind, PlacementKind::kNewNodeClaim);
  EXPECT_EQ(r.placements[2].pod, "shop/small");
  EXPECT_EQ(r.placements[2].target, r.placements[1].target);
  ASSERT_EQ(r.new_claims.size(), 1u);
  EXPECT_EQ(r.new_claims[0].pods, (Names{"shop/mid", "shop/small"}));
}

TEST(KarpenterProvisioning, InstanceTypesNarrowAsPodsAreAddedAndTheCheapestLaunches) {
  auto in = input({pod("a", 1000, 3 * kGi), pod("b", 500, 1 * kGi)},
                  {pool("default", 0, {kArm, kSpotOrOd})});
  const auto r = provision(in);
  ASSERT_EQ(r.new_claims.size(), 1u);
  const auto& c = r.new_claims[0];
  // a (1000m, 3072Mi): c7g.large (3055Mi) is out. a + b (1500m, 4096Mi): t4g.medium
  // (3187Mi) is out too.
  EXPECT_EQ(c.instance_types, (Names{"m7g.large", "m7g.xlarge"}));
  EXPECT_EQ(c.pod_requests, (Resources{1500, 4 * kGi, 2}));
  EXPECT_EQ(c.message,
            "pods shop/a, shop/b unschedulable: new NodeClaim from NodePool default: m7g.large "
            "spot in ap-northeast-2c at $0.0321/h, cheapest of 2 fitting types");
  // With a alone the claim would still hold t4g.medium.
  const auto alone = provision(input({pod("a", 1000, 3 * kGi)}, {pool("default", 0, {kArm})}));
  EXPECT_EQ(alone.new_claims[0].instance_types, (Names{"t4g.medium", "m7g.large", "m7g.xlarge"}));
}

TEST(KarpenterProvisioning, HighestWeightNodePoolFirstTiesByNameDescending) {
  EXPECT_EQ(nodepool_order({pool("a"), pool("b", 10), pool("c", 10)}), (Names{"c", "b", "a"}));
  const auto r = provision(input({pod("a", 100, kMi)}, {pool("low", 10), pool("high", 50)}));
  ASSERT_EQ(r.new_claims.size(), 1u);
  EXPECT_EQ(r.new_claims[0].nodepool, "high");
}

TEST(KarpenterProvisioning, ExhaustedNodeLimitSkipsThePoolForTheNextOne) {
  auto limited = pool("primary", 50, {kArm});
  limited.limits.nodes = 1;
  auto in = input({pod("a", 100, kMi)}, {limited, pool("fallback", 0, {kArm})});
  auto n = node("n1", 0);
  n.nodepool = "primary";
  in.nodes = {n};
  const auto r = provision(in);
  ASSERT_EQ(r.new_claims.size(), 1u);
  EXPECT_EQ(r.new_claims[0].nodepool, "fallback");
  in.node_pools = {limited};
  const auto blocked = provision(in);
  ASSERT_EQ(blocked.unschedulable, 1u);
  EXPECT_EQ(blocked.placements[0].message,
            "Failed to schedule pod, node limits have been exhausted for nodepool: \"primary\"");
}

TEST(KarpenterProvisioning, CpuLimitSubtractsTheLargestCandidatePerNewClaim) {
  auto p = pool("default", 0, {kArm});
  p.limits.cpu_milli = 4000;
  // a, b share a claim (3000m -> only m7g.xlarge); c needs a second claim, but the
  // first one counted as its largest option (4000m): nothing remains.
  const auto r = provision(
      input({pod("a", 1500, kMi, 0), pod("b", 1500, kMi, 1), pod("c", 1500, kMi, 2)}, {p}));
  ASSERT_EQ(r.new_claims.size(), 1u);
  EXPECT_EQ(r.new_claims[0].instance_types, Names{"m7g.xlarge"});
  ASSERT_EQ(r.unschedulable, 1u);
  EXPECT_EQ(r.placements.back().pod, "shop/c");
  EXPECT_EQ(r.placements.back().message,
            "Failed to schedule pod, all available instance types exceed limits for nodepool: "
            "\"default\"");
}

TEST(KarpenterProvisioning, PodIncompatibleWithEveryNodePoolSaysWhy) {
  auto p = pod("x86", 100, kMi);
  p.node_selector = {{std::string(kLabelArch), "amd64"}};
  auto q = pod("team", 100, kMi);
  q.node_selector = {{"team", "payments"}};
  const auto r = provision(input({p, q}, {pool("default", 0, {kArm})}));
  ASSERT_EQ(r.unschedulable, 2u);
  // Equal requests and creation time: UID order ("shop/team" < "shop/x86").
  EXPECT_EQ(r.placements[0].pod, "shop/team");
  EXPECT_EQ(r.placements[1].message,
            "Failed to schedule pod, incompatible with nodepool \"default\", daemonset "
            "overhead={}, incompatible requirements, key kubernetes.io/arch, kubernetes.io/arch "
            "In [amd64] not in kubernetes.io/arch In [arm64]");
  EXPECT_EQ(r.placements[0].message,
            "Failed to schedule pod, incompatible with nodepool \"default\", daemonset "
            "overhead={}, incompatible requirements, label \"team\" does not have known values");
}

TEST(KarpenterProvisioning, DaemonSetOverheadReducesTheRoomOfEveryNewNode) {
  auto in = input({pod("a", 1800, kMi)}, {pool("default", 0, {kArm})});
  EXPECT_EQ(provision(in).new_claims[0].instance_types,
            (Names{"t4g.medium", "m7g.large", "m7g.xlarge", "c7g.large"}));
  in.daemonsets = {DaemonSetView{"kube-system", "aws-node", 200, 256 * kMi, {}, {}, {}}};
  const auto r = provision(in);
  // 1800m + 200m > 1930m: only the 4-vCPU type is left.
  EXPECT_EQ(r.new_claims[0].instance_types, Names{"m7g.xlarge"});
  EXPECT_EQ(r.new_claims[0].daemon_overhead, (Resources{200, 256 * kMi, 1}));
  // A DaemonSet that does not tolerate the pool's taint adds nothing.
  auto tainted = pool("default", 0, {kArm});
  tainted.taints = {Taint{"dedicated", "shop", TaintEffect::kNoSchedule}};
  EXPECT_EQ(daemon_overhead(tainted, catalog()[1], in.daemonsets), Resources{});
  EXPECT_EQ(daemon_overhead(pool("default"), catalog()[1], in.daemonsets),
            (Resources{200, 256 * kMi, 1}));
}

TEST(KarpenterProvisioning, ArchAndZoneFromNodeSelectorsNarrowAndPlace) {
  auto p = pod("a", 500, kMi);
  p.node_selector = {{std::string(kLabelArch), "amd64"}, {std::string(kLabelZone), kZoneA}};
  const auto r = provision(input({p}, {pool("default", 0, {kSpotOrOd})}));
  ASSERT_EQ(r.new_claims.size(), 1u);
  EXPECT_EQ(r.new_claims[0].instance_types, Names{"m5.large"});
  EXPECT_EQ(r.new_claims[0].launch.zone, kZoneA);
  EXPECT_DOUBLE_EQ(r.new_claims[0].launch.price_per_hour, 0.0400);
}

TEST(KarpenterProvisioning, MinValuesStrictRefusesBestEffortRelaxes) {
  auto p = pool("default", 0,
                {req(std::string(kLabelInstanceFamily), Operator::kIn, {"m7g", "c7g", "t4g"}, 2)});
  // 3584Mi: only the m7g types hold it, one family of the two required.
  auto in = input({pod("a", 1500, 3584 * kMi)}, {p});
  const auto strict = provision(in);
  ASSERT_EQ(strict.unschedulable, 1u);
  EXPECT_NE(
      strict.placements[0].message.find(
          "minValues requirement is not met for label(s) [karpenter.k8s.aws/instance-family]"),
      std::string::npos);
  in.min_values_best_effort = true;
  const auto relaxed = provision(in);
  ASSERT_EQ(relaxed.new_claims.size(), 1u);
  EXPECT_EQ(relaxed.new_claims[0].instance_types, (Names{"m7g.large", "m7g.xlarge"}));
  EXPECT_EQ(relaxed.new_claims[0].requirements.get(kLabelInstanceFamily)->min_values, 1);
}

TEST(KarpenterProvisioning, UntoleratedTaintSkipsANodeAndTheRequiredTermsAreTriedInOrder) {
  auto in = input({}, {pool("default", 0, {kArm})});
  auto tainted = node("n1", 1900);
  tainted.taints = {Taint{"dedicated", "batch", TaintEffect::kNoSchedule}};
  in.nodes = {tainted};
  auto p = pod("a", 100, kMi);
  p.required_terms = {{req(std::string(kLabelArch), Operator::kIn, {"s390x"})},
                      {req(std::string(kLabelArch), Operator::kIn, {"arm64"})}};
  in.pods = {p};
  const auto r = provision(in);
  ASSERT_EQ(r.new_claims.size(), 1u);  // not n1; the second term fits the pool
  EXPECT_EQ(r.placements[0].kind, PlacementKind::kNewNodeClaim);
  EXPECT_EQ(r.summary,
            "1 provisionable pod(s): 0 nominated to existing nodes, 0 to in-flight NodeClaims, 1 "
            "packed into 1 new NodeClaim(s), 0 unschedulable");
}

TEST(KarpenterProvisioning, InFlightClaimTakesPodsAndCountsAgainstLimits) {
  auto p = pool("default", 0, {kArm});
  p.limits.cpu_milli = 6000;
  auto in = input({pod("a", 1000, kMi)}, {p});
  InFlightNodeClaim c{
      "default-abc",
      "default",
      {{std::string(kLabelArch), "arm64"}, {std::string(kLabelNodePool), "default"}},
      {},
      {4000, 16 * kGi, 58},
      {3920, 14010 * kMi, 58},
      {3000, kGi, 3}};
  in.in_flight = {c};
  EXPECT_EQ(provision(in).placements[0].kind, PlacementKind::kNewNodeClaim);  // 920m free only
  in.in_flight[0].requested = {2000, kGi, 3};
  const auto r = provision(in);
  EXPECT_EQ(r.placements[0].kind, PlacementKind::kInFlightClaim);
  EXPECT_EQ(r.placements[0].target, "default-abc");
  // 6000m − 4000m in flight = 2000m: a second claim may only use 2-vCPU types.
  in.in_flight[0].requested = {3900, kGi, 3};
  EXPECT_EQ(provision(in).new_claims[0].instance_types,
            (Names{"t4g.medium", "m7g.large", "c7g.large"}));
}

}  // namespace
}  // namespace ksim::control::karpenter
