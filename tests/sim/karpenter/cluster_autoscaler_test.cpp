// Cluster Autoscaler on platform 2's managed node group (4 m7g.large in
// 2a/2c), made autoscaled with min 4 and max 6 and without Karpenter's
// NodePool: product-service at 80 replicas overflows the group, a scan
// scales it up; once the load drops, the added node is removed after the
// scale-down delays (10 min after the scale-up, 10 min unneeded).
#include "ksim/sim/karpenter/cluster_autoscaler.h"

#include <gtest/gtest.h>

#include "../cluster/helpers.h"

namespace ksim::karpenter {
namespace {

using namespace std::chrono_literals;

scenario::Scenario autoscaled_platform2() {
  scenario::Scenario s = cluster::testing::platform2();
  s.manifests.node_pools.clear();
  s.node_groups.at(0).min = 4;
  s.node_groups.at(0).max = 6;
  return s;
}

struct Rig {
  explicit Rig(scenario::Scenario s)
      : scenario(std::move(s)), cluster(sim, scenario), ca(sim, cluster, scenario, with()) {}
  CaControllerOptions with() {
    CaControllerOptions o;
    o.on_action = [this](const CaRecord& r) { records.push_back(r); };
    return o;
  }
  std::vector<CaRecord> records;
  scenario::Scenario scenario;
  Simulator sim;
  cluster::Cluster cluster;
  ClusterAutoscalerController ca;
};

TEST(ClusterAutoscaler, IdleClusterNothingToDo) {
  Rig r(autoscaled_platform2());
  r.sim.run_until(kTimeZero + 60s);
  EXPECT_EQ(r.ca.scans(), 6u);  // at 10, 20, ..., 60 s
  EXPECT_TRUE(r.records.empty());
  EXPECT_EQ(r.cluster.live_nodes().size(), 4u);
}

TEST(ClusterAutoscaler, ScalesTheGroupUpThenDownToMin) {
  Rig r(autoscaled_platform2());
  const auto product = cluster::testing::deployment(r.cluster, "product-service");
  r.sim.schedule_at(kTimeZero + 5s, [&] { r.cluster.set_replicas(product, 80); });
  r.sim.run_until(kTimeZero + 300s);
  ASSERT_FALSE(r.records.empty());
  const CaRecord up = r.records[0];  // a copy: more records follow
  EXPECT_EQ(up.action, CaAction::kScaleUp);
  EXPECT_EQ(up.group, "managed-arm64");
  EXPECT_GE(up.delta, 1);
  EXPECT_EQ(up.at, kTimeZero + 10s);  // the first scan after the pods failed
  EXPECT_EQ(up.nodes.size(), static_cast<std::size_t>(up.delta));
  EXPECT_FALSE(up.message.empty());
  EXPECT_EQ(r.cluster.live_nodes().size(), 4u + static_cast<std::size_t>(up.delta));
  EXPECT_TRUE(r.cluster.unschedulable_pods().empty());
  for (const cluster::PodId p : r.cluster.active_pods(product)) {
    EXPECT_TRUE(r.cluster.pod(p).bound);
  }
  // The added node is in the group, in 2a (the group's 5th node: zones[4 % 2]).
  const cluster::NodeId added = r.cluster.live_nodes().back();
  EXPECT_EQ(r.cluster.node(added).group, "managed-arm64");
  EXPECT_EQ(r.cluster.zone_name(r.cluster.node(added).zone), "ap-northeast-2a");

  r.cluster.set_replicas(product, 2);
  r.sim.run_until(kTimeZero + 1500s);
  std::size_t downs = 0;
  for (const CaRecord& x : r.records) {
    if (x.action != CaAction::kScaleDown) continue;
    ++downs;
    // Not before 10 min unneeded after the drop nor 10 min after the scale-up.
    EXPECT_GE(x.at, kTimeZero + 300s + 600s);
    EXPECT_LT(x.utilization, 0.5);
  }
  EXPECT_EQ(downs, static_cast<std::size_t>(up.delta));
  EXPECT_EQ(r.cluster.live_nodes().size(), 4u);  // back to min
}

}  // namespace
}  // namespace ksim::karpenter
