// Node-seconds x price on platform 2: 4 m7g.large managed nodes at Seoul
// on-demand $0.1003/h, and a Karpenter c7g.large spot node in
// ap-northeast-2a at $0.0289/h (scenarios/catalog/ec2-instance-types.yaml).
#include "ksim/sim/karpenter/cost.h"

#include <gtest/gtest.h>

#include "../cluster/helpers.h"

namespace ksim::karpenter {
namespace {

using namespace std::chrono_literals;

cluster::NodeLaunch spot_c7g() {
  cluster::NodeLaunch l;
  l.instance_type = "c7g.large";
  l.zone = "ap-northeast-2a";
  l.arch = "arm64";
  l.capacity_type = cluster::CapacityType::kSpot;
  l.node_pool = "default";
  l.capacity = {2000, 4LL << 30, 29};
  l.allocatable = {1930, 3LL << 30, 29};
  l.registration_delay = 30s;
  l.initialization_delay = 10s;
  return l;
}

TEST(CostMeter, ManagedNodesPaidFromTheStart) {
  const scenario::Scenario s = cluster::testing::platform2();
  Simulator sim;
  cluster::Cluster c(sim, s);
  CostMeter m(c, s);
  EXPECT_DOUBLE_EQ(m.cost_so_far(kTimeZero), 0.0);
  sim.run_until(kTimeZero + 1h);
  // 4 nodes x 1 h x $0.1003/h = $0.4012.
  EXPECT_NEAR(m.cost_so_far(sim.now()), 0.4012, 1e-12);
  const CostReport r = m.report(sim.now());
  EXPECT_NEAR(r.by_owner.at("nodegroup/managed-arm64"), 0.4012, 1e-12);
  EXPECT_NEAR(r.by_capacity_type.at("on-demand"), 0.4012, 1e-12);
  EXPECT_NEAR(r.running_price_per_hour, 0.4012, 1e-12);
  ASSERT_EQ(r.nodes.size(), 4u);
  EXPECT_TRUE(r.nodes[0].priced);
  EXPECT_EQ(r.nodes[0].instance_type, "m7g.large");
  EXPECT_EQ(r.nodes[0].running, Duration{1h});
  // Half an hour of one node: 0.5 h x $0.1003/h = $0.05015.
  EXPECT_NEAR(m.node_cost(r.nodes[1].node, kTimeZero + 30min).dollars, 0.05015, 1e-12);
}

// Launched at 30 min, deleted at 45 min: 15 min x $0.0289/h = $0.007225,
// whatever the time to Ready (EC2 bills from the launch).
TEST(CostMeter, KarpenterSpotNodeFromLaunchToDeletion) {
  const scenario::Scenario s = cluster::testing::platform2();
  Simulator sim;
  cluster::Cluster c(sim, s);
  CostMeter m(c, s);
  cluster::NodeId id = cluster::kNoNode;
  sim.schedule_at(kTimeZero + 30min, [&] { id = c.launch_node(spot_c7g()); });
  sim.schedule_at(kTimeZero + 45min, [&] { c.delete_node(id); });
  sim.run_until(kTimeZero + 40min);
  EXPECT_NEAR(m.node_cost(id, sim.now()).dollars, 10.0 / 60 * 0.0289, 1e-12);
  sim.run_until(kTimeZero + 1h);
  const CostReport r = m.report(sim.now());
  const NodeCost& k = r.nodes.at(cluster::index_of(id));
  EXPECT_EQ(k.owner, "nodepool/default");
  EXPECT_EQ(k.capacity_type, "spot");
  EXPECT_DOUBLE_EQ(k.price_per_hour, 0.0289);
  EXPECT_EQ(k.running, Duration{15min});
  EXPECT_NEAR(k.dollars, 0.007225, 1e-12);
  EXPECT_NEAR(r.by_owner.at("nodepool/default"), 0.007225, 1e-12);
  EXPECT_NEAR(r.by_capacity_type.at("spot"), 0.007225, 1e-12);
  EXPECT_NEAR(r.total_dollars, 0.4012 + 0.007225, 1e-12);
  // The deleted node no longer counts in the running price.
  EXPECT_NEAR(r.running_price_per_hour, 0.4012, 1e-12);
}

TEST(CostMeter, UnknownTypeIsUnpriced) {
  const scenario::Scenario s = cluster::testing::platform2();
  Simulator sim;
  cluster::Cluster c(sim, s);
  CostMeter m(c, s);
  cluster::NodeLaunch l = spot_c7g();
  l.instance_type = "x9.huge";
  const cluster::NodeId id = c.launch_node(l);
  sim.run_until(kTimeZero + 1h);
  const NodeCost k = m.node_cost(id, sim.now());
  EXPECT_FALSE(k.priced);
  EXPECT_EQ(k.dollars, 0.0);
  EXPECT_NEAR(m.cost_so_far(sim.now()), 0.4012, 1e-12);
}

}  // namespace
}  // namespace ksim::karpenter
