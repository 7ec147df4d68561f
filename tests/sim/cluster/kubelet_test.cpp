// The kubelet's side of the cluster: image pulls serialized per node with an
// image cache, IfNotPresent vs Always, containers started in order, the
// readiness probe, graceful termination.
#include <gtest/gtest.h>

#include <chrono>

#include "helpers.h"

namespace ksim::cluster {
namespace {

using namespace std::chrono_literals;
using namespace testing;

// One node: both Deployments' pods land on it, so their pulls queue.
scenario::Scenario one_node() {
  scenario::Scenario s = platform2();
  s.node_groups[0].count = 1;
  return s;
}

std::string obj(const Cluster& c, PodId p) { return "shop/" + c.pod(p).name; }

// Bound at 0 in creation order: order pod 1 pulls 0-5 s; order pod 2 finds
// the pull of its image under way, queues behind it (5 s) and takes no time
// (layers cached); product pod 1 pulls 5-10 s; product pod 2 waits to 10 s.
TEST(ClusterKubelet, PullsAreSerializedPerNode) {
  Simulator sim;
  Cluster c(sim, one_node());
  sim.run_until(kTimeZero + 60s);
  const auto order = c.active_pods(deployment(c, "order-service"));
  const auto product = c.active_pods(deployment(c, "product-service"));
  const auto pulled = [&c](PodId p) { return events_of(c, EventReason::kPulled, obj(c, p)).at(0); };
  EXPECT_EQ(pulled(order[0]).time, kTimeZero + 5s);
  EXPECT_TRUE(pulled(order[0]).message.ends_with(" in 5s (5s including waiting)"));
  EXPECT_EQ(pulled(order[1]).time, kTimeZero + 5s);
  EXPECT_TRUE(pulled(order[1]).message.ends_with(" in 0s (5s including waiting)"));
  EXPECT_EQ(pulled(product[0]).time, kTimeZero + 10s);
  EXPECT_TRUE(pulled(product[0]).message.ends_with(" in 5s (10s including waiting)"));
  EXPECT_EQ(pulled(product[1]).time, kTimeZero + 10s);
  EXPECT_EQ(c.pod(product[1]).ready_since, kTimeZero + 11s);
  EXPECT_EQ(c.pod(order[1]).ready_since, kTimeZero + 6s);
}

TEST(ClusterKubelet, CachedImageIsNotPulledAgain) {
  Simulator sim;
  Cluster c(sim, one_node());
  sim.run_until(kTimeZero + 60s);
  const DeploymentId d = deployment(c, "order-service");
  c.set_replicas(d, 3);
  const PodId added = c.active_pods(d).back();
  sim.run_until(kTimeZero + 90s);
  EXPECT_TRUE(events_of(c, EventReason::kPulling, obj(c, added)).empty());
  const auto pulled = events_of(c, EventReason::kPulled, obj(c, added));
  ASSERT_EQ(pulled.size(), 1u);
  EXPECT_EQ(pulled[0].time, kTimeZero + 60s);
  EXPECT_EQ(pulled[0].message,
            "Container image \"123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/"
            "order-service:1.0.0\" already present on machine");
  EXPECT_EQ(c.pod(added).ready_since, kTimeZero + 61s);
}

// imagePullPolicy Always (the default of ":latest"): the kubelet pulls every
// time; cached layers make it instantaneous here.
TEST(ClusterKubelet, LatestTagIsAlwaysPulled) {
  scenario::Scenario s = one_node();
  for (auto& d : s.manifests.deployments) d.template_.containers[0].image = "busybox";
  Simulator sim;
  Cluster c(sim, s);
  sim.run_until(kTimeZero + 60s);
  const DeploymentId d = deployment(c, "order-service");
  c.set_replicas(d, 3);
  const PodId added = c.active_pods(d).back();
  sim.run_until(kTimeZero + 90s);
  EXPECT_EQ(events_of(c, EventReason::kPulling, obj(c, added)).size(), 1u);
  EXPECT_EQ(events_of(c, EventReason::kPulled, obj(c, added)).at(0).message,
            "Successfully pulled image \"busybox\" in 0s (0s including waiting)");
  EXPECT_EQ(c.pod(added).ready_since, kTimeZero + 61s);
}

// Containers start one after the other, each after its own pull; the pod is
// Ready when the last readiness probe passes: sidecar (no probe) started at
// 6 s, app pulled 6-11 s, started 12 s (the pod's start), initialDelay 20 s:
// Ready at 32 s.
TEST(ClusterKubelet, ContainersStartInOrder) {
  scenario::Scenario s = platform2();
  manifest::Deployment& d = s.manifests.deployments.front();
  manifest::Container sidecar = d.template_.containers[0];
  sidecar.name = "sidecar";
  sidecar.image = "envoy:1.30";
  sidecar.readiness_probe.reset();
  d.template_.containers[0].readiness_probe->initial_delay_seconds = 20;
  d.template_.containers.insert(d.template_.containers.begin(), sidecar);
  Simulator sim;
  Cluster c(sim, s);
  sim.run_until(kTimeZero + 60s);
  const PodId p = c.active_pods(deployment(c, d.meta.name)).at(0);
  const auto started = events_of(c, EventReason::kStarted, obj(c, p));
  ASSERT_EQ(started.size(), 2u);
  EXPECT_EQ(started[0].message, "Started container sidecar");
  EXPECT_EQ(started[0].time, kTimeZero + 6s);
  EXPECT_EQ(started[1].time, kTimeZero + 12s);
  EXPECT_EQ(c.pod(p).started, kTimeZero + 12s);  // the last container's start
  EXPECT_EQ(c.pod(p).ready_since, kTimeZero + 32s);
  c.delete_pod(p);
  EXPECT_EQ(events_of(c, EventReason::kKilling, obj(c, p)).size(), 2u);
}

// Graceful termination: Killing at deletion, gone after the pod's
// terminationGracePeriodSeconds or the scenario's override.
TEST(ClusterKubelet, TerminationTakesTheGracePeriod) {
  scenario::Scenario s = platform2();
  s.timings.termination_grace = 45s;
  Simulator sim;
  Cluster c(sim, s);
  sim.run_until(kTimeZero + 60s);
  const PodId p = c.active_pods(deployment(c, "product-service")).at(0);
  c.delete_pod(p);
  EXPECT_EQ(c.pod(p).deleted, kTimeZero + 60s);
  sim.run_until(kTimeZero + 104s);
  EXPECT_EQ(c.pod(p).stage, PodStage::kTerminating);
  sim.run_until(kTimeZero + 105s);
  EXPECT_EQ(c.pod(p).stage, PodStage::kGone);
  const auto gone = events_of(c, EventReason::kPodDeleted, obj(c, p));
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].message, "terminated after 45s; removed from " + c.node(c.pod(p).node).name);
}

}  // namespace
}  // namespace ksim::cluster
