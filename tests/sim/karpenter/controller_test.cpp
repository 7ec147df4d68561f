// Karpenter's provisioning on platform 2 (scenarios/product-order.yaml: 4
// m7g.large managed nodes, the NodePool "default": arm64, on-demand, c/m/t,
// 2a/2c, cpu limit 32). product-service is scaled past what the managed
// nodes hold: the overflow goes Unschedulable, a batch closes 1 s after the
// last trigger, a NodeClaim launches, the node turns Ready at the drawn time
// and the pods bind to it.
#include "ksim/sim/karpenter/controller.h"

#include <gtest/gtest.h>

#include "../cluster/helpers.h"
#include "ksim/sim/karpenter/snapshot.h"

namespace ksim::karpenter {
namespace {

namespace k = control::karpenter;
using namespace std::chrono_literals;

struct Rig {
  explicit Rig(scenario::Scenario s, KarpenterOptions o = {})
      : scenario(std::move(s)),
        cluster(sim, scenario),
        karpenter(sim, cluster, scenario, with(o)) {}
  KarpenterOptions with(KarpenterOptions o) {
    o.on_provisioning = [this](const ProvisioningRecord& r) { records.push_back(r); };
    return o;
  }
  std::vector<ProvisioningRecord> launches() const {
    std::vector<ProvisioningRecord> out;
    for (const auto& r : records) {
      if (r.action == ProvisioningAction::kLaunched) out.push_back(r);
    }
    return out;
  }
  std::vector<ProvisioningRecord> records;
  scenario::Scenario scenario;
  Simulator sim;
  cluster::Cluster cluster;
  KarpenterController karpenter;
};

TEST(KarpenterController, NothingPendingNothingLaunched) {
  Rig r(cluster::testing::platform2());
  r.sim.run_until(Time{} + 120s);
  EXPECT_TRUE(r.records.empty());
  EXPECT_EQ(r.karpenter.batches(), 0u);
  EXPECT_EQ(r.cluster.live_nodes().size(), 4u);
}

TEST(KarpenterController, LaunchesANodeClaimAndThePodsBind) {
  Rig r(cluster::testing::platform2());
  const auto product = cluster::testing::deployment(r.cluster, "product-service");
  r.sim.schedule_at(Time{} + 5s, [&] { r.cluster.set_replicas(product, 80); });
  r.sim.run_until(Time{} + 30s);
  ASSERT_GE(r.karpenter.batches(), 1u);
  const auto launches = r.launches();
  ASSERT_EQ(launches.size(), 1u) << r.records.size();
  const ProvisioningRecord& l = launches[0];
  EXPECT_EQ(l.nodepool, "default");
  EXPECT_FALSE(l.pods.empty());
  EXPECT_TRUE(l.zone == "ap-northeast-2a" || l.zone == "ap-northeast-2c") << l.zone;
  EXPECT_EQ(l.capacity_type, k::CapacityType::kOnDemand);
  // The batch closed within the 10 s max of the first trigger (at 5 s).
  EXPECT_GE(l.at, Time{} + 6s);
  EXPECT_LE(l.at, Time{} + 15s);
  // The price is the catalog's for that offering.
  const auto offer = r.scenario.catalog.find_offering(l.instance_type, "ap-northeast-2", l.zone,
                                                      scenario::CapacityType::kOnDemand);
  ASSERT_TRUE(offer.has_value());
  EXPECT_DOUBLE_EQ(l.price_per_hour, offer->usd_per_hour());
  EXPECT_NE(l.message.find(l.instance_type), std::string::npos) << l.message;
  // The default delays: registration log-normal around 30 s, 10 s to Ready.
  EXPECT_GT(l.registration_delay, 5s);
  EXPECT_LT(l.registration_delay, 120s);
  EXPECT_EQ(l.initialization_delay, 10s);

  const cluster::Node& n = r.cluster.node(l.node_id);
  EXPECT_EQ(n.node_pool, "default");
  EXPECT_EQ(n.instance_type, l.instance_type);
  EXPECT_EQ(n.labels.at("karpenter.sh/nodepool"), "default");
  EXPECT_EQ(n.labels.at("kubernetes.io/arch"), "arm64");
  EXPECT_EQ(r.cluster.zone_name(n.zone), l.zone);

  const Time ready_at = l.at + l.registration_delay + l.initialization_delay;
  r.sim.run_until(ready_at + 60s);
  EXPECT_TRUE(n.ready);
  EXPECT_EQ(n.ready_since, ready_at);
  // Every product-service pod is bound; some of them on the new node.
  std::size_t on_new = 0;
  for (const cluster::PodId p : r.cluster.active_pods(product)) {
    EXPECT_TRUE(r.cluster.pod(p).bound) << r.cluster.pod(p).name;
    if (r.cluster.pod(p).node == l.node_id) ++on_new;
  }
  EXPECT_GT(on_new, 0u);
  EXPECT_TRUE(r.cluster.unschedulable_pods().empty());
  // No second launch: the in-flight NodeClaim took the pods.
  EXPECT_EQ(r.launches().size(), 1u);
}

TEST(KarpenterController, SameSeedSameDraws) {
  auto run = [] {
    Rig r(cluster::testing::platform2());
    const auto product = cluster::testing::deployment(r.cluster, "product-service");
    r.sim.schedule_at(Time{} + 5s, [&] { r.cluster.set_replicas(product, 80); });
    r.sim.run_until(Time{} + 120s);
    return r.launches().at(0).registration_delay;
  };
  EXPECT_EQ(run(), run());
}

// The pool's cpu limit (32) caps what is launched: with a limit of 1 vCPU
// nothing fits, the pods stay Unschedulable with the control's message.
TEST(KarpenterController, NodePoolLimitsRespected) {
  scenario::Scenario s = cluster::testing::platform2();
  s.manifests.node_pools[0].limits_milli["cpu"] = 1000;
  Rig r(std::move(s));
  const auto product = cluster::testing::deployment(r.cluster, "product-service");
  r.sim.schedule_at(Time{} + 5s, [&] { r.cluster.set_replicas(product, 80); });
  r.sim.run_until(Time{} + 120s);
  EXPECT_TRUE(r.launches().empty());
  ASSERT_FALSE(r.records.empty());
  EXPECT_EQ(r.records[0].action, ProvisioningAction::kUnschedulable);
  EXPECT_FALSE(r.records[0].message.empty());
}

// A cpu limit of 2 vCPU leaves room for one 2-vCPU node: the burst's overflow
// beyond it stays Unschedulable. When that node turns Ready the provisioner
// runs again (a node event) and finds the limit still exhausted.
TEST(KarpenterController, NodeReadyTriggersAnotherDecision) {
  scenario::Scenario s = cluster::testing::platform2();
  s.manifests.node_pools[0].limits_milli["cpu"] = 2000;
  Rig r(std::move(s));
  const auto product = cluster::testing::deployment(r.cluster, "product-service");
  r.sim.schedule_at(Time{} + 5s, [&] { r.cluster.set_replicas(product, 100); });
  r.sim.run_until(Time{} + 300s);
  const auto launches = r.launches();
  ASSERT_EQ(launches.size(), 1u);
  EXPECT_EQ(r.karpenter.batches(), 2u);
  const cluster::Node& n = r.cluster.node(launches[0].node_id);
  ASSERT_TRUE(n.ready);
  EXPECT_FALSE(r.cluster.unschedulable_pods().empty());
  const ProvisioningRecord& last = r.records.back();
  EXPECT_EQ(last.action, ProvisioningAction::kUnschedulable);
  EXPECT_EQ(last.at, n.ready_since + 1s);  // the idle window after the node event
}

// Platform 2 plus a Deployment "batch" of one pod requesting 1900m / 128Mi
// (no managed node holds it: each runs a 100m pod already) and, with
// `daemon_cpu` > 0, a DaemonSet "agent" requesting that cpu and 128Mi.
scenario::Scenario with_batch(std::int64_t daemon_cpu) {
  scenario::Scenario s = cluster::testing::platform2();
  manifest::Deployment big = s.manifests.deployments.back();
  big.meta.name = "batch";
  big.selector.match_labels = {{"app", "batch"}};
  big.template_.labels = {{"app", "batch"}};
  big.template_.containers.resize(1);
  big.template_.containers[0].name = "batch";
  big.template_.containers[0].image = "batch:1.0";
  big.template_.containers[0].requests_milli = {{"cpu", 1900},
                                                {"memory", 128LL * 1024 * 1024 * 1000}};
  big.template_.containers[0].limits_milli.clear();
  big.replicas = 1;
  s.manifests.deployments.push_back(big);
  if (daemon_cpu > 0) {
    manifest::DaemonSet ds;
    ds.meta.name = "agent";
    ds.meta.namespace_ = "logging";
    ds.selector.match_labels = {{"app", "agent"}};
    ds.template_.labels = {{"app", "agent"}};
    manifest::Container c;
    c.name = "agent";
    c.image = "agent:1.0";
    c.requests_milli = {{"cpu", daemon_cpu}, {"memory", 128LL * 1024 * 1024 * 1000}};
    ds.template_.containers.push_back(c);
    s.manifests.daemon_sets.push_back(ds);
  }
  return s;
}

// Hand-computed: without DaemonSets the 1900m pod fits a 2-vCPU type
// (allocatable 1930m); the cheapest arm64 on-demand c/m/t one in
// ap-northeast-2 is t4g.medium ($0.0416/h). With a 500m DaemonSet the node
// must hold 2400m, so a 4-vCPU type (3920m): c6g.xlarge ($0.154/h) is the
// cheapest of t4g ($0.1664), c6g, c7g ($0.1632), m6g ($0.188), m7g
// ($0.2006) xlarge. The new node then runs the DaemonSet's pod next to it.
TEST(KarpenterController, DaemonSetOverheadPicksALargerType) {
  {
    Rig r(with_batch(0));
    r.sim.run_until(Time{} + 30s);
    ASSERT_EQ(r.launches().size(), 1u);
    EXPECT_EQ(r.launches()[0].instance_type, "t4g.medium");
  }
  Rig r(with_batch(500));
  r.sim.run_until(Time{} + 30s);
  const auto launches = r.launches();
  ASSERT_EQ(launches.size(), 1u);
  const ProvisioningRecord& l = launches[0];
  EXPECT_EQ(l.instance_type, "c6g.xlarge");
  ASSERT_EQ(l.pods.size(), 1u);
  EXPECT_TRUE(l.pods[0].starts_with("shop/batch-")) << l.pods[0];
  r.sim.run_until(Time{} + 300s);
  const cluster::Node& n = r.cluster.node(l.node_id);
  ASSERT_TRUE(n.ready);
  const auto batch = cluster::testing::deployment(r.cluster, "batch");
  ASSERT_EQ(r.cluster.active_pods(batch).size(), 1u);
  EXPECT_EQ(r.cluster.pod(r.cluster.active_pods(batch)[0]).node, l.node_id);
  std::size_t daemon_pods = 0;
  for (const cluster::PodId p : r.cluster.node_pods(l.node_id)) {
    if (r.cluster.pod(p).owner_kind == cluster::OwnerKind::kDaemonSet) ++daemon_pods;
  }
  EXPECT_EQ(daemon_pods, 1u);
  EXPECT_EQ(r.cluster.requested(l.node_id).cpu_milli, 2400);
  // Karpenter's view of the node: the daemon pod's part of its requests.
  const k::ExistingNode e = existing_node(r.cluster, l.node_id);
  EXPECT_EQ(e.requested.cpu_milli, 2400);
  EXPECT_EQ(e.daemon_requested, (k::Resources{500, 128LL * 1024 * 1024, 1}));
  ASSERT_EQ(daemonset_views(r.cluster).size(), 1u);
  EXPECT_EQ(daemonset_views(r.cluster)[0].cpu_milli, 500);
  EXPECT_TRUE(r.cluster.unschedulable_pods().empty());
  EXPECT_EQ(r.launches().size(), 1u) << "the daemon pod never made Karpenter provision";
}

// A pod trace's bare pods go through the same queue: when they fit nowhere
// they turn Unschedulable, Karpenter launches for them, and they run on the
// new nodes (then complete: the node's requests drop back).
TEST(KarpenterController, ProvisionsForUnschedulableTracePods) {
  scenario::Scenario s = cluster::testing::platform2();
  scenario::PodTrace t;
  t.namespace_ = "batch";
  for (int i = 0; i < 6; ++i) {
    scenario::TracePod p;
    p.at = 5s;
    p.duration = 10min;
    p.cpu_milli = 1500;
    p.memory_bytes = 1LL << 30;
    t.pods.push_back(p);
  }
  // Only the NodePool's nodes carry the label: the managed nodes take none.
  t.node_selector = {{"karpenter.sh/nodepool", "default"}};
  s.pod_trace = std::move(t);
  KarpenterOptions o;
  o.disruption = false;  // consolidation would evict (and so lose) bare pods
  Rig r(std::move(s), o);
  r.sim.run_until(Time{} + 4min);
  const auto launches = r.launches();
  ASSERT_FALSE(launches.empty());
  std::size_t on_karpenter_nodes = 0;
  for (int i = 0; i < 6; ++i) {
    const auto id = r.cluster.find_pod("batch", "trace-" + std::to_string(i));
    ASSERT_TRUE(id.has_value());
    const cluster::Pod& p = r.cluster.pod(*id);
    ASSERT_TRUE(p.bound) << p.name;
    EXPECT_GT(p.unschedulable_since, Time{});  // it was Unschedulable first
    if (!r.cluster.node(p.node).node_pool.empty()) ++on_karpenter_nodes;
  }
  EXPECT_EQ(on_karpenter_nodes, 6u);
  const cluster::NodeId node = launches[0].node_id;
  ASSERT_GT(r.cluster.requested(node).cpu_milli, 0);
  r.sim.run_until(Time{} + 15min);
  EXPECT_EQ(r.cluster.trace_pods_succeeded(), 6u);
  EXPECT_EQ(r.cluster.requested(node).cpu_milli, 0);
}

}  // namespace
}  // namespace ksim::karpenter
