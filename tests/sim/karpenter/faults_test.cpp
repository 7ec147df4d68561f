// The scenario's faults on platform 2 (faults.h, interruption.cpp): spot
// interruptions drain and terminate the longest-running spot nodes and make
// their offering unavailable to Karpenter; insufficient capacity fails a
// launch, marks the offering unavailable for 3 minutes, and the next batch
// launches the next cheapest offering. And the seed's own Karpenter nodes.
#include "ksim/sim/karpenter/faults.h"

#include <gtest/gtest.h>

#include "../cluster/helpers.h"
#include "ksim/sim/karpenter/controller.h"

namespace ksim::karpenter {
namespace {

namespace k = control::karpenter;
using namespace std::chrono_literals;

struct Rig {
  explicit Rig(scenario::Scenario s, KarpenterOptions o = {})
      : scenario(std::move(s)), cluster(sim, scenario), karpenter(sim, cluster, scenario, with(o)) {
    faults.emplace(sim, cluster, scenario, &karpenter,
                   [this](const FaultRecord& r) { fault_records.push_back(r); });
  }
  KarpenterOptions with(KarpenterOptions o) {
    o.faults = scenario.faults;
    o.on_provisioning = [this](const ProvisioningRecord& r) { records.push_back(r); };
    o.on_disruption = [this](const DisruptionRecord& r) { disruptions.push_back(r); };
    return o;
  }
  std::vector<ProvisioningRecord> of(ProvisioningAction a) const {
    std::vector<ProvisioningRecord> out;
    for (const auto& r : records) {
      if (r.action == a) out.push_back(r);
    }
    return out;
  }
  std::vector<ProvisioningRecord> records;
  std::vector<DisruptionRecord> disruptions;
  std::vector<FaultRecord> fault_records;
  scenario::Scenario scenario;
  Simulator sim;
  cluster::Cluster cluster;
  KarpenterController karpenter;
  std::optional<FaultInjector> faults;
};

// Platform 2 whole, its 2 Karpenter nodes on spot, one interruption.
scenario::Scenario spot_platform(std::int32_t nodes) {
  scenario::Scenario s = cluster::testing::platform2_whole();
  for (scenario::NodeGroup& g : s.node_groups) {
    if (g.node_pool.empty()) continue;
    g.capacity_type = scenario::CapacityType::kSpot;
    g.labels["karpenter.sh/capacity-type"] = "spot";
  }
  scenario::Fault f;
  f.kind = scenario::FaultKind::kSpotInterruption;
  f.at = 30s;
  f.nodes = nodes;
  f.node_pool = "default";
  s.faults.push_back(f);
  return s;
}

TEST(Faults, SeedKarpenterNodesAreKarpenters) {
  const scenario::Scenario s = cluster::testing::platform2_whole();
  Simulator sim;
  cluster::Cluster c(sim, s);
  ASSERT_EQ(c.live_nodes().size(), 6u);
  std::size_t karpenters = 0;
  for (const cluster::NodeId id : c.live_nodes()) {
    const cluster::Node& n = c.node(id);
    if (n.node_pool.empty()) {
      EXPECT_EQ(n.group, "managed-arm64");
      continue;
    }
    ++karpenters;
    EXPECT_EQ(n.node_pool, "default");
    EXPECT_TRUE(n.group.empty());  // not the Cluster Autoscaler's
    EXPECT_TRUE(n.ready);
    EXPECT_EQ(n.labels.at("karpenter.sh/nodepool"), "default");
    EXPECT_EQ(n.labels.at("karpenter.k8s.aws/instance-family"), "m7g");
  }
  EXPECT_EQ(karpenters, 2u);
}

TEST(Faults, SpotInterruptionDrainsTerminatesAndMarksTheOffering) {
  KarpenterOptions o;
  o.disruption = false;  // no consolidation in the way
  Rig r(spot_platform(1), o);
  r.sim.run_until(Time{} + 29s);
  EXPECT_TRUE(r.fault_records.empty());
  r.sim.run_until(Time{} + 31s);
  ASSERT_EQ(r.fault_records.size(), 1u);
  const FaultRecord& notice = r.fault_records[0];
  EXPECT_EQ(notice.stage, FaultStage::kNotice);
  EXPECT_EQ(notice.at, Time{} + 30s);
  // The longest-running spot node: the first of the pool's (launched at 0,
  // created first).
  cluster::NodeId target = cluster::kNoNode;
  for (const cluster::NodeId id : r.cluster.live_nodes()) {
    if (!r.cluster.node(id).node_pool.empty() && target == cluster::kNoNode) target = id;
  }
  ASSERT_NE(target, cluster::kNoNode);
  const cluster::Node& n = r.cluster.node(target);
  EXPECT_EQ(notice.node, n.name);
  EXPECT_TRUE(n.unschedulable);
  const std::string zone(r.cluster.zone_name(n.zone));
  EXPECT_EQ(r.karpenter.unavailable_offerings().count(
                k::OfferingKey{"m7g.large", zone, k::CapacityType::kSpot}),
            1u);
  EXPECT_EQ(r.faults->interrupted(), 1u);
  // Two minutes later the instance is gone, drained or not; the other spot
  // node was left alone.
  r.sim.run_until(Time{} + 30s + 2min);
  EXPECT_EQ(n.stage, cluster::NodeStage::kGone);
  EXPECT_LE(n.deleted, Time{} + 30s + 2min);
  EXPECT_EQ(r.cluster.live_nodes().size(), 5u);
  // The cache forgets the offering 3 minutes after the notice.
  r.sim.run_until(Time{} + 30s + 3min + 1s);
  EXPECT_TRUE(r.karpenter.unavailable_offerings().empty());
  // Every product-service pod runs again (on the remaining nodes).
  const auto product = cluster::testing::deployment(r.cluster, "product-service");
  for (const cluster::PodId p : r.cluster.active_pods(product)) {
    EXPECT_TRUE(r.cluster.pod(p).bound) << r.cluster.pod(p).name;
    EXPECT_NE(r.cluster.pod(p).node, target);
  }
}

TEST(Faults, MoreInterruptionsAskedThanSpotNodes) {
  KarpenterOptions o;
  o.disruption = false;
  Rig r(spot_platform(3), o);
  r.sim.run_until(Time{} + 31s);
  ASSERT_EQ(r.fault_records.size(), 3u);
  EXPECT_EQ(r.fault_records[0].stage, FaultStage::kNoTarget);
  EXPECT_NE(r.fault_records[0].message.find("asked for 3 node(s), 2 running spot node(s) match"),
            std::string::npos)
      << r.fault_records[0].message;
  EXPECT_EQ(r.fault_records[1].stage, FaultStage::kNotice);
  EXPECT_EQ(r.fault_records[2].stage, FaultStage::kNotice);
  EXPECT_NE(r.fault_records[1].node, r.fault_records[2].node);
  EXPECT_EQ(r.faults->interrupted(), 2u);
}

// The burst of controller_test (product-service to 80 on the 4 managed
// nodes): first without a fault, to learn the offering Karpenter picks; then
// with that offering out of capacity.
TEST(Faults, InsufficientCapacityFallsBackToTheNextOffering) {
  auto burst = [](scenario::Scenario s) {
    auto r = std::make_unique<Rig>(std::move(s));
    const auto product = cluster::testing::deployment(r->cluster, "product-service");
    r->sim.schedule_at(Time{} + 5s,
                       [rig = r.get(), product] { rig->cluster.set_replicas(product, 80); });
    return r;
  };
  auto clean = burst(cluster::testing::platform2());
  clean->sim.run_until(Time{} + 30s);
  ASSERT_FALSE(clean->of(ProvisioningAction::kLaunched).empty());
  const ProvisioningRecord first = clean->of(ProvisioningAction::kLaunched)[0];

  scenario::Scenario s = cluster::testing::platform2();
  scenario::Fault ice;
  ice.kind = scenario::FaultKind::kInsufficientCapacity;
  ice.at = 0s;
  ice.duration = 30min;
  ice.instance_type = first.instance_type;
  ice.zone = first.zone;
  s.faults.push_back(ice);
  auto r = burst(std::move(s));
  r->sim.run_until(Time{} + 30s);
  const auto failed = r->of(ProvisioningAction::kLaunchFailed);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].instance_type, first.instance_type);
  EXPECT_EQ(failed[0].zone, first.zone);
  EXPECT_NE(failed[0].message.find("InsufficientInstanceCapacity"), std::string::npos)
      << failed[0].message;
  EXPECT_EQ(r->karpenter.unavailable_offerings().count(
                k::OfferingKey{first.instance_type, first.zone, first.capacity_type}),
            1u);
  // The pods stayed Pending and a new batch launched another offering, no
  // cheaper than the first choice.
  const auto launched = r->of(ProvisioningAction::kLaunched);
  ASSERT_FALSE(launched.empty());
  EXPECT_GT(launched[0].at, failed[0].at);
  EXPECT_LE(launched[0].at, failed[0].at + 11s);
  EXPECT_FALSE(launched[0].instance_type == first.instance_type && launched[0].zone == first.zone);
  EXPECT_GE(launched[0].price_per_hour, first.price_per_hour);
  // The offering comes back 3 minutes after the failure.
  r->sim.run_until(failed[0].at + 3min + 1s);
  EXPECT_TRUE(r->karpenter.unavailable_offerings().empty());
}

// Launches in a registrationFailure window never register: 15 minutes after
// the launch Karpenter deletes the NodeClaim and provisions the pods again
// (after the window: the new node registers and takes them).
TEST(Faults, RegistrationFailureTimesOutAndReprovisions) {
  scenario::Scenario s = cluster::testing::platform2();
  scenario::Fault broken;
  broken.kind = scenario::FaultKind::kRegistrationFailure;
  broken.at = 0s;
  broken.duration = 10min;
  s.faults.push_back(broken);
  KarpenterOptions o;
  o.disruption = false;
  Rig r(std::move(s), o);
  const auto product = cluster::testing::deployment(r.cluster, "product-service");
  r.sim.schedule_at(Time{} + 5s, [&] { r.cluster.set_replicas(product, 80); });
  r.sim.run_until(Time{} + 30s);
  const auto first = r.of(ProvisioningAction::kLaunched);
  ASSERT_EQ(first.size(), 1u);
  const cluster::Node& n = r.cluster.node(first[0].node_id);
  r.sim.run_until(first[0].at + 15min - 1s);
  EXPECT_EQ(n.stage, cluster::NodeStage::kLaunched);  // still waiting
  EXPECT_TRUE(r.of(ProvisioningAction::kRegistrationTimeout).empty());
  // The in-flight claim kept the pods: no second launch meanwhile.
  EXPECT_EQ(r.of(ProvisioningAction::kLaunched).size(), 1u);
  r.sim.run_until(first[0].at + 15min);
  const auto timeouts = r.of(ProvisioningAction::kRegistrationTimeout);
  ASSERT_EQ(timeouts.size(), 1u);
  EXPECT_EQ(timeouts[0].node, n.name);
  EXPECT_NE(timeouts[0].message.find("did not register within 15m"), std::string::npos)
      << timeouts[0].message;
  EXPECT_EQ(n.stage, cluster::NodeStage::kGone);
  // A new batch launches again; that node registers and the pods bind.
  r.sim.run_until(first[0].at + 15min + 2min);
  const auto launched = r.of(ProvisioningAction::kLaunched);
  ASSERT_EQ(launched.size(), 2u);
  EXPECT_GT(launched[1].at, timeouts[0].at);
  EXPECT_TRUE(r.cluster.node(launched[1].node_id).ready);
  EXPECT_TRUE(r.cluster.unschedulable_pods().empty());
}

}  // namespace
}  // namespace ksim::karpenter
