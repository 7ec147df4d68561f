// Filter plugins (filters.h): accept/reject with upstream's exact reasons. The
// NodeResourcesFit table reproduces upstream noderesources TestEnoughRequests /
// TestNotEnoughRequests cases (node allocatable cpu 10m, memory 20, pods 32).
#include "ksim/control/scheduler/filters.h"

#include <gtest/gtest.h>

#include "fixtures.h"
#include "ksim/control/scheduler/resources.h"

namespace ksim::control::scheduler {
namespace {

using namespace testing;
using Reasons = std::vector<std::string>;

TEST(NodeUnschedulable, CordonedNodeRejectsUnlessTolerated) {
  Node n = node("n1", 1000, kGi);
  Pod p = pod(100, kMi);
  EXPECT_TRUE(filter_node_unschedulable(p, n).ok());
  n.unschedulable = true;
  const FilterStatus s = filter_node_unschedulable(p, n);
  EXPECT_EQ(s.code, FilterCode::kUnschedulableAndUnresolvable);
  EXPECT_EQ(s.plugin, "NodeUnschedulable");
  EXPECT_EQ(s.reasons, Reasons{"node(s) were unschedulable"});
  // upstream TestNodeUnschedulable: a pod tolerating the unschedulable taint passes.
  p.tolerations = {
      {"node.kubernetes.io/unschedulable", TolerationOp::kExists, "", TaintEffect::kNoSchedule}};
  EXPECT_TRUE(filter_node_unschedulable(p, n).ok());
}

struct TaintCase {
  const char* name;  // after upstream TestTaintTolerationFilter
  std::vector<Taint> taints;
  std::vector<Toleration> tolerations;
  bool want_ok;
  const char* detailed_reason;  // with taint_details_in_reason
};

TEST(TaintToleration, UpstreamFilterCases) {
  const TaintCase cases[] = {
      {"A pod having no tolerations can't be scheduled onto a node with nonempty taints",
       {{"dedicated", "user1", TaintEffect::kNoSchedule}},
       {},
       false,
       "node(s) had untolerated taint {dedicated: user1}"},
      {"A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
       {{"dedicated", "user1", TaintEffect::kNoSchedule}},
       {{"dedicated", TolerationOp::kEqual, "user1", TaintEffect::kNoSchedule}},
       true,
       ""},
      {"A pod which can't be scheduled on a dedicated node assigned to user2 with effect "
       "NoSchedule",
       {{"dedicated", "user1", TaintEffect::kNoSchedule}},
       {{"dedicated", TolerationOp::kEqual, "user2", TaintEffect::kNoSchedule}},
       false,
       "node(s) had untolerated taint {dedicated: user1}"},
      {"A pod can be scheduled onto the node, with a toleration uses operator Exists",
       {{"foo", "bar", TaintEffect::kNoSchedule}},
       {{"foo", TolerationOp::kExists, "", TaintEffect::kNoSchedule}},
       true,
       ""},
      {"A pod has multiple tolerations, node has multiple taints, all the taints are tolerated",
       {{"dedicated", "user2", TaintEffect::kNoSchedule}, {"foo", "bar", TaintEffect::kNoSchedule}},
       {{"dedicated", TolerationOp::kEqual, "user2", TaintEffect::kNoSchedule},
        {"foo", TolerationOp::kExists, "", TaintEffect::kNoSchedule}},
       true,
       ""},
      {"A pod has a toleration that keys and values match the taint on the node, but effect "
       "doesn't match",
       {{"foo", "bar", TaintEffect::kNoSchedule}},
       {{"foo", TolerationOp::kEqual, "bar", TaintEffect::kPreferNoSchedule}},
       false,
       "node(s) had untolerated taint {foo: bar}"},
      {"The pod has a toleration that keys and values match the taint on the node, the effect of "
       "toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled",
       {{"foo", "bar", TaintEffect::kNoSchedule}},
       {{"foo", TolerationOp::kEqual, "bar", std::nullopt}},
       true,
       ""},
      {"The pod has a toleration that key and value don't match the taint on the node, but "
       "the effect of taint on node is PreferNoSchedule. Pod can be scheduled",
       {{"dedicated", "user1", TaintEffect::kPreferNoSchedule}},
       {{"dedicated", TolerationOp::kEqual, "user2", TaintEffect::kNoSchedule}},
       true,
       ""},
      {"The pod has no toleration, but the effect of taint on node is PreferNoSchedule",
       {{"dedicated", "user1", TaintEffect::kPreferNoSchedule}},
       {},
       true,
       ""},
      {"NoExecute taints filter too",
       {{"gone", "", TaintEffect::kNoExecute}},
       {},
       false,
       "node(s) had untolerated taint {gone: }"},
  };
  SchedulerConfig newest;
  SchedulerConfig detailed;
  detailed.taint_details_in_reason = true;
  for (const auto& c : cases) {
    Node n = node("n1", 1000, kGi);
    n.taints = c.taints;
    Pod p = pod(100, kMi);
    p.tolerations = c.tolerations;
    const FilterStatus s = filter_taint_toleration(p, n, newest);
    EXPECT_EQ(s.ok(), c.want_ok) << c.name;
    if (c.want_ok) continue;
    EXPECT_EQ(s.code, FilterCode::kUnschedulableAndUnresolvable) << c.name;
    EXPECT_EQ(s.plugin, "TaintToleration");
    EXPECT_EQ(s.reasons, Reasons{"node(s) had untolerated taint(s)"}) << c.name;
    EXPECT_EQ(filter_taint_toleration(p, n, detailed).reasons, Reasons{c.detailed_reason})
        << c.name;
  }
}

TEST(NodeAffinity, RejectsWithUpstreamReason) {
  Node n = node("n1", 1000, kGi);
  Pod p = pod(100, kMi);
  p.node_selector = {{"kubernetes.io/arch", "arm64"}};
  const FilterStatus s = filter_node_affinity(p, n);
  EXPECT_EQ(s.code, FilterCode::kUnschedulableAndUnresolvable);
  EXPECT_EQ(s.plugin, "NodeAffinity");
  EXPECT_EQ(s.reasons, Reasons{"node(s) didn't match Pod's node affinity/selector"});
  n.labels["kubernetes.io/arch"] = "arm64";
  EXPECT_TRUE(filter_node_affinity(p, n).ok());
}

struct FitCase {
  const char* name;  // upstream TestEnoughRequests / TestNotEnoughRequests case
  std::vector<ContainerRequests> pod;
  Resource used;  // one existing pod requesting this
  Reasons want;
};

TEST(NodeResourcesFit, UpstreamEnoughRequestsCases) {
  const FitCase cases[] = {
      {"no resources requested always fits", {}, {10, 20}, {}},
      {"too many resources fails",
       req(1, 1),
       {10, 20},
       {"Insufficient cpu", "Insufficient memory"}},
      {"both resources fit", req(1, 1), {5, 5}, {}},
      {"one resource memory fits", req(2, 1), {9, 5}, {"Insufficient cpu"}},
      {"one resource cpu fits", req(1, 2), {5, 19}, {"Insufficient memory"}},
      {"equal edge case", req(5, 1), {5, 19}, {}},
      // Beyond upstream's table: a request of 0 for one resource skips that check.
      {"zero cpu request on a full node", req(0, 1), {10, 5}, {}},
      {"two containers are summed",
       {ContainerRequests{3, 0}, ContainerRequests{3, 0}},
       {5, 0},
       {"Insufficient cpu"}},
  };
  for (const auto& c : cases) {
    Node n = node("n1", 10, 20, 32);
    n.pods = {placed(c.used.milli_cpu, c.used.memory)};
    Pod p;
    p.containers = c.pod;
    const FilterStatus s = filter_node_resources_fit(p, n);
    EXPECT_EQ(s.reasons, c.want) << c.name;
    EXPECT_EQ(s.ok(), c.want.empty()) << c.name;
    if (!s.ok()) {
      EXPECT_EQ(s.code, FilterCode::kUnschedulable) << c.name;
      EXPECT_EQ(s.plugin, "NodeResourcesFit");
    }
  }
}

TEST(NodeResourcesFit, UpstreamNotEnoughRequestsPodCount) {
  // upstream TestNotEnoughRequests: allocatable pods 1, one pod already bound.
  Node n = node("n1", 10, 20, 1);
  n.pods = {placed(10, 20)};
  EXPECT_EQ(filter_node_resources_fit(Pod{}, n).reasons, Reasons{"Too many pods"});
  EXPECT_EQ(filter_node_resources_fit(pod(1, 1), n).reasons,
            (Reasons{"Too many pods", "Insufficient cpu", "Insufficient memory"}));
}

TEST(RunFilters, StopsAtTheFirstRejectingPluginInUpstreamOrder) {
  Node n = node("n1", 10, 20, 0);  // no room for pods either
  n.unschedulable = true;
  n.taints = {{"t", "", TaintEffect::kNoSchedule}};
  Pod p = pod(100, kMi);
  p.node_selector = {{"x", "y"}};
  const SchedulerConfig config;
  EXPECT_EQ(run_filters(p, n, config).plugin, "NodeUnschedulable");
  n.unschedulable = false;
  EXPECT_EQ(run_filters(p, n, config).plugin, "TaintToleration");
  n.taints.clear();
  EXPECT_EQ(run_filters(p, n, config).plugin, "NodeAffinity");
  p.node_selector.clear();
  EXPECT_EQ(run_filters(p, n, config).reasons,
            (Reasons{"Too many pods", "Insufficient cpu", "Insufficient memory"}));
  n = node("n1", 1000, kGi);
  EXPECT_TRUE(run_filters(p, n, config).ok());
}

TEST(Resources, MissingRequestsCountZeroForFitAndDefaultsForScoring) {
  const std::vector<ContainerRequests> cs{ContainerRequests{250, std::nullopt},
                                          ContainerRequests{std::nullopt, 64 * kMi},
                                          ContainerRequests{0, 0}};
  EXPECT_EQ(requests(cs), (Resource{250, 64 * kMi}));
  // Per container: 250 + 100 (missing) + 0 (explicit zero stays zero).
  EXPECT_EQ(non_zero_requests(cs), (Resource{350, 200 * kMi + 64 * kMi}));
  Node n = node("n1", 1000, kGi);
  n.pods = {placed(100, kMi), PlacedPod{"be", "default", {}, {ContainerRequests{}}, false}};
  EXPECT_EQ(node_requested(n), (Resource{100, kMi}));
  EXPECT_EQ(node_non_zero_requested(n), (Resource{200, kMi + 200 * kMi}));
}

}  // namespace
}  // namespace ksim::control::scheduler
