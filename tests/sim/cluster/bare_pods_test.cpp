// Bare pods from a scenario's podTrace on platform 2 (4 m7g.large nodes):
// submitted at their time, Running, Succeeded and gone their duration later
// with their node's requests freed; deleted ones are not replaced.
#include <gtest/gtest.h>

#include <algorithm>

#include "helpers.h"

namespace ksim::cluster {
namespace {

using namespace std::chrono_literals;
using testing::platform2;

scenario::TracePod row(Duration at, Duration duration, std::int64_t cpu_milli,
                       std::string name = "") {
  scenario::TracePod p;
  p.at = at;
  p.duration = duration;
  p.cpu_milli = cpu_milli;
  p.memory_bytes = 256LL << 20;
  p.name = std::move(name);
  return p;
}

scenario::Scenario with_trace(std::vector<scenario::TracePod> pods) {
  scenario::Scenario s = platform2();
  scenario::PodTrace t;
  t.namespace_ = "batch";
  t.pods = std::move(pods);
  s.pod_trace = std::move(t);
  return s;
}

PodId pod_named(const Cluster& c, std::string_view name) {
  const auto id = c.find_pod("batch", name);
  EXPECT_TRUE(id.has_value()) << name;
  return id.value_or(kNoPod);
}

TEST(BarePods, SubmittedAtTheirTime) {
  Simulator sim;
  const scenario::Scenario s = with_trace({row(10s, 1min, 100), row(20s, 1min, 100, "late")});
  Cluster c(sim, s);
  sim.run_until(Time{} + 10s - 1us);
  EXPECT_FALSE(c.find_pod("batch", "trace-0").has_value());
  EXPECT_EQ(c.trace_pods_submitted(), 0u);
  sim.run_until(Time{} + 10s);
  const Pod& p = c.pod(pod_named(c, "trace-0"));
  EXPECT_EQ(p.created, Time{} + 10s);
  EXPECT_EQ(p.owner_kind, OwnerKind::kNone);
  EXPECT_FALSE(c.find_pod("batch", "late").has_value());
  sim.run_until(Time{} + 20s);
  EXPECT_EQ(c.pod(pod_named(c, "late")).created, Time{} + 20s);
  EXPECT_EQ(c.trace_pods_submitted(), 2u);
  // Its template: the row's requests (= limits), no labels, the trace's namespace.
  const PodOwner& o = c.pod_owner(pod_named(c, "late"));
  EXPECT_EQ(o.namespace_, "batch");
  ASSERT_EQ(o.scheduler_template.containers.size(), 1u);
  EXPECT_EQ(o.scheduler_template.containers[0].cpu_milli, 100);
  EXPECT_EQ(o.scheduler_template.containers[0].memory_bytes, 256LL << 20);
  EXPECT_TRUE(o.pod_labels.empty());
}

TEST(BarePods, RunTheirDurationThenSucceedAndFreeTheNode) {
  Simulator sim;
  Cluster c(sim, with_trace({row(0s, 90s, 700)}));
  sim.run_until(Time{} + 1min);
  const PodId id = pod_named(c, "trace-0");
  const Pod& p = c.pod(id);
  ASSERT_EQ(p.stage, PodStage::kReady);
  ASSERT_EQ(p.phase, PodPhase::kRunning);
  const NodeId node = p.node;
  const Time started = p.started;
  const std::int64_t with_pod = c.requested(node).cpu_milli;
  sim.run_until(started + 90s - 1us);
  EXPECT_EQ(p.stage, PodStage::kReady);
  EXPECT_EQ(c.requested(node).cpu_milli, with_pod);
  sim.run_until(started + 90s);
  EXPECT_EQ(p.stage, PodStage::kGone);
  EXPECT_EQ(p.phase, PodPhase::kSucceeded);
  EXPECT_EQ(c.requested(node).cpu_milli, with_pod - 700);
  const auto& on_node = c.node_pods(node);
  EXPECT_EQ(std::find(on_node.begin(), on_node.end(), id), on_node.end());
  EXPECT_TRUE(c.pod_owner(id).pods.empty());
  EXPECT_EQ(c.trace_pods_succeeded(), 1u);
  const auto gone = testing::events_of(c, EventReason::kPodDeleted, "batch/trace-0");
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].time, started + 90s);
  EXPECT_NE(gone[0].message.find("Succeeded after 1m30s running"), std::string::npos)
      << gone[0].message;
}

TEST(BarePods, ShapesShareATemplateAndTheNodeSelectorApplies) {
  Simulator sim;
  scenario::Scenario s = with_trace({row(0s, 1h, 100), row(0s, 1h, 100), row(0s, 1h, 200)});
  s.pod_trace->node_selector = {{"kubernetes.io/arch", "amd64"}};  // the nodes are arm64
  Cluster c(sim, s);
  sim.run_until(Time{} + 30s);
  const PodId a = pod_named(c, "trace-0");
  const PodId b = pod_named(c, "trace-1");
  const PodId d = pod_named(c, "trace-2");
  EXPECT_EQ(&c.pod_owner(a), &c.pod_owner(b));
  EXPECT_NE(&c.pod_owner(a), &c.pod_owner(d));
  for (const PodId id : {a, b, d}) {
    EXPECT_EQ(c.pod(id).stage, PodStage::kPending);
    EXPECT_TRUE(c.unschedulable_pods().contains(id));
  }
}

TEST(BarePods, DeletedIsNotReplacedAndDoesNotComplete) {
  Simulator sim;
  Cluster c(sim, with_trace({row(0s, 2min, 100)}));
  sim.run_until(Time{} + 1min);
  const PodId id = pod_named(c, "trace-0");
  ASSERT_EQ(c.pod(id).stage, PodStage::kReady);
  const std::size_t pods = c.pods().size();
  c.delete_pod(id);
  EXPECT_EQ(c.pod(id).stage, PodStage::kTerminating);
  sim.run_until(Time{} + 5min);
  EXPECT_EQ(c.pod(id).stage, PodStage::kGone);
  EXPECT_NE(c.pod(id).phase, PodPhase::kSucceeded);
  EXPECT_EQ(c.pods().size(), pods);
  EXPECT_EQ(c.trace_pods_succeeded(), 0u);
}

}  // namespace
}  // namespace ksim::cluster
