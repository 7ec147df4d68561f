// StatefulSets in the cluster: platform 2's Kafka broker comes up as kafka-0
// behind its headless Service; OrderedReady creates one ordinal at a time and
// removes the highest first; Parallel does both at once; a deleted pod comes
// back under its name once it is gone; the pod index follows.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <set>

#include "helpers.h"

namespace ksim::cluster {
namespace {

using namespace std::chrono_literals;
using namespace testing;

StatefulSetId kafka(const Cluster& c) {
  const auto s = c.find_statefulset("shop", "kafka");
  EXPECT_TRUE(s.has_value());
  return s.value_or(StatefulSetId{});
}

PodId pod_named(const Cluster& c, std::string_view name) {
  const auto p = c.find_pod("shop", name);
  EXPECT_TRUE(p.has_value()) << name;
  return p.value_or(kNoPod);
}

/// Platform 2 with the Kafka StatefulSet at `replicas` and `policy`.
scenario::Scenario with_kafka(
    std::int32_t replicas,
    manifest::PodManagementPolicy policy = manifest::PodManagementPolicy::kOrderedReady) {
  scenario::Scenario s = platform2();
  EXPECT_EQ(s.manifests.stateful_sets.size(), 1u);
  s.manifests.stateful_sets.at(0).replicas = replicas;
  s.manifests.stateful_sets.at(0).pod_management_policy = policy;
  return s;
}

/// The StatefulSet controller's events, "<time> <message>" in order.
std::vector<std::string> controller_events(const Cluster& c) {
  std::vector<std::string> out;
  for (const Event& e : c.events()) {
    if (e.kind == ObjectKind::kStatefulSet) out.push_back(format_time(e.time) + " " + e.message);
  }
  return out;
}

// kafka-0 is created with the cluster and its claim first. It lands on a
// node whose kubelet is pulling a service image until 5 s (each of the four
// nodes runs one service pod): its own pull of apache/kafka:3.7.0 waits, then
// takes 5 s (done at 10 s); container start 1 s; the readiness probe's
// initialDelaySeconds 10 (successThreshold 1): Ready at 21 s, its endpoint
// visible on the headless kafka Service 1 s later.
TEST(ClusterStatefulSet, KafkaComesUpOnPlatform2) {
  Simulator sim;
  Cluster c(sim, platform2());
  ASSERT_EQ(c.statefulsets().size(), 1u);
  const StatefulSet& ss = c.statefulset(kafka(c));
  EXPECT_EQ(ss.replicas, 1);
  EXPECT_EQ(ss.service_name, "kafka");
  EXPECT_EQ(ss.pod_management_policy, manifest::PodManagementPolicy::kOrderedReady);
  EXPECT_EQ(ss.grace, 60s);
  EXPECT_EQ(ss.pod_labels.at("app"), "kafka");
  EXPECT_TRUE(ss.pod_labels.at("controller-revision-hash").starts_with("kafka-"));
  ASSERT_EQ(ss.services.size(), 1u);
  EXPECT_EQ(c.service(ss.services[0]).name, "kafka");

  const PodId p = pod_named(c, "kafka-0");
  EXPECT_EQ(c.active_pods(kafka(c)), std::vector<PodId>{p});
  const Pod& pod = c.pod(p);
  EXPECT_EQ(pod.owner_kind, OwnerKind::kStatefulSet);
  EXPECT_EQ(pod.stateful_set, kafka(c));
  EXPECT_EQ(pod.ordinal, 0);
  EXPECT_EQ(pod.replica_set, kNoReplicaSet);
  EXPECT_EQ(&c.pod_owner(p), static_cast<const PodOwner*>(&ss));
  EXPECT_EQ(controller_events(c),
            (std::vector<std::string>{"0s create Claim data-kafka-0 Pod kafka-0 in StatefulSet "
                                      "kafka success",
                                      "0s create Pod kafka-0 in StatefulSet kafka successful"}));
  EXPECT_EQ(events_of(c, EventReason::kSuccessfulCreate, "shop/kafka").at(0).kind,
            ObjectKind::kStatefulSet);

  const ServiceId svc = *c.find_service("shop", "kafka");
  sim.run_until(kTimeZero + 21s - 1us);
  EXPECT_EQ(c.ready_replicas(kafka(c)), 0);
  EXPECT_TRUE(c.service(svc).ready.empty());
  sim.run_until(kTimeZero + 21s);
  EXPECT_EQ(c.pod(p).ready_since, kTimeZero + 21s);
  EXPECT_EQ(c.ready_replicas(kafka(c)), 1);
  ASSERT_EQ(c.service(svc).ready.size(), 1u);
  EXPECT_TRUE(c.service(svc).visible.empty());
  sim.run_until(kTimeZero + 22s);
  ASSERT_EQ(c.service(svc).visible.size(), 1u);
  const Endpoint& e = c.service(svc).visible[0];
  EXPECT_EQ(e.pod, p);
  EXPECT_EQ(e.ip, c.pod(p).ip);
  EXPECT_EQ(e.node, c.pod(p).node);

  const std::string obj = "shop/kafka-0";
  EXPECT_EQ(events_of(c, EventReason::kScheduled, obj).at(0).time, kTimeZero);
  EXPECT_EQ(events_of(c, EventReason::kPulling, obj).at(0).time, kTimeZero);
  const Event pulled = events_of(c, EventReason::kPulled, obj).at(0);
  EXPECT_EQ(pulled.time, kTimeZero + 10s);
  EXPECT_EQ(pulled.message,
            "Successfully pulled image \"apache/kafka:3.7.0\" in 5s (10s including waiting)");
  EXPECT_EQ(events_of(c, EventReason::kStarted, obj).at(0).time, kTimeZero + 11s);
  EXPECT_EQ(events_of(c, EventReason::kEndpointReady, "shop/kafka").at(0).time, kTimeZero + 22s);
}

// OrderedReady with 3 replicas: kafka-1 is created the instant kafka-0 is
// Ready (21 s) and kafka-2 the instant kafka-1 is. kafka-1 and kafka-2 go to
// nodes without the kafka image (spread by hostname) whose pullers are idle
// by then: pull 5 s, start 1 s, probe delay 10 s: Ready 16 s after creation.
TEST(ClusterStatefulSet, OrderedReadyCreatesEachAfterThePreviousIsReady) {
  Simulator sim;
  Cluster c(sim, with_kafka(3));
  EXPECT_EQ(c.active_pods(kafka(c)).size(), 1u);
  sim.run_until(kTimeZero + 21s - 1us);
  EXPECT_FALSE(c.find_pod("shop", "kafka-1").has_value());
  sim.run_until(kTimeZero + 21s);
  const PodId p1 = pod_named(c, "kafka-1");
  EXPECT_EQ(c.pod(p1).created, kTimeZero + 21s);
  sim.run_until(kTimeZero + 37s - 1us);
  EXPECT_FALSE(c.find_pod("shop", "kafka-2").has_value());
  sim.run_until(kTimeZero + 37s);
  EXPECT_EQ(c.pod(p1).ready_since, kTimeZero + 37s);
  const PodId p2 = pod_named(c, "kafka-2");
  EXPECT_EQ(c.pod(p2).created, kTimeZero + 37s);
  sim.run_until(kTimeZero + 120s);
  EXPECT_EQ(c.pod(p2).ready_since, kTimeZero + 53s);
  EXPECT_EQ(c.ready_replicas(kafka(c)), 3);
  std::set<NodeId> nodes;
  for (const PodId p : c.active_pods(kafka(c))) nodes.insert(c.pod(p).node);
  EXPECT_EQ(nodes.size(), 3u);
  EXPECT_EQ(controller_events(c),
            (std::vector<std::string>{
                "0s create Claim data-kafka-0 Pod kafka-0 in StatefulSet kafka success",
                "0s create Pod kafka-0 in StatefulSet kafka successful",
                "21s create Claim data-kafka-1 Pod kafka-1 in StatefulSet kafka success",
                "21s create Pod kafka-1 in StatefulSet kafka successful",
                "37s create Claim data-kafka-2 Pod kafka-2 in StatefulSet kafka success",
                "37s create Pod kafka-2 in StatefulSet kafka successful"}));
  EXPECT_EQ(c.service(*c.find_service("shop", "kafka")).visible.size(), 3u);
}

// Scale 3 -> 1 at 120 s: kafka-2 goes first; kafka-1 is deleted only once
// kafka-2 is gone, after its 60 s grace period. Then back to 3: the claims
// exist, so only pods are created.
TEST(ClusterStatefulSet, OrderedReadyScalesDownFromTheHighestOrdinal) {
  Simulator sim;
  Cluster c(sim, with_kafka(3));
  sim.run_until(kTimeZero + 120s);
  const PodId p1 = pod_named(c, "kafka-1");
  const PodId p2 = pod_named(c, "kafka-2");
  c.set_statefulset_replicas(kafka(c), 1);
  EXPECT_EQ(c.pod(p2).stage, PodStage::kTerminating);
  EXPECT_EQ(c.pod(p1).stage, PodStage::kReady);
  EXPECT_EQ(c.active_pods(kafka(c)).size(), 2u);
  sim.run_until(kTimeZero + 180s - 1us);
  EXPECT_EQ(c.pod(p1).stage, PodStage::kReady);
  sim.run_until(kTimeZero + 180s);
  EXPECT_EQ(c.pod(p2).stage, PodStage::kGone);
  EXPECT_EQ(c.pod(p1).stage, PodStage::kTerminating);
  sim.run_until(kTimeZero + 240s);
  EXPECT_EQ(c.pod(p1).stage, PodStage::kGone);
  EXPECT_EQ(c.active_pods(kafka(c)), std::vector<PodId>{pod_named(c, "kafka-0")});
  EXPECT_EQ(c.statefulset(kafka(c)).ordinals.size(), 1u);
  const auto deleted = events_of(c, EventReason::kSuccessfulDelete, "shop/kafka");
  ASSERT_EQ(deleted.size(), 2u);
  EXPECT_EQ(deleted[0].time, kTimeZero + 120s);
  EXPECT_EQ(deleted[0].message, "delete Pod kafka-2 in StatefulSet kafka successful");
  EXPECT_EQ(deleted[1].time, kTimeZero + 180s);
  EXPECT_EQ(deleted[1].message, "delete Pod kafka-1 in StatefulSet kafka successful");

  c.set_statefulset_replicas(kafka(c), 3);
  const auto events = controller_events(c);
  EXPECT_EQ(events.back(), "4m0s create Pod kafka-1 in StatefulSet kafka successful");
  EXPECT_NE(pod_named(c, "kafka-1"), p1);
}

// Parallel: all ordinals at once, up and down.
TEST(ClusterStatefulSet, ParallelCreatesAndDeletesAllAtOnce) {
  Simulator sim;
  Cluster c(sim, with_kafka(3, manifest::PodManagementPolicy::kParallel));
  EXPECT_EQ(c.active_pods(kafka(c)).size(), 3u);
  for (const char* name : {"kafka-0", "kafka-1", "kafka-2"}) {
    EXPECT_EQ(c.pod(pod_named(c, name)).created, kTimeZero) << name;
  }
  sim.run_until(kTimeZero + 120s);
  EXPECT_EQ(c.ready_replicas(kafka(c)), 3);
  c.set_statefulset_replicas(kafka(c), 0);
  EXPECT_TRUE(c.active_pods(kafka(c)).empty());
  const auto deleted = events_of(c, EventReason::kSuccessfulDelete, "shop/kafka");
  ASSERT_EQ(deleted.size(), 3u);
  EXPECT_EQ(deleted[0].message, "delete Pod kafka-2 in StatefulSet kafka successful");
  for (const Event& e : deleted) EXPECT_EQ(e.time, kTimeZero + 120s);
}

// OrderedReady with a pod not yet Ready: scaling down may take it (the first
// unhealthy pod), but the next waits until it is gone.
TEST(ClusterStatefulSet, OrderedReadyScaleDownWaitsForTheTerminatingPod) {
  Simulator sim;
  Cluster c(sim, with_kafka(2));
  sim.run_until(kTimeZero + 30s);  // kafka-1: created 21 s, running 27 s, Ready at 37 s
  const PodId p0 = pod_named(c, "kafka-0");
  const PodId p1 = pod_named(c, "kafka-1");
  EXPECT_EQ(c.pod(p1).stage, PodStage::kRunning);
  c.set_statefulset_replicas(kafka(c), 1);
  EXPECT_EQ(c.pod(p1).stage, PodStage::kTerminating);
  c.set_statefulset_replicas(kafka(c), 0);
  sim.run_until(kTimeZero + 90s - 1us);
  EXPECT_EQ(c.pod(p0).stage, PodStage::kReady);
  sim.run_until(kTimeZero + 90s);  // kafka-1's grace period (60 s) is over
  EXPECT_EQ(c.pod(p1).stage, PodStage::kGone);
  EXPECT_EQ(c.pod(p0).stage, PodStage::kTerminating);
}

// kubectl delete pod kafka-0: the ordinal stays taken while the pod
// terminates (60 s), then a new kafka-0 is created. find_pod returns the
// terminating pod until then, the new one after.
TEST(ClusterStatefulSet, DeletedPodIsRecreatedUnderItsNameOnceGone) {
  Simulator sim;
  Cluster c(sim, platform2());
  sim.run_until(kTimeZero + 30s);
  const PodId old = pod_named(c, "kafka-0");
  c.delete_pod(old);
  EXPECT_TRUE(c.active_pods(kafka(c)).empty());
  EXPECT_EQ(c.find_pod("shop", "kafka-0"), old);
  sim.run_until(kTimeZero + 90s - 1us);
  EXPECT_EQ(c.find_pod("shop", "kafka-0"), old);
  sim.run_until(kTimeZero + 90s);
  EXPECT_EQ(c.pod(old).stage, PodStage::kGone);
  const PodId fresh = pod_named(c, "kafka-0");
  EXPECT_NE(fresh, old);
  EXPECT_EQ(c.pod(fresh).created, kTimeZero + 90s);
  EXPECT_NE(c.pod(fresh).uid, c.pod(old).uid);
  EXPECT_EQ(c.active_pods(kafka(c)), std::vector<PodId>{fresh});
  EXPECT_EQ(controller_events(c).back(),
            "1m30s create Pod kafka-0 in StatefulSet kafka successful");
  sim.run_until(kTimeZero + 150s);
  EXPECT_TRUE(c.pod(fresh).ready());
  const ServiceId svc = *c.find_service("shop", "kafka");
  ASSERT_EQ(c.service(svc).visible.size(), 1u);
  EXPECT_EQ(c.service(svc).visible[0].pod, fresh);
  // Every pod that exists is found by its name.
  for (std::size_t i = 0; i < c.pods().size(); ++i) {
    const Pod& p = c.pods()[i];
    if (p.stage != PodStage::kGone) {
      EXPECT_EQ(c.find_pod(p.namespace_, p.name), id_at<PodId>(i)) << p.name;
    }
  }
  EXPECT_FALSE(c.find_pod("other", "kafka-0").has_value());
}

// A pending pod deleted goes at once, and is recreated at once.
TEST(ClusterStatefulSet, DeletedPendingPodIsRecreatedAtOnce) {
  Simulator sim;
  Cluster c(sim, platform2());
  const PodId old = pod_named(c, "kafka-0");
  c.delete_pod(old);
  EXPECT_EQ(c.pod(old).stage, PodStage::kGone);
  sim.run_until(kTimeZero);
  const PodId fresh = pod_named(c, "kafka-0");
  EXPECT_NE(fresh, old);
  EXPECT_EQ(c.pod(fresh).created, kTimeZero);
}

TEST(ClusterStatefulSet, SameSeedSameLog) {
  const auto run = [] {
    Simulator sim;
    Cluster c(sim, with_kafka(3));
    sim.run_until(kTimeZero + 100s);
    c.delete_pod(*c.find_pod("shop", "kafka-1"));
    c.set_statefulset_replicas(kafka(c), 2);
    sim.run_until(kTimeZero + 300s);
    return dump(c);
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace ksim::cluster
