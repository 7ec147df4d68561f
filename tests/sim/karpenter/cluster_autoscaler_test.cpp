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

// The autoscaled platform plus a Deployment "batch" of one pod requesting
// `cpu_milli` and, with `daemon_cpu` > 0, a DaemonSet "agent" of that cpu
// and 128Mi, tolerating every taint.
scenario::Scenario with_batch_and_daemon(std::int64_t cpu_milli, std::int64_t daemon_cpu) {
  scenario::Scenario s = autoscaled_platform2();
  manifest::Deployment big = s.manifests.deployments.back();
  big.meta.name = "batch";
  big.selector.match_labels = {{"app", "batch"}};
  big.template_.labels = {{"app", "batch"}};
  big.template_.containers.resize(1);
  big.template_.containers[0].name = "batch";
  big.template_.containers[0].requests_milli = {{"cpu", cpu_milli}};
  big.template_.containers[0].limits_milli.clear();
  big.replicas = 1;
  s.manifests.deployments.push_back(big);
  if (daemon_cpu > 0) {
    manifest::DaemonSet ds;
    ds.meta.name = "agent";
    ds.meta.namespace_ = "logging";
    ds.selector.match_labels = {{"app", "agent"}};
    ds.template_.labels = {{"app", "agent"}};
    manifest::Toleration all;
    all.op = manifest::TolerationOperator::kExists;
    ds.template_.tolerations.push_back(all);
    manifest::Container c;
    c.name = "agent";
    c.image = "agent:1.0";
    c.requests_milli = {{"cpu", daemon_cpu}, {"memory", 128LL * 1024 * 1024 * 1000}};
    ds.template_.containers.push_back(c);
    s.manifests.daemon_sets.push_back(ds);
  }
  return s;
}

// The group's template carries its DaemonSet pods (upstream adds them to
// the template node info): a 1900m pod fits a new m7g.large (1930m) alone,
// not next to a 100m daemon pod, so the scan does not scale up for it.
TEST(ClusterAutoscaler, TemplateCarriesDaemonSetPods) {
  {
    Rig r(with_batch_and_daemon(1900, 0));
    r.sim.run_until(kTimeZero + 120s);
    EXPECT_EQ(r.ca.input().groups.at(0).daemon_cpu_milli, 0);
    ASSERT_FALSE(r.records.empty());
    EXPECT_EQ(r.records[0].action, CaAction::kScaleUp);
    EXPECT_EQ(r.records[0].delta, 1);
  }
  Rig r(with_batch_and_daemon(1900, 100));
  r.sim.run_until(kTimeZero + 120s);
  const auto in = r.ca.input();
  EXPECT_EQ(in.groups.at(0).daemon_cpu_milli, 100);
  EXPECT_EQ(in.groups.at(0).daemon_memory_bytes, 128LL * 1024 * 1024);
  EXPECT_TRUE(r.records.empty()) << "no node of the group could hold the pod";
  ASSERT_EQ(in.unschedulable.size(), 1u) << "daemon pods are never scaled up for";
  EXPECT_TRUE(in.unschedulable[0].name.starts_with("batch-"));
  // The daemon pods on the nodes are flagged.
  std::size_t flagged = 0;
  for (const auto& n : in.nodes) {
    for (const auto& p : n.pods) flagged += p.daemonset ? 1 : 0;
  }
  EXPECT_EQ(flagged, 4u);
}

}  // namespace
}  // namespace ksim::karpenter
