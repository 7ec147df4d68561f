// nodeGroups[].nodePool / capacityType, nodeAutoscaling and faults: defaults,
// what a NodePool's nodes carry, and the located errors.
#include <gtest/gtest.h>

#include "helpers.h"

namespace ksim::scenario {
namespace {

using testing::errors_of;
using testing::parse_ok;

constexpr std::string_view kWithPool = "manifests: [manifests/, karpenter/]\n";

TEST(NodeAutoscalingReader, Defaults) {
  const Scenario s = parse_ok("");
  EXPECT_EQ(s.node_autoscaling.autoscaler, NodeAutoscalerKind::kAuto);
  EXPECT_EQ(s.node_autoscaling.ca_scan_interval, std::chrono::seconds{10});
  EXPECT_EQ(s.node_autoscaling.ca_scale_down_unneeded_time, std::chrono::minutes{10});
  EXPECT_DOUBLE_EQ(s.node_autoscaling.ca_scale_down_utilization_threshold, 0.5);
  EXPECT_NEAR(s.node_autoscaling.registration_ms.mean(), 30'000, 1e-6);
  EXPECT_TRUE(s.faults.empty());
  EXPECT_EQ(s.node_groups[0].capacity_type, CapacityType::kOnDemand);
  EXPECT_TRUE(s.node_groups[0].node_pool.empty());
}

TEST(NodeAutoscalingReader, EverythingWritten) {
  const Scenario s = parse_ok(R"(nodeGroups: [{name: g, instanceType: m5.large, min: 1, max: 4}]
nodeAutoscaling:
  autoscaler: cluster-autoscaler
  registration: 20s
  initialization: {dist: uniform, min: 5s, max: 15s}
  clusterAutoscaler:
    scanInterval: 20s
    scaleDownUtilizationThreshold: 0.6
    scaleDownUnneededTime: 5m
    scaleDownDelayAfterAdd: 2m
faults:
  - {type: spotInterruption, at: 10s, nodes: 2, nodeGroup: g, notice: 90s, zone: z1}
  - {type: insufficientCapacity, at: 20s, for: 5m, instanceType: m5.large, capacityType: spot}
)");
  const NodeAutoscaling& n = s.node_autoscaling;
  EXPECT_EQ(n.autoscaler, NodeAutoscalerKind::kClusterAutoscaler);
  EXPECT_NEAR(n.registration_ms.mean(), 20'000, 1e-6);
  EXPECT_NEAR(n.initialization_ms.mean(), 10'000, 1e-6);
  EXPECT_EQ(n.ca_scan_interval, std::chrono::seconds{20});
  EXPECT_DOUBLE_EQ(n.ca_scale_down_utilization_threshold, 0.6);
  EXPECT_EQ(n.ca_scale_down_unneeded_time, std::chrono::minutes{5});
  EXPECT_EQ(n.ca_scale_down_delay_after_add, std::chrono::minutes{2});
  ASSERT_EQ(s.faults.size(), 2u);
  const Fault& spot = s.faults[0];
  EXPECT_EQ(spot.kind, FaultKind::kSpotInterruption);
  EXPECT_EQ(spot.at, std::chrono::seconds{10});
  EXPECT_EQ(spot.nodes, 2);
  EXPECT_EQ(spot.notice, std::chrono::seconds{90});
  EXPECT_EQ(spot.node_group, "g");
  EXPECT_EQ(spot.zone, "z1");
  EXPECT_EQ(spot.line, 12);
  const Fault& ice = s.faults[1];
  EXPECT_EQ(ice.kind, FaultKind::kInsufficientCapacity);
  EXPECT_EQ(ice.duration, std::chrono::minutes{5});
  EXPECT_EQ(ice.capacity_type, CapacityType::kSpot);
  // The window is [at, at + for); the filters must all match.
  const Duration t = std::chrono::seconds{30};
  EXPECT_TRUE(ice.denies("m5.large", "z9", CapacityType::kSpot, t));
  EXPECT_FALSE(ice.denies("m5.large", "z9", CapacityType::kOnDemand, t));
  EXPECT_FALSE(ice.denies("m5.xlarge", "z9", CapacityType::kSpot, t));
  EXPECT_FALSE(ice.denies("m5.large", "z9", CapacityType::kSpot, std::chrono::seconds{19}));
  EXPECT_FALSE(ice.denies("m5.large", "z9", CapacityType::kSpot,
                          std::chrono::seconds{20} + std::chrono::minutes{5}));
  EXPECT_FALSE(spot.denies("m5.large", "z1", CapacityType::kSpot, t));
}

TEST(NodeAutoscalingReader, NodePoolGroupCarriesWhatKarpenterWrites) {
  const Scenario s = parse_ok(std::string(kWithPool) + R"(nodeGroups:
  - {name: managed, instanceType: m7g.large, count: 2, labels: {eks.amazonaws.com/capacityType: SPOT}}
  - name: karpenter
    instanceType: m7g.xlarge
    count: 2
    nodePool: default
    capacityType: spot
    zones: [ap-northeast-2a]
    labels: {extra: "yes"}
)");
  ASSERT_EQ(s.node_groups.size(), 2u);
  EXPECT_EQ(s.node_groups[0].capacity_type, CapacityType::kSpot);  // from the EKS label
  EXPECT_TRUE(s.node_groups[0].node_pool.empty());
  const NodeGroup& g = s.node_groups[1];
  EXPECT_EQ(g.node_pool, "default");
  EXPECT_EQ(g.capacity_type, CapacityType::kSpot);
  EXPECT_EQ(g.labels.at("karpenter.sh/nodepool"), "default");
  EXPECT_EQ(g.labels.at("karpenter.sh/capacity-type"), "spot");
  EXPECT_EQ(g.labels.at("karpenter.k8s.aws/instance-family"), "m7g");
  EXPECT_EQ(g.labels.at("karpenter.k8s.aws/instance-category"), "m");
  EXPECT_EQ(g.labels.at("karpenter.k8s.aws/instance-generation"), "7");
  EXPECT_EQ(g.labels.at("karpenter.k8s.aws/instance-size"), "xlarge");
  EXPECT_EQ(g.labels.at("karpenter.k8s.aws/instance-cpu"), "4");
  EXPECT_EQ(g.labels.at("team"), "shop");  // the pool's template label
  EXPECT_EQ(g.labels.at("extra"), "yes");
  ASSERT_EQ(g.taints.size(), 1u);  // the pool's taint
  EXPECT_EQ(g.taints[0], (Taint{"dedicated", "shop", manifest::TaintEffect::kNoSchedule}));
  EXPECT_EQ(s.region, "ap-northeast-2");
}

TEST(NodeAutoscalingReader, Errors) {
  const std::vector<std::string> errors = errors_of(std::string(kWithPool) + R"(nodeGroups:
  - {name: a, instanceType: m7g.large, count: 1, nodePool: nope}
  - {name: b, instanceType: m7g.large, min: 1, max: 3, nodePool: default}
  - {name: c, instanceType: m7g.large, count: 1, capacityType: spot, labels: {eks.amazonaws.com/capacityType: ON_DEMAND}}
nodeAutoscaling:
  autoscaler: karpenterr
  clusterAutoscaler: {scaleDownUtilizationThreshold: 1.5, scanInterval: 0s}
faults:
  - {at: 10s}
  - {type: spotInterruption, at: 2h, nodePool: other, nodeGroup: zz}
  - {type: insufficientCapacity, at: 1s, instanceType: m9.huge, nodes: 2}
duration: 1h
)");
  // In line order (line 1 names the manifests).
  const std::vector<std::string> want = {
      "x.yaml:3: nodeGroups[0].nodePool: no NodePool 'nope' in the manifests",
      "x.yaml:4: nodeGroups[1].min: a NodePool's nodes take only `count` (Karpenter sizes the "
      "pool)",
      "x.yaml:5: nodeGroups[2].capacityType: 'spot' disagrees with the label "
      "eks.amazonaws.com/capacityType: ON_DEMAND",
      "x.yaml:7: nodeAutoscaling.autoscaler: expected auto, none, karpenter or "
      "cluster-autoscaler, got 'karpenterr'",
      "x.yaml:8: nodeAutoscaling.clusterAutoscaler.scanInterval: must be greater than 0",
      "x.yaml:8: nodeAutoscaling.clusterAutoscaler.scaleDownUtilizationThreshold: must be "
      "between 0 and 1, got 1.5",
      "x.yaml:10: faults[0].type: required field missing",
      "x.yaml:11: faults[1].nodePool: no NodePool 'other' in the manifests",
      "x.yaml:11: faults[1].nodeGroup: no node group 'zz'",
      "x.yaml:11: faults[1].at: after the run's end (1h0m0s)",
      "x.yaml:12: faults[2].nodes: unknown field (known: type, at, for, instanceType, zone, "
      "capacityType)",
      "x.yaml:12: faults[2].instanceType: unknown instance type 'm9.huge' (not in the catalog)",
  };
  EXPECT_EQ(errors, want);
}

TEST(NodeAutoscalingReader, AutoscalerNeedsSomethingToScale) {
  EXPECT_EQ(errors_of("nodeAutoscaling: {autoscaler: karpenter}\n"),
            std::vector<std::string>{
                "x.yaml:1: nodeAutoscaling.autoscaler: karpenter needs a NodePool in the "
                "manifests"});
  EXPECT_EQ(errors_of("nodeAutoscaling: {autoscaler: cluster-autoscaler}\n"),
            std::vector<std::string>{"x.yaml:1: nodeAutoscaling.autoscaler: cluster-autoscaler "
                                     "needs a managed node group with min or max other than its "
                                     "count"});
  EXPECT_TRUE(
      errors_of(std::string(kWithPool) + "nodeAutoscaling: {autoscaler: karpenter}\n").empty());
}

}  // namespace
}  // namespace ksim::scenario
