// The Eviction API against platform 2's PDBs (minAvailable 1 over 2
// replicas), drain with kubectl's 5 s retry and Karpenter's forced
// deadline, delete_node, and the determinism of the log through all of it.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "helpers.h"

namespace ksim::cluster {
namespace {

using namespace std::chrono_literals;
using namespace testing;

constexpr std::string_view kRefused =
    "Cannot evict pod as it would violate the pod's disruption budget.";

struct GoneRecorder : ClusterObserver {
  explicit GoneRecorder(const Simulator& s) : sim(s) {}
  const Simulator& sim;
  std::vector<PodId> pods;
  std::vector<std::pair<NodeId, Time>> nodes;
  void on_pod_gone(PodId pod) override { pods.push_back(pod); }
  void on_node_gone(NodeId node) override { nodes.emplace_back(node, sim.now()); }
};

std::string obj(const Cluster& c, PodId p) { return "shop/" + c.pod(p).name; }

// Steps the simulation a second at a time until the pod is Ready (at most 2 min).
void run_until_ready(Simulator& sim, const Cluster& c, PodId p) {
  const Time limit = sim.now() + 120s;
  while (!c.pod(p).ready() && sim.now() < limit) sim.run_until(sim.now() + 1s);
  ASSERT_TRUE(c.pod(p).ready());
}

TEST(ClusterEviction, RespectsThePdb) {
  Simulator sim;
  Cluster c(sim, platform2());
  sim.run_until(kTimeZero + 10s);
  const DeploymentId d = deployment(c, "product-service");
  const PdbId pdb = *c.find_pdb("shop", "product-service");
  const std::vector<PodId> pods = c.active_pods(d);
  ASSERT_EQ(pods.size(), 2u);
  const PodId a = pods[0];
  const PodId b = pods[1];
  EXPECT_EQ(c.disruptions_allowed(pdb), 1);

  EXPECT_EQ(c.evict(a), std::nullopt);
  EXPECT_EQ(c.pod(a).stage, PodStage::kTerminating);
  const auto evicted = events_of(c, EventReason::kEvicted, obj(c, a));
  ASSERT_EQ(evicted.size(), 1u);
  EXPECT_EQ(evicted[0].message, "Evicted pod");
  EXPECT_EQ(evicted[0].time, kTimeZero + 10s);
  ASSERT_EQ(c.active_pods(d).size(), 2u);  // the ReplicaSet replaced it at once
  const PodId r = c.active_pods(d)[1];
  EXPECT_EQ(c.disruptions_allowed(pdb), 0);

  EXPECT_EQ(c.evict(b), std::string(kRefused));
  EXPECT_TRUE(c.pod(b).ready());
  EXPECT_TRUE(events_of(c, EventReason::kEvicted, obj(c, b)).empty());

  // A pod in phase Pending goes without a PDB check (canIgnorePDB).
  EXPECT_EQ(c.pod(r).phase, PodPhase::kPending);
  EXPECT_EQ(c.evict(r), std::nullopt);
  EXPECT_EQ(c.pod(r).stage, PodStage::kGone);
  const PodId r2 = c.active_pods(d)[1];

  sim.run_until(sim.now() + 1s);
  EXPECT_EQ(c.evict(b), std::string(kRefused));  // the replacement is not Ready yet
  run_until_ready(sim, c, r2);
  EXPECT_EQ(c.disruptions_allowed(pdb), 1);
  EXPECT_EQ(c.evict(b), std::nullopt);
  EXPECT_EQ(c.evict(b), std::nullopt);  // already terminating: accepted, nothing more
  EXPECT_EQ(events_of(c, EventReason::kEvicted, obj(c, b)).size(), 1u);

  sim.run_until(sim.now() + 60s);
  ASSERT_EQ(c.pod(a).stage, PodStage::kGone);
  EXPECT_EQ(c.evict(a), "pods \"" + c.pod(a).name + "\" not found");
  EXPECT_EQ(c.ready_replicas(d), 2);
}

// unhealthyPodEvictionPolicy IfHealthyBudget: a Running pod that is not
// Ready goes while the budget is met without it, even at
// disruptionsAllowed 0.
TEST(ClusterEviction, NotReadyPodGoesWhileTheBudgetIsMet) {
  scenario::Scenario s = platform2();
  s.timings.readiness_probe.initial_delay = 60s;
  Simulator sim;
  Cluster c(sim, s);
  const DeploymentId d = deployment(c, "product-service");
  const PdbId pdb = *c.find_pdb("shop", "product-service");
  sim.run_until(kTimeZero + 80s);
  const PodId a = c.active_pods(d)[0];
  ASSERT_TRUE(c.pod(a).ready());
  EXPECT_EQ(c.evict(a), std::nullopt);
  const PodId r = c.active_pods(d)[1];
  sim.run_until(kTimeZero + 100s);
  ASSERT_EQ(c.pod(r).stage, PodStage::kRunning);  // started, readiness 60 s away
  EXPECT_EQ(c.pdb_status(pdb), (PdbStatus{3, 1, 1, 0}));
  EXPECT_EQ(c.evict(r), std::nullopt);
  EXPECT_EQ(c.pod(r).stage, PodStage::kTerminating);
  // The Ready one is still protected.
  EXPECT_EQ(c.evict(c.active_pods(d)[0]), std::string(kRefused));
}

TEST(ClusterDrain, EmptiesTheNodeAndDeleteNodeRemovesIt) {
  Simulator sim;
  Cluster c(sim, platform2());
  GoneRecorder rec(sim);
  c.add_observer(&rec);
  sim.run_until(kTimeZero + 10s);
  const DeploymentId product = deployment(c, "product-service");
  const NodeId n = c.pod(c.active_pods(product)[0]).node;
  const std::vector<PodId> on_node = c.node_pods(n);
  ASSERT_FALSE(on_node.empty());

  c.drain(n);
  EXPECT_TRUE(c.node(n).unschedulable);
  EXPECT_TRUE(c.node(n).draining);
  EXPECT_TRUE(events_of(c, EventReason::kFailedDraining).empty());
  for (const PodId p : on_node) {
    EXPECT_FALSE(c.pod(p).active()) << c.pod(p).name;
    EXPECT_EQ(events_of(c, EventReason::kEvicted, obj(c, p)).size(), 1u);
  }

  sim.run_until(kTimeZero + 71s);  // every grace period over (kafka's is 60 s)
  EXPECT_TRUE(c.node_pods(n).empty());
  EXPECT_FALSE(c.node(n).draining);
  EXPECT_EQ(c.node(n).stage, NodeStage::kReady);  // kubectl drain leaves the node
  for (const char* name : {"product-service", "order-service"}) {
    const DeploymentId d = deployment(c, name);
    EXPECT_EQ(c.ready_replicas(d), 2) << name;
    for (const PodId p : c.active_pods(d)) EXPECT_NE(c.pod(p).node, n);
  }

  c.delete_node(n);
  EXPECT_EQ(c.node(n).stage, NodeStage::kGone);
  EXPECT_EQ(c.node(n).deleted, kTimeZero + 71s);
  EXPECT_EQ(c.scheduler_node(n), nullptr);
  EXPECT_EQ(c.scheduler_nodes().size(), 3u);
  EXPECT_EQ(c.live_nodes().size(), 3u);
  EXPECT_EQ(c.nodes().size(), 4u);  // kept for accounting
  const auto removing = events_of(c, EventReason::kRemovingNode);
  ASSERT_EQ(removing.size(), 1u);
  EXPECT_EQ(removing[0].message, "Removing Node " + c.node(n).name + " from Controller");
  ASSERT_EQ(rec.nodes.size(), 1u);
  EXPECT_EQ(rec.nodes[0], std::make_pair(n, kTimeZero + 71s));
  c.delete_node(n);  // twice: nothing more
  EXPECT_EQ(events_of(c, EventReason::kRemovingNode).size(), 1u);

  c.set_replicas(product, 4);  // the scheduler no longer offers the node
  sim.run_until(kTimeZero + 90s);
  EXPECT_EQ(c.ready_replicas(product), 4);
  c.remove_observer(&rec);
}

// Two drains at once: the second node's product-service pod is refused while
// the first one's replacement is not Ready, and retried every 5 s.
TEST(ClusterDrain, RetriesRefusedEvictionsEveryFiveSeconds) {
  Simulator sim;
  Cluster c(sim, platform2());
  GoneRecorder rec(sim);
  c.add_observer(&rec);
  sim.run_until(kTimeZero + 10s);
  const DeploymentId d = deployment(c, "product-service");
  const PodId a = c.active_pods(d)[0];
  const PodId b = c.active_pods(d)[1];
  const NodeId na = c.pod(a).node;
  const NodeId nb = c.pod(b).node;
  ASSERT_NE(na, nb);
  DrainOptions o;
  o.delete_when_drained = true;
  c.drain(na, o);
  c.drain(nb, o);
  const PodId r = c.active_pods(d).at(1);  // a's replacement
  EXPECT_TRUE(c.pod(b).active());
  const auto failed = events_of(c, EventReason::kFailedDraining, c.node(nb).name);
  ASSERT_GE(failed.size(), 1u);
  EXPECT_EQ(failed[0].time, kTimeZero + 10s);
  EXPECT_TRUE(is_warning(failed[0].reason));
  const std::string want =
      "Failed to drain node, evicting pod " + obj(c, b) + ": " + std::string(kRefused);
  EXPECT_TRUE(std::ranges::any_of(failed, [&](const Event& e) { return e.message == want; }));

  sim.run_until(kTimeZero + 200s);
  const auto evicted = events_of(c, EventReason::kEvicted, obj(c, b));
  ASSERT_EQ(evicted.size(), 1u);
  const Time t = evicted[0].time;
  const Time ready = c.pod(r).ready_since;
  EXPECT_GE(t, ready);
  EXPECT_LT(t, ready + 5s);
  EXPECT_EQ((t - (kTimeZero + 10s)) % Duration{5s}, Duration{0});
  // One FailedDraining per refused pod, however many retries.
  EXPECT_EQ(std::ranges::count_if(events_of(c, EventReason::kFailedDraining, c.node(nb).name),
                                  [&](const Event& e) { return e.message == want; }),
            1);
  // Both nodes went once empty.
  EXPECT_EQ(c.node(na).stage, NodeStage::kGone);
  EXPECT_EQ(c.node(nb).stage, NodeStage::kGone);
  EXPECT_EQ(rec.nodes.size(), 2u);
  EXPECT_EQ(c.ready_replicas(d), 2);
  EXPECT_EQ(c.scheduler_nodes().size(), 2u);
  c.remove_observer(&rec);
}

// No node left for the replacement: the PDB blocks for good, and the
// NodePool's terminationGracePeriod (60 s) forces the pod out at deadline -
// its own 30 s, and the node at the deadline.
TEST(ClusterDrain, TerminationGracePeriodForcesThePodsAndTheNode) {
  Simulator sim;
  Cluster c(sim, platform2());
  sim.run_until(kTimeZero + 10s);
  const DeploymentId d = deployment(c, "product-service");
  const PodId a = c.active_pods(d)[0];
  const PodId b = c.active_pods(d)[1];
  const NodeId na = c.pod(a).node;
  const NodeId nb = c.pod(b).node;
  for (const NodeId n : c.live_nodes()) c.cordon(n);
  c.drain(na);
  DrainOptions o;
  o.termination_grace_period = 60s;
  c.drain(nb, o);
  sim.run_until(kTimeZero + 39s);
  EXPECT_TRUE(c.pod(b).active());
  EXPECT_TRUE(events_of(c, EventReason::kDisrupted, obj(c, b)).empty());
  sim.run_until(kTimeZero + 40s);
  EXPECT_EQ(c.pod(b).stage, PodStage::kTerminating);
  const auto disrupted = events_of(c, EventReason::kDisrupted, obj(c, b));
  ASSERT_EQ(disrupted.size(), 1u);
  EXPECT_EQ(disrupted[0].message,
            "Deleting the pod to accommodate the terminationTime 1m10s of the node. The pod was "
            "granted 30s of grace-period of its 30s terminationGracePeriodSeconds. This bypasses "
            "the PDB of the pod and the do-not-disrupt annotation.");
  sim.run_until(kTimeZero + 69s);
  EXPECT_NE(c.node(nb).stage, NodeStage::kGone);
  sim.run_until(kTimeZero + 70s);
  EXPECT_EQ(c.node(nb).stage, NodeStage::kGone);
  EXPECT_EQ(c.node(nb).deleted, kTimeZero + 70s);
  EXPECT_EQ(c.pod(b).stage, PodStage::kGone);
  EXPECT_EQ(c.node(na).stage, NodeStage::kReady);  // drained, not asked to go
  EXPECT_TRUE(c.node_pods(na).empty());
}

TEST(ClusterDrain, DeleteNodeTakesItsPodsAtOnce) {
  Simulator sim;
  Cluster c(sim, platform2());
  GoneRecorder rec(sim);
  c.add_observer(&rec);
  sim.run_until(kTimeZero + 10s);
  const NodeId n = c.pod(c.active_pods(deployment(c, "product-service"))[0]).node;
  const std::vector<PodId> on_node = c.node_pods(n);
  c.delete_node(n);
  for (const PodId p : on_node) {
    EXPECT_EQ(c.pod(p).stage, PodStage::kGone);
    const auto gone = events_of(c, EventReason::kPodDeleted, obj(c, p));
    ASSERT_EQ(gone.size(), 1u);
    EXPECT_EQ(gone[0].message, "gone with its node " + c.node(n).name + " after 0s of termination");
    EXPECT_NE(std::ranges::find(rec.pods, p), rec.pods.end());
  }
  ASSERT_EQ(rec.nodes.size(), 1u);
  sim.run_until(kTimeZero + 60s);
  for (const char* name : {"product-service", "order-service"}) {
    EXPECT_EQ(c.ready_replicas(deployment(c, name)), 2) << name;
  }
  EXPECT_EQ(c.ready_replicas(*c.find_statefulset("shop", "kafka")), 1);
  c.remove_observer(&rec);
}

TEST(ClusterDrain, DeletingANodeBeforeItRegisters) {
  Simulator sim;
  Cluster c(sim, platform2());
  NodeLaunch l;
  l.instance_type = "m7g.large";
  l.zone = "ap-northeast-2a";
  l.allocatable = c.nodes()[0].allocatable;
  l.registration_delay = 20s;
  l.initialization_delay = 10s;
  const NodeId id = c.launch_node(l);
  sim.run_until(kTimeZero + 5s);
  c.delete_node(id);
  sim.run_until(kTimeZero + 60s);
  EXPECT_EQ(c.node(id).stage, NodeStage::kGone);
  EXPECT_EQ(c.node(id).deleted, kTimeZero + 5s);
  EXPECT_TRUE(events_of(c, EventReason::kRegisteredNode).empty());
  EXPECT_TRUE(events_of(c, EventReason::kRemovingNode).empty());
  EXPECT_EQ(c.scheduler_nodes().size(), 4u);
}

std::string lifecycle_log() {
  Simulator sim;
  Cluster c(sim, platform2());
  sim.run_until(kTimeZero + 10s);
  NodeLaunch l;
  l.instance_type = "m7g.large";
  l.zone = "ap-northeast-2c";
  l.arch = "arm64";
  l.node_pool = "default";
  l.allocatable = c.nodes()[0].allocatable;
  l.registration_delay = 25s;
  l.initialization_delay = 12s;
  c.launch_node(l);
  sim.run_until(kTimeZero + 50s);
  const DeploymentId d = deployment(c, "product-service");
  DrainOptions o;
  o.delete_when_drained = true;
  const NodeId first = c.pod(c.active_pods(d)[0]).node;
  const NodeId second = c.pod(c.active_pods(d)[1]).node;
  c.drain(first, o);
  c.drain(second, o);
  sim.run_until(kTimeZero + 300s);
  return dump(c);
}

TEST(ClusterDrain, TheLogIsDeterministic) {
  const std::string first = lifecycle_log();
  EXPECT_EQ(first, lifecycle_log());
  for (const char* reason : {" Launched: ", " RegisteredNode: ", " Initialized: ", " Evicted: ",
                             " FailedDraining: ", " RemovingNode: "}) {
    EXPECT_NE(first.find(reason), std::string::npos) << reason;
  }
}

}  // namespace
}  // namespace ksim::cluster
