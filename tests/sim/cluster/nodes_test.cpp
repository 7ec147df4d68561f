// Nodes that come and go: launch_node's launched -> registered -> Ready at
// the times the delays give, the not-ready and startup taints keeping pods
// off until then, a pending pod binding at Ready, cordon, the unschedulable
// pods a node autoscaler reads and hears of, the node accessors, observers.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "helpers.h"
#include "ksim/control/scheduler/resources.h"

namespace ksim::cluster {
namespace {

using namespace std::chrono_literals;
using namespace testing;

// Platform 2 plus a one-replica Deployment "batch" requesting 1900m: each of
// the 4 managed nodes already runs a 100m pod, so it fits none of them.
scenario::Scenario with_batch(std::vector<manifest::Toleration> tolerations = {}) {
  scenario::Scenario s = platform2();
  manifest::Deployment big = s.manifests.deployments.back();
  big.meta.name = "batch";
  big.meta.labels = {{"app", "batch"}};
  big.selector.match_labels = {{"app", "batch"}};
  big.template_.labels = {{"app", "batch"}};
  big.template_.containers[0].name = "batch";
  big.template_.containers[0].image = "batch:1.0";
  big.template_.containers[0].requests_milli["cpu"] = 1900;
  big.template_.tolerations = std::move(tolerations);
  big.replicas = 1;
  s.manifests.deployments.push_back(big);
  return s;
}

// An m7g.large of NodePool "default" in 2c, the managed nodes' allocatable,
// registered 20 s after launch and Ready 15 s later.
NodeLaunch m7g_large(const Cluster& c) {
  NodeLaunch l;
  l.instance_type = "m7g.large";
  l.zone = "ap-northeast-2c";
  l.arch = "arm64";
  l.node_pool = "default";
  l.capacity = c.nodes()[0].capacity;
  l.allocatable = c.nodes()[0].allocatable;
  l.registration_delay = 20s;
  l.initialization_delay = 15s;
  return l;
}

scenario::Taint startup_taint() {
  return scenario::Taint{"node.cilium.io/agent-not-ready", "true",
                         manifest::TaintEffect::kNoSchedule};
}

// Records what the cluster tells its observers, with the time.
struct Recorder : ClusterObserver {
  explicit Recorder(const Simulator& s) : sim(s) {}
  const Simulator& sim;
  std::vector<std::pair<PodId, Time>> unschedulable;
  std::vector<std::pair<NodeId, Time>> ready;
  std::vector<std::pair<NodeId, Time>> node_gone;
  std::vector<PodId> pod_gone;
  void on_pod_gone(PodId pod) override { pod_gone.push_back(pod); }
  void on_pod_unschedulable(PodId pod) override { unschedulable.emplace_back(pod, sim.now()); }
  void on_node_ready(NodeId node) override { ready.emplace_back(node, sim.now()); }
  void on_node_gone(NodeId node) override { node_gone.emplace_back(node, sim.now()); }
};

// An observer that overrides only on_pod_gone still compiles and works.
struct OnlyPodGone : ClusterObserver {
  int gone = 0;
  void on_pod_gone(PodId) override { ++gone; }
};

TEST(ClusterNodes, LaunchedNodeIsSchedulableOnlyOnceReady) {
  Simulator sim;
  Cluster c(sim, platform2());
  Recorder rec(sim);
  c.add_observer(&rec);
  sim.run_until(kTimeZero + 10s);
  const NodeId id = c.launch_node(m7g_large(c));
  const Node& n = c.node(id);
  EXPECT_EQ(n.name, "ip-10-0-2-12");  // the third node of 2c
  EXPECT_EQ(n.stage, NodeStage::kLaunched);
  EXPECT_EQ(n.launched, kTimeZero + 10s);
  EXPECT_EQ(c.scheduler_node(id), nullptr);
  EXPECT_EQ(c.scheduler_nodes().size(), 4u);
  EXPECT_EQ(c.live_nodes().size(), 5u);

  sim.run_until(kTimeZero + 29s);
  EXPECT_EQ(c.node(id).stage, NodeStage::kLaunched);
  sim.run_until(kTimeZero + 30s);
  EXPECT_EQ(c.node(id).stage, NodeStage::kRegistered);
  EXPECT_EQ(c.node(id).created, kTimeZero + 30s);
  EXPECT_FALSE(c.node(id).ready);
  ASSERT_NE(c.scheduler_node(id), nullptr);
  ASSERT_EQ(c.scheduler_node(id)->taints.size(), 1u);
  EXPECT_EQ(c.scheduler_node(id)->taints[0].key, "node.kubernetes.io/not-ready");
  EXPECT_EQ(c.scheduler_nodes().size(), 5u);

  sim.run_until(kTimeZero + 44s);
  EXPECT_FALSE(c.node(id).ready);
  sim.run_until(kTimeZero + 45s);
  EXPECT_EQ(c.node(id).stage, NodeStage::kReady);
  EXPECT_TRUE(c.node(id).ready);
  EXPECT_EQ(c.node(id).ready_since, kTimeZero + 45s);
  EXPECT_TRUE(c.scheduler_node(id)->taints.empty());
  ASSERT_EQ(rec.ready.size(), 1u);
  EXPECT_EQ(rec.ready[0], std::make_pair(id, kTimeZero + 45s));

  const auto& labels = c.node(id).labels;
  EXPECT_EQ(labels.at("karpenter.sh/nodepool"), "default");
  EXPECT_EQ(labels.at("karpenter.sh/capacity-type"), "on-demand");
  EXPECT_EQ(labels.at("kubernetes.io/arch"), "arm64");
  EXPECT_EQ(labels.at("topology.kubernetes.io/zone"), "ap-northeast-2c");
  EXPECT_EQ(labels.at("node.kubernetes.io/instance-type"), "m7g.large");
  EXPECT_EQ(labels.at("kubernetes.io/hostname"), "ip-10-0-2-12");
  EXPECT_FALSE(labels.contains("eks.amazonaws.com/nodegroup"));

  const std::string name = "ip-10-0-2-12";
  const auto at = [&](EventReason r) {
    const auto e = events_of(c, r, name);
    EXPECT_EQ(e.size(), 1u) << reason_name(r);
    return e.empty() ? Time{} : e[0].time;
  };
  EXPECT_EQ(at(EventReason::kLaunched), kTimeZero + 10s);
  EXPECT_EQ(at(EventReason::kRegisteredNode), kTimeZero + 30s);
  EXPECT_EQ(at(EventReason::kRegistered), kTimeZero + 30s);
  EXPECT_EQ(at(EventReason::kNodeReady), kTimeZero + 45s);
  EXPECT_EQ(at(EventReason::kInitialized), kTimeZero + 45s);
  EXPECT_EQ(events_of(c, EventReason::kLaunched, name)[0].message,
            "Launched m7g.large on-demand in ap-northeast-2c for NodePool default");
  EXPECT_EQ(events_of(c, EventReason::kRegisteredNode, name)[0].message,
            "Registered Node ip-10-0-2-12 in Controller");
  EXPECT_EQ(events_of(c, EventReason::kNodeReady, name)[0].message,
            "Node ip-10-0-2-12 status is now: NodeReady");
  c.remove_observer(&rec);
}

TEST(ClusterNodes, PendingPodBindsOnceTheLaunchedNodeIsReady) {
  Simulator sim;
  Cluster c(sim, with_batch());
  Recorder rec(sim);
  c.add_observer(&rec);
  sim.run_until(kTimeZero + 10s);
  const PodId batch = c.active_pods(deployment(c, "batch")).at(0);
  ASSERT_EQ(c.unschedulable_pods().size(), 1u);
  EXPECT_EQ(*c.unschedulable_pods().begin(), batch);
  EXPECT_EQ(c.pod(batch).unschedulable_since, kTimeZero);
  ASSERT_EQ(rec.unschedulable.size(), 1u);
  EXPECT_EQ(rec.unschedulable[0], std::make_pair(batch, kTimeZero));

  const NodeId id = c.launch_node(m7g_large(c));
  sim.run_until(kTimeZero + 44s);
  // Registration (NodeAdd) requeued the pod; the NotReady node turned it down.
  const auto failed = events_of(c, EventReason::kFailedScheduling, "shop/batch");
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[1].time, kTimeZero + 30s);
  EXPECT_TRUE(failed[1].message.starts_with(
      "0/5 nodes are available: 1 node(s) had untolerated taint(s), 4 Insufficient cpu."))
      << failed[1].message;
  EXPECT_EQ(c.pod(batch).stage, PodStage::kPending);
  EXPECT_EQ(c.pod(batch).unschedulable_since, kTimeZero);  // the first failure's time
  EXPECT_EQ(rec.unschedulable.size(), 1u);                 // heard once

  sim.run_until(kTimeZero + 45s);  // Ready: the taint's hint requeues it
  EXPECT_EQ(c.pod(batch).node, id);
  EXPECT_TRUE(c.unschedulable_pods().empty());
  const auto scheduled = events_of(c, EventReason::kScheduled, "shop/batch");
  ASSERT_EQ(scheduled.size(), 1u);
  EXPECT_EQ(scheduled[0].time, kTimeZero + 45s);
  EXPECT_EQ(scheduled[0].message,
            "Successfully assigned shop/" + c.pod(batch).name + " to ip-10-0-2-12");
  EXPECT_EQ(c.node_pods(id), std::vector<PodId>{batch});
  const scenario::Resources r = c.requested(id);
  EXPECT_EQ(r.cpu_milli, 1900);
  EXPECT_EQ(r.pods, 1);
  c.remove_observer(&rec);
}

// A pod tolerating not-ready still waits for the startup taint to go.
TEST(ClusterNodes, StartupTaintsBlockUntilInitialization) {
  manifest::Toleration not_ready;
  not_ready.key = "node.kubernetes.io/not-ready";
  not_ready.op = manifest::TolerationOperator::kExists;
  not_ready.effect = manifest::TaintEffect::kNoSchedule;
  Simulator sim;
  Cluster c(sim, with_batch({not_ready}));
  NodeLaunch l = m7g_large(c);
  l.startup_taints = {startup_taint()};
  l.taints = {{"dedicated", "batch", manifest::TaintEffect::kPreferNoSchedule}};
  const NodeId id = c.launch_node(l);
  sim.run_until(kTimeZero + 20s);
  ASSERT_NE(c.scheduler_node(id), nullptr);
  EXPECT_EQ(c.scheduler_node(id)->taints.size(), 3u);  // taint, startup, not-ready
  EXPECT_EQ(c.node(id).startup_taints.size(), 1u);
  const PodId batch = c.active_pods(deployment(c, "batch")).at(0);
  sim.run_until(kTimeZero + 34s);
  EXPECT_EQ(c.pod(batch).stage, PodStage::kPending);
  sim.run_until(kTimeZero + 35s);
  EXPECT_EQ(c.pod(batch).node, id);
  ASSERT_EQ(c.scheduler_node(id)->taints.size(), 1u);  // the node's own taint stays
  EXPECT_EQ(c.scheduler_node(id)->taints[0].key, "dedicated");
  EXPECT_TRUE(c.node(id).startup_taints.empty());
}

TEST(ClusterNodes, NodeGroupNodesAndGeneratedNamesAndSpot) {
  Simulator sim;
  Cluster c(sim, platform2());
  NodeLaunch l = m7g_large(c);
  l.node_pool.clear();
  l.node_group = "managed-arm64";
  l.capacity_type = CapacityType::kSpot;
  l.name = "i-0abc";
  l.labels = {{"team", "shop"}, {"kubernetes.io/arch", "amd64"}};
  const NodeId id = c.launch_node(l);
  const Node& n = c.node(id);
  EXPECT_EQ(n.name, "i-0abc");
  EXPECT_EQ(n.group, "managed-arm64");
  EXPECT_EQ(n.capacity_type, CapacityType::kSpot);
  EXPECT_EQ(n.labels.at("eks.amazonaws.com/nodegroup"), "managed-arm64");
  EXPECT_EQ(n.labels.at("eks.amazonaws.com/capacityType"), "SPOT");
  EXPECT_EQ(n.labels.at("team"), "shop");
  EXPECT_EQ(n.labels.at("kubernetes.io/arch"), "arm64");  // the implied label wins
  EXPECT_FALSE(n.labels.contains("karpenter.sh/nodepool"));
  EXPECT_EQ(capacity_type_label(CapacityType::kSpot), "spot");
  // The managed group's own nodes carry their identity too.
  const Node& first = c.node(NodeId{0});
  EXPECT_EQ(first.instance_type, "m7g.large");
  EXPECT_EQ(first.capacity_type, CapacityType::kOnDemand);
  EXPECT_EQ(first.stage, NodeStage::kReady);
  EXPECT_EQ(first.launched, kTimeZero);
  EXPECT_EQ(first.ready_since, kTimeZero);
}

// 245 nodes per zone fill 10.0.<zone>.10-254; the next ones move to 10.1.<zone>.x.
TEST(ClusterNodes, TheAddressPlanGoesPast245NodesAZone) {
  Simulator sim;
  Cluster c(sim, platform2());
  NodeLaunch l = m7g_large(c);
  NodeId last{};
  for (int i = 0; i < 300; ++i) last = c.launch_node(l);
  EXPECT_EQ(c.node(last).name, "ip-10-1-2-66");  // 2c's node k = 301: 10 + 301 - 245
  EXPECT_EQ(format_ip(c.node(last).ip), "10.1.2.66");
  sim.run_until(kTimeZero + 40s);
  EXPECT_EQ(c.scheduler_nodes().size(), 304u);
}

// add_node stays what it was: Ready at once, one NodeReady event.
TEST(ClusterNodes, AddNodeIsStillReadyAtOnce) {
  Simulator sim;
  Cluster c(sim, platform2());
  sim.run_until(kTimeZero + 5s);
  const NodeId id = c.add_node("managed-arm64");
  EXPECT_TRUE(c.node(id).ready);
  EXPECT_EQ(c.node(id).launched, kTimeZero + 5s);
  EXPECT_NE(c.scheduler_node(id), nullptr);
  EXPECT_EQ(events_of(c, EventReason::kNodeReady, c.node(id).name).size(), 1u);
  EXPECT_TRUE(events_of(c, EventReason::kLaunched).empty());
}

TEST(ClusterNodes, CordonBlocksNewPodsAndUncordonLetsThemIn) {
  Simulator sim;
  Cluster c(sim, platform2());
  sim.run_until(kTimeZero + 10s);
  for (const NodeId n : c.live_nodes()) c.cordon(n);
  c.cordon(NodeId{0});  // twice: nothing more
  EXPECT_EQ(events_of(c, EventReason::kNodeNotSchedulable).size(), 4u);
  EXPECT_EQ(events_of(c, EventReason::kNodeNotSchedulable)[0].message,
            "Node ip-10-0-1-10 status is now: NodeNotSchedulable");
  EXPECT_TRUE(c.node(NodeId{0}).unschedulable);
  EXPECT_TRUE(c.scheduler_nodes()[0].unschedulable);
  const DeploymentId d = deployment(c, "product-service");
  c.set_replicas(d, 3);
  sim.run_until(kTimeZero + 20s);
  const PodId third = c.active_pods(d).at(2);
  EXPECT_EQ(c.pod(third).stage, PodStage::kPending);
  EXPECT_TRUE(c.pod(third).unschedulable_message.starts_with(
      "0/4 nodes are available: 4 node(s) were unschedulable."))
      << c.pod(third).unschedulable_message;
  EXPECT_EQ(c.ready_replicas(d), 2);  // the pods already there stay
  c.uncordon(NodeId{3});
  EXPECT_EQ(events_of(c, EventReason::kNodeSchedulable).size(), 1u);
  sim.run_until(kTimeZero + 21s);
  EXPECT_EQ(c.pod(third).node, NodeId{3});
}

TEST(ClusterNodes, RequestedIsTheSchedulersSum) {
  Simulator sim;
  Cluster c(sim, platform2());
  sim.run_until(kTimeZero + 10s);
  std::int64_t cpu = 0;
  std::int32_t pods = 0;
  for (const NodeId n : c.live_nodes()) {
    const scenario::Resources r = c.requested(n);
    EXPECT_EQ(static_cast<std::size_t>(r.pods), c.node_pods(n).size());
    cpu += r.cpu_milli;
    pods += r.pods;
  }
  EXPECT_EQ(pods, 5);  // 2 product, 2 order, 1 kafka
  std::int64_t want = 0;
  for (const auto& n : c.scheduler_nodes()) {
    want += control::scheduler::node_requested(n).milli_cpu;
  }
  EXPECT_EQ(cpu, want);
}

TEST(ClusterNodes, EveryObserverHearsInOrder) {
  Simulator sim;
  Cluster c(sim, platform2());
  OnlyPodGone first;
  OnlyPodGone second;
  Recorder rec(sim);
  c.set_observer(&first);
  c.add_observer(&second);
  c.add_observer(&rec);
  sim.run_until(kTimeZero + 10s);
  c.delete_pod(c.active_pods(deployment(c, "product-service")).at(0));
  sim.run_until(kTimeZero + 60s);
  EXPECT_EQ(first.gone, 1);
  EXPECT_EQ(second.gone, 1);
  EXPECT_EQ(rec.pod_gone.size(), 1u);
  c.remove_observer(&second);
  c.set_observer(nullptr);
  c.delete_pod(c.active_pods(deployment(c, "order-service")).at(0));
  sim.run_until(kTimeZero + 120s);
  EXPECT_EQ(first.gone, 1);
  EXPECT_EQ(second.gone, 1);
  EXPECT_EQ(rec.pod_gone.size(), 2u);
  c.remove_observer(&rec);
}

TEST(ClusterNodes, NewReasonNames) {
  EXPECT_EQ(upstream_reason(EventReason::kRegisteredNode), "RegisteredNode");
  EXPECT_EQ(upstream_reason(EventReason::kRemovingNode), "RemovingNode");
  EXPECT_EQ(upstream_reason(EventReason::kNodeNotSchedulable), "NodeNotSchedulable");
  EXPECT_EQ(upstream_reason(EventReason::kNodeSchedulable), "NodeSchedulable");
  EXPECT_EQ(upstream_reason(EventReason::kEvicted), "Evicted");
  EXPECT_EQ(upstream_reason(EventReason::kFailedDraining), "FailedDraining");
  EXPECT_EQ(upstream_reason(EventReason::kDisrupted), "Disrupted");
  for (EventReason r :
       {EventReason::kLaunched, EventReason::kRegistered, EventReason::kInitialized}) {
    EXPECT_EQ(upstream_reason(r), "");
  }
  EXPECT_EQ(reason_name(EventReason::kLaunched), "Launched");
  EXPECT_EQ(reason_name(EventReason::kRegistered), "Registered");
  EXPECT_EQ(reason_name(EventReason::kInitialized), "Initialized");
  EXPECT_TRUE(is_warning(EventReason::kFailedDraining));
  EXPECT_FALSE(is_warning(EventReason::kEvicted));
}

}  // namespace
}  // namespace ksim::cluster
