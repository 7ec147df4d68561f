// Seed platform 2 (DESIGN.md): 4 ARM64 m7g.large-like managed nodes in
// ap-northeast-2a and 2c (allocatable 1930m / 7 GiB / 29 pods, EKS-style),
// with the per-node DaemonSet pods and two CoreDNS replicas, receiving
// product-service and order-service replicas (100m / 128Mi). The caller's tie
// break is "first of best_nodes" so the sequence is deterministic.
#include <gtest/gtest.h>

#include "fixtures.h"
#include "ksim/control/scheduler/schedule.h"

namespace ksim::control::scheduler {
namespace {

using namespace testing;
using Names = std::vector<std::string>;

PlacedPod system_pod(std::string name, std::int64_t cpu_milli, std::optional<std::int64_t> memory) {
  PlacedPod p;
  p.name = std::move(name);
  p.namespace_ = "kube-system";
  p.containers = {ContainerRequests{cpu_milli, memory}};  // no memory request: scored as 200 MiB
  return p;
}

std::vector<Node> platform2() {
  std::vector<Node> nodes{node("ip-10-0-1-10", 1930, 7 * kGi, 29, "ap-northeast-2a"),
                          node("ip-10-0-1-20", 1930, 7 * kGi, 29, "ap-northeast-2a"),
                          node("ip-10-0-2-10", 1930, 7 * kGi, 29, "ap-northeast-2c"),
                          node("ip-10-0-2-20", 1930, 7 * kGi, 29, "ap-northeast-2c")};
  for (auto& n : nodes) {
    n.labels["kubernetes.io/arch"] = "arm64";
    n.labels["node.kubernetes.io/instance-type"] = "m7g.large";
    n.pods = {system_pod("aws-node", 25, std::nullopt),
              system_pod("kube-proxy", 100, std::nullopt)};
  }
  nodes[0].pods.push_back(system_pod("coredns-1", 100, 70 * kMi));
  nodes[2].pods.push_back(system_pod("coredns-2", 100, 70 * kMi));
  return nodes;
}

Pod service_pod(const std::string& app, int i) {
  Pod p = pod(100, 128 * kMi, app + "-" + std::to_string(i));
  p.labels = {{"app", app}};
  p.node_selector = {{"kubernetes.io/arch", "arm64"}};
  p.spread_selector = LabelSelector{{{"app", app}}, {}};  // the ReplicaSet's / Service's selector
  return p;
}

// Schedules the pod, binds it to the first best node, returns the decision.
ScheduleDecision place(std::vector<Node>& nodes, const Pod& p) {
  auto d = schedule_pod(p, nodes);
  if (!d.schedulable()) return d;
  for (auto& n : nodes) {
    if (n.name == d.best_nodes.front()) {
      n.pods.push_back(PlacedPod{p.name, p.namespace_, p.labels, p.containers, false});
    }
  }
  return d;
}

TEST(Platform2, FirstReplicaTiesOnTheNodesWithoutCoreDns) {
  auto nodes = platform2();
  const auto d = schedule_pod(service_pod("product-service", 1), nodes);
  ASSERT_EQ(d.reason, DecisionReason::kTiedNodes);
  EXPECT_EQ(d.best_nodes, (Names{"ip-10-0-1-20", "ip-10-0-2-20"}));
  // ip-10-0-1-20: TaintToleration 3 x 100; NodeResourcesFit cpu (1930 - 225) x 100 / 1930 = 88,
  // memory (7168 - 528) Mi x 100 / 7168 Mi = 92 (aws-node and kube-proxy count 200 MiB each),
  // (88 + 92) / 2 = 90; PodTopologySpread 2 x 100 (no replica yet); balanced: cpu 225/1930,
  // memory 128/7168 (actual requests), std 0.0494 -> 95. 300 + 90 + 200 + 95 = 685.
  EXPECT_EQ(d.best_total, 685);
  // ip-10-0-1-10 also runs CoreDNS: fit (83 + 91) / 2 = 87, balanced 92: 679.
  EXPECT_EQ(d.scores[0].total, 679);
}

TEST(Platform2, ReplicasSpreadAcrossZonesAndNodes) {
  auto nodes = platform2();
  Names product;
  for (int i = 1; i <= 4; ++i) {
    const auto d = place(nodes, service_pod("product-service", i));
    ASSERT_TRUE(d.schedulable()) << d.message;
    product.push_back(d.best_nodes.front());
  }
  // 1: tie of the CoreDNS-free nodes, the first taken (2a); 2: the other zone wins
  // PodTopologySpread 2 x 100 against 2 x 88; 3 and 4: the nodes without a replica.
  EXPECT_EQ(product, (Names{"ip-10-0-1-20", "ip-10-0-2-20", "ip-10-0-1-10", "ip-10-0-2-10"}));
  Names order;
  for (int i = 1; i <= 2; ++i) {
    const auto d = place(nodes, service_pod("order-service", i));
    ASSERT_TRUE(d.schedulable()) << d.message;
    order.push_back(d.best_nodes.front());
  }
  EXPECT_EQ(order, (Names{"ip-10-0-1-20", "ip-10-0-2-20"}));  // one per zone
}

TEST(Platform2, SecondReplicaPrefersTheEmptierZone) {
  auto nodes = platform2();
  place(nodes, service_pod("product-service", 1));  // on ip-10-0-1-20 (2a)
  const auto d = schedule_pod(service_pod("product-service", 2), nodes);
  ASSERT_EQ(d.reason, DecisionReason::kBestNode);
  EXPECT_EQ(d.best_nodes, Names{"ip-10-0-2-20"});
  // Raw spread: 2a nodes 0 or 1 x log 6 + 2 + 1 x log 4 + 4 = 7 and 9; 2c nodes 6.
  // Normalized 100 x (9 + 6 - s) / 9: 88, 66, 100, 100.
  std::vector<std::int64_t> spread;
  for (const auto& s : d.scores) {
    for (const auto& p : s.plugins) {
      if (p.plugin == "PodTopologySpread") spread.push_back(p.normalized);
    }
  }
  EXPECT_EQ(spread, (std::vector<std::int64_t>{88, 66, 100, 100}));
}

TEST(Platform2, FullNodesGiveTheUpstreamMessage) {
  auto nodes = platform2();
  Pod big = service_pod("batch", 1);
  big.containers = req(1900, 4 * kGi);
  const auto d = schedule_pod(big, nodes);
  EXPECT_EQ(d.reason, DecisionReason::kUnschedulable);
  EXPECT_EQ(d.message, "0/4 nodes are available: 4 Insufficient cpu.");
}

}  // namespace
}  // namespace ksim::control::scheduler
