// Cluster: platform 2 (scenarios/product-order.yaml) comes up: nodes from the
// node group, the Deployments' pods scheduled across both zones and Ready at
// the time the scenario's timings give; the same seed gives the same log.
#include "ksim/sim/cluster/cluster.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "helpers.h"

namespace ksim::cluster {
namespace {

using namespace std::chrono_literals;
using namespace testing;

constexpr std::int64_t kMi = 1024LL * 1024;

TEST(ClusterPlatform2, NodesFromTheNodeGroup) {
  Simulator sim;
  Cluster c(sim, platform2());
  ASSERT_EQ(c.nodes().size(), 4u);
  // Zones round-robin in the group's order; names after the stand-in VPC addresses.
  const std::vector<std::pair<std::string, std::string>> expected{
      {"ip-10-0-1-10", "ap-northeast-2a"},
      {"ip-10-0-2-10", "ap-northeast-2c"},
      {"ip-10-0-1-11", "ap-northeast-2a"},
      {"ip-10-0-2-11", "ap-northeast-2c"}};
  for (std::size_t i = 0; i < 4; ++i) {
    const Node& n = c.nodes()[i];
    EXPECT_EQ(n.name, expected[i].first);
    EXPECT_EQ(c.zone_name(n.zone), expected[i].second);
    EXPECT_TRUE(n.ready);
    EXPECT_EQ(n.group, "managed-arm64");
    EXPECT_EQ(n.labels.at("kubernetes.io/hostname"), n.name);
    EXPECT_EQ(n.labels.at("topology.kubernetes.io/zone"), expected[i].second);
    EXPECT_EQ(n.labels.at("kubernetes.io/arch"), "arm64");
    EXPECT_EQ(n.labels.at("kubernetes.io/os"), "linux");
    EXPECT_EQ(n.labels.at("node.kubernetes.io/instance-type"), "m7g.large");
    EXPECT_EQ(n.labels.at("eks.amazonaws.com/nodegroup"), "managed-arm64");
    // EKS allocatable of an m7g.large (the scenario's comment: 1930m, 6844Mi, 29 pods).
    EXPECT_EQ(n.allocatable.cpu_milli, 1930);
    EXPECT_EQ(n.allocatable.memory_bytes, 6844 * kMi);
    EXPECT_EQ(n.allocatable.pods, 29);
  }
  const auto ready = events_of(c, EventReason::kNodeReady);
  ASSERT_EQ(ready.size(), 4u);
  EXPECT_EQ(ready[0].time, kTimeZero);
  EXPECT_EQ(ready[0].message, "Node ip-10-0-1-10 status is now: NodeReady");
}

TEST(ClusterPlatform2, DeploymentsCreateTheirReplicaSetsAndPods) {
  Simulator sim;
  Cluster c(sim, platform2());
  ASSERT_EQ(c.deployments().size(), 2u);
  for (const char* name : {"order-service", "product-service"}) {
    const DeploymentId d = deployment(c, name);
    const ReplicaSet& rs = c.replica_set(c.deployment(d).replica_set);
    EXPECT_TRUE(rs.name.starts_with(std::string(name) + "-"));
    EXPECT_EQ(rs.pod_labels.at("app"), name);
    EXPECT_EQ(rs.pod_labels.at("pod-template-hash"), rs.name.substr(std::string(name).size() + 1));
    EXPECT_EQ(rs.replicas, 2);
    EXPECT_EQ(c.active_pods(d).size(), 2u);
    ASSERT_EQ(rs.services.size(), 1u);
    EXPECT_EQ(c.service(rs.services[0]).name, name);
    for (PodId p : c.active_pods(d)) {
      EXPECT_TRUE(c.pod(p).name.starts_with(rs.name + "-"));
      EXPECT_EQ(c.pod(p).name.size(), rs.name.size() + 6);  // "-" + 5 characters
    }
  }
  const auto scaled = events_of(c, EventReason::kScalingReplicaSet, "shop/product-service");
  ASSERT_EQ(scaled.size(), 1u);
  const std::string rs_name =
      c.replica_set(c.deployment(deployment(c, "product-service")).replica_set).name;
  EXPECT_EQ(scaled[0].message, "Scaled up replica set " + rs_name + " to 2");
  // The ReplicaSets' four pods, and the kafka StatefulSet's claim and pod.
  EXPECT_EQ(events_of(c, EventReason::kSuccessfulCreate).size(), 6u);
}

TEST(ClusterPlatform2, PodsSpreadOverBothZonesAndAllNodes) {
  Simulator sim;
  Cluster c(sim, platform2());
  sim.run_until(kTimeZero + 60s);
  std::set<NodeId> nodes;
  for (const char* name : {"order-service", "product-service"}) {
    std::set<std::string_view> zones;
    for (PodId p : c.active_pods(deployment(c, name))) {
      const Pod& pod = c.pod(p);
      EXPECT_TRUE(pod.bound);
      zones.insert(c.zone_name(c.node(pod.node).zone));
      nodes.insert(pod.node);
    }
    // PodTopologySpread's system default zone constraint puts the second
    // replica in the other zone.
    EXPECT_EQ(zones.size(), 2u) << name;
  }
  // LeastAllocated sends each of the four pods to an empty node.
  EXPECT_EQ(nodes.size(), 4u);
  EXPECT_EQ(events_of(c, EventReason::kScheduled).size(), 5u);  // and kafka-0
  EXPECT_TRUE(events_of(c, EventReason::kFailedScheduling).empty());
}

// Timeline of every seed pod with the scenario's defaults: scheduled and bound
// at 0 (scheduling latency 0), image pulled 0-5 s (each on its own node, so
// no pull waits), container running 1 s later, readiness probe initialDelay 0
// and successThreshold 1: Ready at 6 s, endpoints visible 1 s later.
// (kafka-0's timeline: statefulset_test.)
TEST(ClusterPlatform2, PodsReadyAtTheTimeTheTimingsGive) {
  Simulator sim;
  Cluster c(sim, platform2());
  sim.run_until(kTimeZero + 60s);
  for (const Pod& p : c.pods()) {
    if (p.owner_kind != OwnerKind::kReplicaSet) continue;
    const std::string obj = p.namespace_ + "/" + p.name;
    EXPECT_EQ(p.stage, PodStage::kReady) << obj;
    EXPECT_EQ(p.phase, PodPhase::kRunning);
    EXPECT_EQ(p.ready_since, kTimeZero + 6s) << obj;
    EXPECT_EQ(events_of(c, EventReason::kScheduled, obj).at(0).time, kTimeZero);
    EXPECT_EQ(events_of(c, EventReason::kPulling, obj).at(0).time, kTimeZero);
    const Event pulled = events_of(c, EventReason::kPulled, obj).at(0);
    EXPECT_EQ(pulled.time, kTimeZero + 5s);
    EXPECT_TRUE(pulled.message.ends_with(":1.0.0\" in 5s (5s including waiting)"))
        << pulled.message;
    EXPECT_EQ(events_of(c, EventReason::kCreated, obj).at(0).time, kTimeZero + 5s);
    EXPECT_EQ(events_of(c, EventReason::kStarted, obj).at(0).time, kTimeZero + 6s);
    EXPECT_TRUE(p.endpoint_visible);
    EXPECT_EQ(p.endpoint_change_at, kTimeZero + 7s);
  }
  EXPECT_EQ(c.ready_replicas(deployment(c, "product-service")), 2);
  EXPECT_EQ(c.ready_replicas(deployment(c, "order-service")), 2);
}

// The scenario's timings move the Ready time: scheduling 250 ms, image pull
// 8 s, container start 2 s, readiness initialDelay 10 s, period 5 s,
// successThreshold 3: 0.25 + 8 + 2 + 10 + 2 x 5 = 30.25 s.
TEST(ClusterPlatform2, ReadyTimeFollowsTheScenarioTimings) {
  scenario::Scenario s = platform2();
  s.timings.scheduling_ms = scenario::Distribution::constant(250);
  s.timings.image_pull_ms = scenario::Distribution::constant(8000);
  s.timings.container_start_ms = scenario::Distribution::constant(2000);
  s.timings.readiness_probe.initial_delay = 10s;
  s.timings.readiness_probe.period = 5s;
  s.timings.readiness_probe.success_threshold = 3;
  Simulator sim;
  Cluster c(sim, s);
  sim.run_until(kTimeZero + 30s);
  EXPECT_EQ(c.ready_replicas(deployment(c, "product-service")), 0);
  sim.run_until(kTimeZero + 60s);
  for (const Pod& p : c.pods()) {
    if (p.owner_kind != OwnerKind::kReplicaSet) continue;  // kafka-0 waits for a pull
    EXPECT_EQ(p.ready_since, kTimeZero + 30250ms) << p.name;
    EXPECT_EQ(events_of(c, EventReason::kScheduled, p.namespace_ + "/" + p.name).at(0).time,
              kTimeZero + 250ms);
  }
}

TEST(ClusterDeterminism, SameSeedSameLog) {
  const scenario::Scenario s = platform2();
  Simulator sim1;
  Cluster c1(sim1, s);
  c1.set_replicas(deployment(c1, "product-service"), 6);
  sim1.run_until(kTimeZero + 120s);
  Simulator sim2;
  Cluster c2(sim2, s);
  c2.set_replicas(deployment(c2, "product-service"), 6);
  sim2.run_until(kTimeZero + 120s);
  EXPECT_EQ(c1.events(), c2.events());
  EXPECT_EQ(dump(c1), dump(c2));
}

TEST(ClusterDeterminism, AnotherSeedAnotherLog) {
  scenario::Scenario s = platform2();
  Simulator sim1;
  Cluster c1(sim1, s);
  sim1.run_until(kTimeZero + 60s);
  s.seed = 43;
  Simulator sim2;
  Cluster c2(sim2, s);
  sim2.run_until(kTimeZero + 60s);
  // The generated pod names come from the seed; the timeline does not (the
  // timings are constants), so the logs differ in names only.
  ASSERT_EQ(c1.events().size(), c2.events().size());
  EXPECT_NE(dump(c1), dump(c2));
  for (std::size_t i = 0; i < c1.events().size(); ++i) {
    EXPECT_EQ(c1.events()[i].time, c2.events()[i].time);
    EXPECT_EQ(c1.events()[i].reason, c2.events()[i].reason);
  }
}

// With random timings the seed moves the timeline as well: each pod draws
// its pull, start and propagation times from its own stream.
TEST(ClusterDeterminism, RandomTimingsFollowTheSeed) {
  scenario::Scenario s = platform2();
  s.timings.image_pull_ms = *scenario::Distribution::create(
      {.kind = scenario::DistributionKind::kLogNormal, .mean = 5000, .sd = 2000});
  s.timings.endpoint_propagation_ms = *scenario::Distribution::create(
      {.kind = scenario::DistributionKind::kExponential, .mean = 1000});
  const auto run = [](const scenario::Scenario& sc) {
    Simulator sim;
    Cluster c(sim, sc);
    c.set_replicas(deployment(c, "order-service"), 5);
    sim.run_until(kTimeZero + 120s);
    c.set_replicas(deployment(c, "order-service"), 1);
    sim.run_until(kTimeZero + 240s);
    std::vector<Time> ready;
    for (const Pod& p : c.pods()) ready.push_back(p.ready_since);
    return std::make_pair(dump(c), ready);
  };
  const auto a = run(s);
  EXPECT_EQ(a, run(s));
  s.seed = 7;
  const auto b = run(s);
  EXPECT_NE(a.second, b.second);
}

}  // namespace
}  // namespace ksim::cluster
