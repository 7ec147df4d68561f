// Karpenter's disruption loop on platform 2 (NodePool "default":
// WhenEmptyOrUnderutilized, consolidateAfter 1m, budget 10 %): a burst makes
// product-service pods Unschedulable and a NodeClaim launches; once the load
// drops (product-service to 0 replicas) the Karpenter node is empty, and
// after consolidateAfter, a 10 s pass and the 15 s validation it is deleted.
#include <gtest/gtest.h>

#include "../cluster/helpers.h"
#include "ksim/sim/karpenter/controller.h"

namespace ksim::karpenter {
namespace {

namespace k = control::karpenter;
using namespace std::chrono_literals;

struct Rig {
  explicit Rig(scenario::Scenario s)
      : scenario(std::move(s)), cluster(sim, scenario), karpenter(sim, cluster, scenario, with()) {}
  KarpenterOptions with() {
    KarpenterOptions o;
    o.on_provisioning = [this](const ProvisioningRecord& r) { launches.push_back(r); };
    o.on_disruption = [this](const DisruptionRecord& r) { records.push_back(r); };
    return o;
  }
  std::vector<ProvisioningRecord> launches;
  std::vector<DisruptionRecord> records;
  scenario::Scenario scenario;
  Simulator sim;
  cluster::Cluster cluster;
  KarpenterController karpenter;
};

TEST(KarpenterDisruption, EmptyNodeDeletedAfterConsolidateAfter) {
  Rig r(cluster::testing::platform2());
  const auto product = cluster::testing::deployment(r.cluster, "product-service");
  r.sim.schedule_at(kTimeZero + 5s, [&] { r.cluster.set_replicas(product, 80); });
  r.sim.run_until(kTimeZero + 200s);
  ASSERT_EQ(r.launches.size(), 1u);
  ASSERT_EQ(r.launches[0].action, ProvisioningAction::kLaunched);
  const cluster::NodeId node = r.launches[0].node_id;
  ASSERT_TRUE(r.cluster.node(node).ready);
  ASSERT_FALSE(r.cluster.node_pods(node).empty());
  // A loaded node is not disrupted.
  EXPECT_TRUE(r.records.empty());
  EXPECT_GT(r.karpenter.disruption_passes(), 10u);

  const Time drop = kTimeZero + 200s;
  r.cluster.set_replicas(product, 0);
  // The pods' grace is 30 s at most; the node stays for consolidateAfter (60 s)
  // after its last pod is gone, whatever the passes.
  r.sim.run_until(drop + 60s);
  EXPECT_NE(r.cluster.node(node).stage, cluster::NodeStage::kGone);
  r.sim.run_until(drop + 200s);
  const cluster::Node& n = r.cluster.node(node);
  ASSERT_EQ(n.stage, cluster::NodeStage::kGone);
  ASSERT_GE(r.records.size(), 2u);
  const DisruptionRecord& computed = r.records[0];
  EXPECT_EQ(computed.stage, DisruptionStage::kComputed);
  EXPECT_EQ(computed.method, k::DisruptionMethod::kEmptiness);
  EXPECT_EQ(computed.decision, k::CommandDecision::kDelete);
  EXPECT_EQ(computed.candidates, std::vector<std::string>{n.name});
  EXPECT_EQ(computed.nodepools, std::vector<std::string>{"default"});
  EXPECT_GE(computed.at, drop + 60s);
  EXPECT_FALSE(computed.message.empty());
  const DisruptionRecord& executed = r.records[1];
  EXPECT_EQ(executed.stage, DisruptionStage::kExecuted);
  EXPECT_EQ(executed.at, computed.at + 15s);
  EXPECT_EQ(n.deleted, executed.at);  // empty: drained and deleted at once
  // The managed nodes stay.
  EXPECT_EQ(r.cluster.live_nodes().size(), 4u);
}

// The same with a DaemonSet "agent" on every node: once product-service is
// gone the Karpenter node holds only its daemon pod, which emptiness ignores
// (upstream: reschedulable pods exclude DaemonSet pods). The terminator
// evicts the daemon pod (it does not tolerate karpenter.sh/disrupted) and the
// node goes when it is gone, its 30 s grace later.
TEST(KarpenterDisruption, NodeWithOnlyADaemonPodIsEmpty) {
  scenario::Scenario s = cluster::testing::platform2();
  manifest::DaemonSet ds;
  ds.meta.name = "agent";
  ds.meta.namespace_ = "logging";
  ds.selector.match_labels = {{"app", "agent"}};
  ds.template_.labels = {{"app", "agent"}};
  manifest::Container c;
  c.name = "agent";
  c.image = "agent:1.0";
  c.requests_milli = {{"cpu", 100}};
  ds.template_.containers.push_back(c);
  s.manifests.daemon_sets.push_back(ds);
  Rig r(std::move(s));
  const auto product = cluster::testing::deployment(r.cluster, "product-service");
  r.sim.schedule_at(kTimeZero + 5s, [&] { r.cluster.set_replicas(product, 80); });
  r.sim.run_until(kTimeZero + 200s);
  ASSERT_EQ(r.launches.size(), 1u);
  const cluster::NodeId node = r.launches[0].node_id;
  ASSERT_TRUE(r.cluster.node(node).ready);
  r.cluster.set_replicas(product, 0);
  r.sim.run_until(kTimeZero + 330s);
  const auto& left = r.cluster.node_pods(node);
  ASSERT_EQ(left.size(), 1u);
  const cluster::PodId agent = left[0];
  EXPECT_EQ(r.cluster.pod(agent).owner_kind, cluster::OwnerKind::kDaemonSet);
  r.sim.run_until(kTimeZero + 500s);
  const cluster::Node& n = r.cluster.node(node);
  ASSERT_EQ(n.stage, cluster::NodeStage::kGone);
  ASSERT_GE(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].method, k::DisruptionMethod::kEmptiness);
  const DisruptionRecord& executed = r.records[1];
  EXPECT_EQ(executed.stage, DisruptionStage::kExecuted);
  const auto evicted = cluster::testing::events_of(r.cluster, cluster::EventReason::kEvicted,
                                                   "logging/" + r.cluster.pod(agent).name);
  ASSERT_EQ(evicted.size(), 1u);
  EXPECT_EQ(evicted[0].time, executed.at);
  EXPECT_EQ(n.deleted, executed.at + 30s);
  EXPECT_EQ(r.cluster.live_nodes().size(), 4u);
}

// The controller keeps its DisruptionInput from pass to pass and refreshes
// what changed; at every checkpoint of a burst, a scale-down (pods
// terminating, a PDB verdict changing both ways) and an emptiness deletion it must equal
// the input a controller builds from nothing, but for lastPodEventTime,
// which only a controller that watched the pods come knows.
void expect_same_node(const k::ExistingNode& kept, const k::ExistingNode& fresh) {
  SCOPED_TRACE(fresh.name);
  EXPECT_EQ(kept.name, fresh.name);
  EXPECT_EQ(kept.nodepool, fresh.nodepool);
  EXPECT_EQ(kept.labels, fresh.labels);
  EXPECT_EQ(kept.taints.size(), fresh.taints.size());
  EXPECT_EQ(kept.capacity, fresh.capacity);
  EXPECT_EQ(kept.allocatable, fresh.allocatable);
  EXPECT_EQ(kept.requested, fresh.requested);
  EXPECT_EQ(kept.daemon_requested, fresh.daemon_requested);
  EXPECT_EQ(kept.initialized, fresh.initialized);
  EXPECT_EQ(kept.initialized_us, fresh.initialized_us);
  EXPECT_EQ(kept.created_us, fresh.created_us);
  EXPECT_EQ(kept.ready, fresh.ready);
  EXPECT_EQ(kept.marked_for_deletion, fresh.marked_for_deletion);
  EXPECT_EQ(kept.expire_after, fresh.expire_after);
  ASSERT_EQ(kept.pods.size(), fresh.pods.size());
  for (std::size_t i = 0; i < kept.pods.size(); ++i) {
    const k::PodView& a = kept.pods[i];
    const k::PodView& b = fresh.pods[i];
    EXPECT_EQ(a.key(), b.key());
    EXPECT_EQ(a.requests(), b.requests());
    EXPECT_EQ(a.owner, b.owner);
    EXPECT_EQ(a.daemonset, b.daemonset);
    EXPECT_EQ(a.do_not_disrupt, b.do_not_disrupt);
    EXPECT_EQ(a.pdb_blocked, b.pdb_blocked) << a.key();
  }
}

TEST(KarpenterDisruption, KeptInputEqualsAFreshOne) {
  Rig r(cluster::testing::platform2());
  const auto product = cluster::testing::deployment(r.cluster, "product-service");
  r.sim.schedule_at(kTimeZero + 5s, [&] { r.cluster.set_replicas(product, 80); });
  r.sim.schedule_at(kTimeZero + 200s, [&] { r.cluster.set_replicas(product, 3); });
  // order-service down to 1 pod: its PDB (minAvailable 1) then allows no
  // eviction, and back to 2.
  const auto order = cluster::testing::deployment(r.cluster, "order-service");
  r.sim.schedule_at(kTimeZero + 250s, [&] { r.cluster.set_replicas(order, 1); });
  r.sim.schedule_at(kTimeZero + 350s, [&] { r.cluster.set_replicas(order, 2); });
  std::size_t pdb_blocked_seen = 0;
  std::size_t terminating_seen = 0;
  for (Time t = kTimeZero + 7s; t < kTimeZero + 500s; t += 7s) {
    r.sim.run_until(t);
    const k::DisruptionInput kept = r.karpenter.disruption_input();
    KarpenterOptions quiet;
    quiet.disruption = false;
    KarpenterController fresh_controller(r.sim, r.cluster, r.scenario, quiet);
    const k::DisruptionInput fresh = fresh_controller.disruption_input();
    ASSERT_EQ(kept.nodes.size(), fresh.nodes.size()) << to_us(t);
    for (std::size_t i = 0; i < kept.nodes.size(); ++i) {
      expect_same_node(kept.nodes[i], fresh.nodes[i]);
      for (const k::PodView& p : kept.nodes[i].pods) pdb_blocked_seen += p.pdb_blocked ? 1 : 0;
    }
    for (const cluster::NodeId n : r.cluster.live_nodes()) {
      for (const cluster::PodId p : r.cluster.node_pods(n)) {
        terminating_seen += r.cluster.pod(p).active() ? 0 : 1;
      }
    }
    ASSERT_EQ(kept.pending_pods.size(), fresh.pending_pods.size());
    ASSERT_EQ(kept.in_flight.size(), fresh.in_flight.size());
  }
  // The run went through what the cache must follow.
  EXPECT_GT(pdb_blocked_seen, 0u);
  EXPECT_GT(terminating_seen, 0u);
  EXPECT_GE(r.launches.size(), 1u);
  EXPECT_FALSE(r.records.empty());
}

// A burst of 126 pending pods launches one c6g.4xlarge; when product-service
// drops to 85 replicas 16 pods are left on it, which a t4g.medium holds:
// single-node consolidation replaces it ($0.6160/h -> $0.0416/h), the old
// node drains once the replacement is Ready.
TEST(KarpenterDisruption, UnderutilizedNodeReplacedByACheaperOne) {
  Rig r(cluster::testing::platform2());
  const auto product = cluster::testing::deployment(r.cluster, "product-service");
  r.sim.schedule_at(kTimeZero + 5s, [&] { r.cluster.set_replicas(product, 130); });
  r.sim.schedule_at(kTimeZero + 300s, [&] { r.cluster.set_replicas(product, 85); });
  r.sim.run_until(kTimeZero + 900s);
  ASSERT_EQ(r.launches.size(), 2u);
  EXPECT_EQ(r.launches[0].instance_type, "c6g.4xlarge");
  const ProvisioningRecord& repl = r.launches[1];
  EXPECT_EQ(repl.instance_type, "t4g.medium");
  EXPECT_TRUE(repl.message.starts_with("replace 1 x c6g.4xlarge")) << repl.message;
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].stage, DisruptionStage::kComputed);
  EXPECT_EQ(r.records[0].method, k::DisruptionMethod::kSingleNodeConsolidation);
  EXPECT_EQ(r.records[0].decision, k::CommandDecision::kReplace);
  EXPECT_EQ(r.records[0].candidates, std::vector<std::string>{r.launches[0].node});
  EXPECT_NEAR(r.records[0].candidates_price_per_hour, 0.6160, 1e-9);
  EXPECT_NEAR(r.records[0].replacement_price_per_hour, 0.0416, 1e-9);
  EXPECT_NEAR(r.records[0].savings_per_hour, 0.5744, 1e-9);
  EXPECT_EQ(r.records[1].stage, DisruptionStage::kExecuted);
  EXPECT_EQ(r.records[1].at, r.records[0].at + 15s);
  EXPECT_EQ(r.records[1].replacements, std::vector<std::string>{repl.node});
  EXPECT_EQ(repl.at, r.records[1].at);
  EXPECT_EQ(r.records[2].stage, DisruptionStage::kDraining);
  const cluster::Node& new_node = r.cluster.node(repl.node_id);
  EXPECT_EQ(r.records[2].at, new_node.ready_since);
  EXPECT_EQ(r.cluster.node(r.launches[0].node_id).stage, cluster::NodeStage::kGone);
  EXPECT_EQ(r.cluster.node_pods(repl.node_id).size(), 16u);
  EXPECT_TRUE(r.cluster.unschedulable_pods().empty());
}

// expireAfter 300 s: the node launched at 6 s is 304 s old at the pass of
// 310 s; it is drained and deleted outside the budgets, its pods go Pending
// and a new NodeClaim takes them.
TEST(KarpenterDisruption, ExpiredNodeDrainedAndReplacedByProvisioning) {
  scenario::Scenario s = cluster::testing::platform2();
  s.manifests.node_pools[0].expire_after = manifest::KarpenterDuration::of_seconds(300);
  Rig r(std::move(s));
  const auto product = cluster::testing::deployment(r.cluster, "product-service");
  r.sim.schedule_at(kTimeZero + 5s, [&] { r.cluster.set_replicas(product, 80); });
  r.sim.run_until(kTimeZero + 309s);
  ASSERT_EQ(r.launches.size(), 1u);
  EXPECT_TRUE(r.records.empty());
  const cluster::NodeId first = r.launches[0].node_id;
  r.sim.run_until(kTimeZero + 420s);
  ASSERT_FALSE(r.records.empty());
  EXPECT_EQ(r.records[0].stage, DisruptionStage::kExpired);
  EXPECT_EQ(r.records[0].at, kTimeZero + 310s);
  EXPECT_EQ(r.records[0].candidates, std::vector<std::string>{r.cluster.node(first).name});
  EXPECT_NE(r.records[0].reason.find("expired"), std::string::npos) << r.records[0].reason;
  EXPECT_EQ(r.cluster.node(first).stage, cluster::NodeStage::kGone);
  ASSERT_EQ(r.launches.size(), 2u);
  EXPECT_GT(r.launches[1].at, kTimeZero + 310s);
}

TEST(KarpenterDisruption, DisabledByOption) {
  scenario::Scenario s = cluster::testing::platform2();
  Simulator sim;
  cluster::Cluster c(sim, s);
  KarpenterOptions o;
  o.disruption = false;
  KarpenterController kc(sim, c, s, o);
  sim.run_until(kTimeZero + 100s);
  EXPECT_EQ(kc.disruption_passes(), 0u);
}

}  // namespace
}  // namespace ksim::karpenter
