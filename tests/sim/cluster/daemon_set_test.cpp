// DaemonSets: a pod per node the DaemonSet should run on (nodeSelector,
// node affinity, taints with the automatic tolerations), pinned to it, made
// when a node registers or turns Ready, counted in the node's requests, gone
// with its node, and left alone by drains (kubectl) or evicted last
// (Karpenter's terminator).
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

// A DaemonSet in namespace "logging" with one container requesting
// `cpu_milli` and 128Mi.
manifest::DaemonSet daemon_set(std::string name, std::int64_t cpu_milli) {
  manifest::DaemonSet d;
  d.meta.name = name;
  d.meta.namespace_ = "logging";
  d.selector.match_labels = {{"app", name}};
  d.template_.labels = {{"app", name}};
  manifest::Container c;
  c.name = name;
  c.image = name + ":1.0";
  c.requests_milli = {{"cpu", cpu_milli}, {"memory", 128LL * 1024 * 1024 * 1000}};
  d.template_.containers.push_back(c);
  return d;
}

manifest::Toleration tolerate_everything() {
  manifest::Toleration t;
  t.op = manifest::TolerationOperator::kExists;
  return t;
}

// The DaemonSet's pods that are not gone, with the node each is pinned to.
std::vector<PodId> live_pods(const Cluster& c, std::string_view name) {
  std::vector<PodId> out;
  const DaemonSet& ds = c.daemonset(*c.find_daemonset("logging", name));
  for (const PodId p : ds.by_node) {
    if (p != kNoPod) out.push_back(p);
  }
  return out;
}

bool has_pod_of(const Cluster& c, NodeId node, std::string_view name) {
  const auto& pods = c.node_pods(node);
  return std::any_of(pods.begin(), pods.end(), [&](PodId p) {
    return c.pod(p).owner_kind == OwnerKind::kDaemonSet && c.pod_owner(p).name == name;
  });
}

NodeLaunch m7g_large(const Cluster& c, std::vector<scenario::Taint> taints = {}) {
  NodeLaunch l;
  l.instance_type = "m7g.large";
  l.zone = "ap-northeast-2c";
  l.arch = "arm64";
  l.node_pool = "default";
  l.capacity = c.nodes()[0].capacity;
  l.allocatable = c.nodes()[0].allocatable;
  l.taints = std::move(taints);
  l.registration_delay = 20s;
  l.initialization_delay = 15s;
  return l;
}

TEST(DaemonSet, OnePodPerMatchingNodeBoundAndReady) {
  scenario::Scenario s = platform2();
  s.manifests.daemon_sets.push_back(daemon_set("agent", 100));
  Simulator sim;
  Cluster c(sim, s);
  sim.run_until(kTimeZero + 60s);
  const std::vector<PodId> pods = live_pods(c, "agent");
  ASSERT_EQ(pods.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    const Pod& p = c.pod(pods[i]);
    EXPECT_EQ(p.owner_kind, OwnerKind::kDaemonSet);
    EXPECT_EQ(p.daemon_node, id_at<NodeId>(i));
    EXPECT_EQ(p.node, id_at<NodeId>(i)) << "bound to the node it is pinned to";
    EXPECT_TRUE(p.ready());
    EXPECT_EQ(p.namespace_, "logging");
    ASSERT_EQ(p.name.size(), std::string("agent-").size() + 5);
    EXPECT_TRUE(p.name.starts_with("agent-"));
  }
  const DaemonSet& ds = c.daemonset(*c.find_daemonset("logging", "agent"));
  EXPECT_EQ(ds.pod_labels.at("app"), "agent");
  EXPECT_EQ(ds.pod_labels.at("pod-template-generation"), "1");
  EXPECT_FALSE(ds.pod_labels.at("controller-revision-hash").empty());
  EXPECT_EQ(events_of(c, EventReason::kSuccessfulCreate, "logging/agent").size(), 4u);
  EXPECT_TRUE(c.unschedulable_pods().empty());
}

TEST(DaemonSet, RequestedResourcesIncludeTheDaemonPod) {
  scenario::Scenario plain = platform2();
  scenario::Scenario with = platform2();
  with.manifests.daemon_sets.push_back(daemon_set("agent", 150));
  Simulator sim_a, sim_b;
  Cluster a(sim_a, plain);
  Cluster b(sim_b, with);
  sim_a.run_until(kTimeZero + 60s);
  sim_b.run_until(kTimeZero + 60s);
  for (std::size_t i = 0; i < 4; ++i) {
    const scenario::Resources ra = a.requested(id_at<NodeId>(i));
    const scenario::Resources rb = b.requested(id_at<NodeId>(i));
    EXPECT_EQ(rb.cpu_milli - ra.cpu_milli, 150) << i;
    EXPECT_EQ(rb.memory_bytes - ra.memory_bytes, 128LL * 1024 * 1024) << i;
    EXPECT_EQ(rb.pods - ra.pods, 1) << i;
  }
}

TEST(DaemonSet, NodeSelectorAffinityAndTaintsDecide) {
  scenario::Scenario s = platform2();
  manifest::DaemonSet zonal = daemon_set("zonal", 50);
  zonal.template_.node_selector = {{"topology.kubernetes.io/zone", "ap-northeast-2a"}};
  manifest::DaemonSet amd = daemon_set("amd", 50);
  manifest::NodeSelectorTerm term;
  term.match_expressions.push_back(
      {"kubernetes.io/arch", manifest::NodeSelectorOperator::kIn, {"amd64"}});
  amd.template_.node_affinity.required.push_back(term);
  manifest::DaemonSet plain = daemon_set("plain", 50);
  manifest::DaemonSet tolerant = daemon_set("tolerant", 50);
  tolerant.template_.tolerations.push_back(tolerate_everything());
  s.manifests.daemon_sets = {zonal, amd, plain, tolerant};
  Simulator sim;
  Cluster c(sim, s);
  sim.run_until(kTimeZero + 60s);
  EXPECT_EQ(live_pods(c, "zonal").size(), 2u);  // nodes 0 and 2 are in 2a
  EXPECT_TRUE(has_pod_of(c, id_at<NodeId>(0), "zonal"));
  EXPECT_FALSE(has_pod_of(c, id_at<NodeId>(1), "zonal"));
  EXPECT_TRUE(live_pods(c, "amd").empty());  // every node is arm64
  EXPECT_EQ(live_pods(c, "plain").size(), 4u);

  // A dedicated node: only the DaemonSet tolerating its taint runs there.
  const scenario::Taint dedicated{"dedicated", "gpu", manifest::TaintEffect::kNoSchedule};
  const NodeId n = c.launch_node(m7g_large(c, {dedicated}));
  sim.run_until(sim.now() + 60s);
  ASSERT_TRUE(c.node(n).ready);
  EXPECT_TRUE(has_pod_of(c, n, "tolerant"));
  EXPECT_FALSE(has_pod_of(c, n, "plain"));
  EXPECT_FALSE(c.should_run_daemon_pod(*c.find_daemonset("logging", "plain"), n));
  EXPECT_TRUE(c.should_run_daemon_pod(*c.find_daemonset("logging", "tolerant"), n));
}

TEST(DaemonSet, NewNodeGetsItsPodOnceRegisteredOrReady) {
  scenario::Scenario s = platform2();
  manifest::DaemonSet tolerant = daemon_set("tolerant", 100);
  tolerant.template_.tolerations.push_back(tolerate_everything());
  s.manifests.daemon_sets = {daemon_set("plain", 100), tolerant};
  Simulator sim;
  Cluster c(sim, s);
  sim.run_until(kTimeZero + 10s);
  const Time launched = sim.now();
  const NodeId n = c.launch_node(m7g_large(c));
  sim.run_until(launched + 19s);
  EXPECT_FALSE(has_pod_of(c, n, "tolerant"));
  EXPECT_EQ(live_pods(c, "tolerant").size(), 4u);  // no Node object yet
  // Registered (NotReady, node.kubernetes.io/not-ready:NoSchedule): the
  // DaemonSet tolerating everything is placed at once; the plain one does
  // not tolerate the NoSchedule taint (its automatic toleration is
  // NoExecute), so the controller waits for Ready.
  sim.run_until(launched + 21s);
  EXPECT_TRUE(has_pod_of(c, n, "tolerant"));
  EXPECT_EQ(live_pods(c, "plain").size(), 4u);
  EXPECT_EQ(c.pod(live_pods(c, "tolerant").back()).created, launched + 20s);
  sim.run_until(launched + 36s);
  ASSERT_TRUE(c.node(n).ready);
  ASSERT_EQ(live_pods(c, "plain").size(), 5u);
  const Pod& p = c.pod(live_pods(c, "plain").back());
  EXPECT_EQ(p.created, launched + 35s);
  EXPECT_EQ(p.node, n);
  // Nothing a node autoscaler should provision for was ever pending.
  EXPECT_TRUE(c.unschedulable_pods().empty());
}

TEST(DaemonSet, PodDiesWithItsNodeAndIsReplacedWhenDeleted) {
  scenario::Scenario s = platform2();
  s.manifests.daemon_sets.push_back(daemon_set("agent", 100));
  Simulator sim;
  Cluster c(sim, s);
  sim.run_until(kTimeZero + 60s);
  const PodId first = live_pods(c, "agent")[3];
  c.delete_pod(first);
  sim.run_until(sim.now() + 60s);
  EXPECT_EQ(c.pod(first).stage, PodStage::kGone);
  ASSERT_EQ(live_pods(c, "agent").size(), 4u);
  const PodId second = live_pods(c, "agent")[3];
  EXPECT_NE(second, first);
  EXPECT_EQ(c.pod(second).node, id_at<NodeId>(3));

  c.delete_node(id_at<NodeId>(3));
  EXPECT_EQ(c.pod(second).stage, PodStage::kGone);
  sim.run_until(sim.now() + 60s);
  EXPECT_EQ(live_pods(c, "agent").size(), 3u);  // not recreated anywhere
}

TEST(DaemonSet, KubectlDrainLeavesDaemonPods) {
  scenario::Scenario s = platform2();
  s.manifests.daemon_sets.push_back(daemon_set("agent", 100));
  Simulator sim;
  Cluster c(sim, s);
  sim.run_until(kTimeZero + 60s);
  const NodeId node = id_at<NodeId>(0);
  const PodId daemon = live_pods(c, "agent")[0];
  c.drain(node);
  sim.run_until(sim.now() + 5min);
  EXPECT_FALSE(c.node(node).draining) << "the drain finished";
  EXPECT_TRUE(c.node(node).unschedulable);
  ASSERT_EQ(c.node_pods(node), std::vector<PodId>{daemon});
  EXPECT_TRUE(c.pod(daemon).ready());
  EXPECT_TRUE(events_of(c, EventReason::kEvicted, "logging/").empty());
}

TEST(DaemonSet, KarpenterDrainEvictsDaemonPodsLastOrLeavesTolerantOnes) {
  scenario::Scenario s = platform2();
  manifest::DaemonSet tolerant = daemon_set("tolerant", 100);
  tolerant.template_.tolerations.push_back(tolerate_everything());
  s.manifests.daemon_sets = {daemon_set("plain", 100), tolerant};
  Simulator sim;
  Cluster c(sim, s);
  const NodeId n = c.launch_node(m7g_large(c));
  sim.run_until(kTimeZero + 60s);
  ASSERT_TRUE(has_pod_of(c, n, "plain"));
  ASSERT_TRUE(has_pod_of(c, n, "tolerant"));
  const PodId plain = live_pods(c, "plain").back();
  const PodId tolerant_pod = live_pods(c, "tolerant").back();
  // An ordinary pod on the node too: Platform 2's order-service, scaled up.
  const DeploymentId d = deployment(c, "order-service");
  c.set_replicas(d, 12);
  sim.run_until(sim.now() + 60s);
  const auto& on_node = c.node_pods(n);
  const auto other = std::find_if(on_node.begin(), on_node.end(), [&](PodId p) {
    return c.pod(p).owner_kind == OwnerKind::kReplicaSet;
  });
  ASSERT_NE(other, on_node.end());
  const PodId worker = *other;

  DrainOptions o;
  o.delete_when_drained = true;
  o.evict_daemon_set_pods = true;
  const Time start = sim.now();
  c.drain(n, o);
  // The ordinary pod is evicted first; the daemon pod not tolerating
  // karpenter.sh/disrupted waits for it to be evicted, then goes too.
  EXPECT_EQ(c.pod(worker).stage, PodStage::kTerminating);
  EXPECT_EQ(c.pod(plain).stage, PodStage::kTerminating);
  EXPECT_TRUE(c.pod(tolerant_pod).active()) << "tolerates the disrupted taint: not drained";
  const auto evicted = events_of(c, EventReason::kEvicted, "logging/");
  ASSERT_EQ(evicted.size(), 1u);
  EXPECT_EQ(evicted[0].object, "logging/" + c.pod(plain).name);
  sim.run_until(start + 2min);
  EXPECT_EQ(c.node(n).stage, NodeStage::kGone) << "deleted once the waited-for pods went";
  EXPECT_EQ(c.pod(tolerant_pod).stage, PodStage::kGone);
  // The controller did not bring the evicted daemon pod back meanwhile.
  EXPECT_EQ(events_of(c, EventReason::kSuccessfulCreate, "logging/plain").size(), 5u);
}

}  // namespace
}  // namespace ksim::cluster
