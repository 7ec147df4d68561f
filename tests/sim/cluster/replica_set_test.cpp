// Deployments and the ReplicaSet controller in the cluster: scaling 2 -> 6 ->
// 2 on platform 2, the pods deleted in upstream's getPodsToDelete order, a
// deleted pod replaced, pods deleted before they run.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "helpers.h"

namespace ksim::cluster {
namespace {

using namespace std::chrono_literals;
using namespace testing;

std::vector<std::string> deleted_pods(const Cluster& c) {
  std::vector<std::string> out;
  for (const Event& e : events_of(c, EventReason::kSuccessfulDelete)) {
    out.push_back(e.message.substr(std::string("Deleted pod: ").size()));
  }
  return out;
}

// Scale-up at 60 s: the four new pods spread one per node, so the nodes of
// the two original product pods hold two (their new pods find the image
// cached: Ready at 61 s) and the order-service nodes one (pulled: Ready at
// 66 s). Scale-down at 180 s deletes 4: the doubled-up pods first (rank 2,
// step 5 of Less) whatever their age, so both original pods go; among them
// the ones Ready at 61 s (log2 bucket of 119 s in ns: 36) before those Ready
// at 6 s (174 s: 37).
TEST(ClusterReplicaSet, Scale2To6To2DeletesInUpstreamOrder) {
  Simulator sim;
  Cluster c(sim, platform2());
  const DeploymentId d = deployment(c, "product-service");
  const std::string rs = c.replica_set(c.deployment(d).replica_set).name;
  sim.run_until(kTimeZero + 60s);
  const std::vector<PodId> original = c.active_pods(d);
  c.set_replicas(d, 6);
  EXPECT_EQ(c.deployment(d).replicas, 6);
  EXPECT_EQ(c.active_pods(d).size(), 6u);
  sim.run_until(kTimeZero + 180s);
  EXPECT_EQ(c.ready_replicas(d), 6);

  std::map<NodeId, int> per_node;
  for (PodId p : c.active_pods(d)) ++per_node[c.pod(p).node];
  ASSERT_EQ(per_node.size(), 4u);
  std::vector<PodId> doubled_new, doubled_old, single;
  for (PodId p : c.active_pods(d)) {
    const bool old = std::ranges::find(original, p) != original.end();
    if (per_node[c.pod(p).node] == 2) {
      (old ? doubled_old : doubled_new).push_back(p);
    } else {
      single.push_back(p);
    }
  }
  // The original pods' nodes got the two cached-image replicas.
  ASSERT_EQ(doubled_old.size(), 2u);
  ASSERT_EQ(doubled_new.size(), 2u);
  ASSERT_EQ(single.size(), 2u);
  for (PodId p : doubled_new) EXPECT_EQ(c.pod(p).ready_since, kTimeZero + 61s);
  for (PodId p : single) EXPECT_EQ(c.pod(p).ready_since, kTimeZero + 66s);  // pulled 5 s

  c.set_replicas(d, 2);
  const auto scaled = events_of(c, EventReason::kScalingReplicaSet, "shop/product-service");
  ASSERT_EQ(scaled.size(), 3u);
  EXPECT_EQ(scaled[1].message, "Scaled up replica set " + rs + " to 6 from 2");
  EXPECT_EQ(scaled[2].message, "Scaled down replica set " + rs + " to 2 from 6");
  const std::vector<std::string> deleted = deleted_pods(c);
  ASSERT_EQ(deleted.size(), 4u);
  const auto name = [&c](PodId p) { return c.pod(p).name; };
  EXPECT_EQ((std::set<std::string>{deleted[0], deleted[1]}),
            (std::set<std::string>{name(doubled_new[0]), name(doubled_new[1])}));
  EXPECT_EQ((std::set<std::string>{deleted[2], deleted[3]}),
            (std::set<std::string>{name(doubled_old[0]), name(doubled_old[1])}));
  // The survivors are the two newer single pods, one per zone.
  EXPECT_EQ((std::set<PodId>(c.active_pods(d).begin(), c.active_pods(d).end())),
            (std::set<PodId>(single.begin(), single.end())));
  for (PodId p : doubled_new) EXPECT_EQ(c.pod(p).stage, PodStage::kTerminating);
  EXPECT_EQ(c.ready_replicas(d), 2);

  sim.run_until(kTimeZero + 240s);
  for (PodId p : doubled_old) EXPECT_EQ(c.pod(p).stage, PodStage::kGone);
  const auto gone = events_of(c, EventReason::kPodDeleted);
  ASSERT_EQ(gone.size(), 4u);
  EXPECT_EQ(gone[0].time, kTimeZero + 210s);  // terminationGracePeriodSeconds 30
}

// 6 -> 5 deletes one of the two newest doubled-up pods: the UID decides
// between pods Ready in the same second.
TEST(ClusterReplicaSet, ScaleDownByOneTakesANewestDoubledUpPod) {
  Simulator sim;
  Cluster c(sim, platform2());
  const DeploymentId d = deployment(c, "product-service");
  sim.run_until(kTimeZero + 60s);
  const std::vector<PodId> original = c.active_pods(d);
  c.set_replicas(d, 6);
  sim.run_until(kTimeZero + 180s);
  c.set_replicas(d, 5);
  const std::vector<std::string> deleted = deleted_pods(c);
  ASSERT_EQ(deleted.size(), 1u);
  const PodId victim = *c.find_pod("shop", deleted[0]);
  EXPECT_EQ(std::ranges::find(original, victim), original.end());
  EXPECT_EQ(c.pod(victim).ready_since, kTimeZero + 61s);
}

TEST(ClusterReplicaSet, DeletedPodIsReplaced) {
  Simulator sim;
  Cluster c(sim, platform2());
  const DeploymentId d = deployment(c, "order-service");
  sim.run_until(kTimeZero + 60s);
  const PodId victim = c.active_pods(d).at(0);
  c.delete_pod(victim);
  EXPECT_EQ(c.pod(victim).stage, PodStage::kTerminating);
  EXPECT_EQ(c.active_pods(d).size(), 2u);
  EXPECT_EQ(std::ranges::find(c.active_pods(d), victim), c.active_pods(d).end());
  EXPECT_EQ(events_of(c, EventReason::kSuccessfulCreate, "shop/order-service").size(), 3u);
  const auto killing = events_of(c, EventReason::kKilling);
  ASSERT_EQ(killing.size(), 1u);
  EXPECT_EQ(killing[0].message, "Stopping container order-service");
  c.delete_pod(victim);  // already terminating: nothing happens
  EXPECT_EQ(events_of(c, EventReason::kKilling).size(), 1u);
  sim.run_until(kTimeZero + 120s);
  EXPECT_EQ(c.ready_replicas(d), 2);
}

// An unbound pod is deleted at once (no grace period), as is a pod whose
// containers have not started; a pod being bound is forgotten by the scheduler.
TEST(ClusterReplicaSet, PodsDeletedBeforeTheyRunGoAtOnce) {
  scenario::Scenario s = platform2();
  s.timings.scheduling_ms = scenario::Distribution::constant(500);
  Simulator sim;
  Cluster c(sim, s);
  const DeploymentId d = deployment(c, "order-service");
  sim.run_until(kTimeZero + 100ms);  // assumed, binding in flight
  const PodId binding = c.active_pods(d).at(0);
  EXPECT_EQ(c.pod(binding).stage, PodStage::kBinding);
  c.delete_pod(binding);
  EXPECT_EQ(c.pod(binding).stage, PodStage::kGone);
  sim.run_until(kTimeZero + 2s);  // bound and pulling
  const PodId pulling = c.active_pods(d).at(0);
  EXPECT_EQ(c.pod(pulling).stage, PodStage::kStarting);
  c.delete_pod(pulling);
  sim.run_until(kTimeZero + 2s);
  EXPECT_EQ(c.pod(pulling).stage, PodStage::kGone);
  EXPECT_TRUE(events_of(c, EventReason::kKilling).empty());
  EXPECT_TRUE(events_of(c, EventReason::kScheduled, "shop/" + c.pod(binding).name).empty());
  sim.run_until(kTimeZero + 60s);
  EXPECT_EQ(c.ready_replicas(d), 2);
  // The scheduler's cache holds exactly the live pods.
  std::size_t cached = 0;
  for (const auto& n : c.scheduler_nodes()) cached += n.pods.size();
  EXPECT_EQ(cached, 5u);  // the four service pods and kafka-0
}

TEST(ClusterReplicaSet, ScaleToZeroAndBack) {
  Simulator sim;
  Cluster c(sim, platform2());
  const DeploymentId d = deployment(c, "product-service");
  sim.run_until(kTimeZero + 60s);
  c.set_replicas(d, 0);
  EXPECT_TRUE(c.active_pods(d).empty());
  c.set_replicas(d, 0);  // no change, no event
  EXPECT_EQ(events_of(c, EventReason::kScalingReplicaSet, "shop/product-service").size(), 2u);
  sim.run_until(kTimeZero + 120s);
  c.set_replicas(d, 3);
  sim.run_until(kTimeZero + 180s);
  EXPECT_EQ(c.ready_replicas(d), 3);
}

}  // namespace
}  // namespace ksim::cluster
