// One run end to end (sim/run): the summary agrees with itself and the
// trace holds what SCHEMA.md promises, for platform 1's load test.
#include "ksim/sim/run/run.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <set>

#include "ksim/sim/trace/trace_reader.h"

namespace ksim::run {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

scenario::Scenario platform1() {
  auto r = scenario::load_scenario(fs::path(KSIM_SOURCE_DIR) / "scenarios" / "api-backend.yaml");
  EXPECT_TRUE(r.has_value());
  return r ? std::move(*r) : scenario::Scenario{};
}

TEST(Run, Platform1LoadTestScalesUpAndDown) {
  const fs::path file = fs::temp_directory_path() / "ksim_run_test.db";
  auto w = trace::TraceWriter::create(file);
  ASSERT_TRUE(w.has_value()) << w.error();
  auto s = run_scenario(platform1(), {}, &*w);
  ASSERT_TRUE(s.has_value());
  ASSERT_TRUE(w->commit().has_value());

  // The summary: every arrival is counted once; api-service's HPA scaled up
  // during the ramp and back down once the load dropped. backend-service
  // stays at its minimum: its calibrated cost per call (profiles/, about
  // 0.23 ms) keeps it far under its 50 % target.
  std::uint64_t requests = 0;
  for (const RouteSummary& r : s->routes) requests += r.requests;
  EXPECT_EQ(requests + s->in_flight_at_end, s->arrivals);
  ASSERT_EQ(s->deployments.size(), 2u);
  const DeploymentSummary& backend = s->deployments[1];
  EXPECT_EQ(backend.name, "api-platform/backend-service");
  EXPECT_EQ(backend.peak, 2);
  EXPECT_FALSE(backend.first_scale_up.has_value());
  for (const DeploymentSummary& d : {s->deployments[0]}) {
    EXPECT_EQ(d.name, "api-platform/api-service");
    EXPECT_EQ(d.initial, 2) << d.name;
    EXPECT_GT(d.peak, d.initial) << d.name;
    ASSERT_TRUE(d.first_scale_up.has_value()) << d.name;
    ASSERT_TRUE(d.first_scale_down.has_value()) << d.name;
    EXPECT_LT(*d.first_scale_up, *d.first_scale_down) << d.name;
    EXPECT_GE(*d.first_scale_up, kTimeZero + 5min) << d.name;  // the ramp starts at 5 min
    EXPECT_EQ(d.final_replicas, 2) << d.name;
  }
  EXPECT_FALSE(s->scale_events.empty());
  EXPECT_EQ(s->hpa_syncs, 2u * (50 * 60 / 15 + 1));  // two HPAs, every 15 s from 0 to 50 min
  // 3 m5.large of the managed group for 50 minutes at us-east-1's on-demand
  // $0.096/h (the shipped catalog).
  EXPECT_NEAR(s->cost_dollars, 3 * 0.096 * 50.0 / 60.0, 1e-9);
  EXPECT_NEAR(s->cost_by_owner.at("nodegroup/managed"), s->cost_dollars, 1e-12);
  EXPECT_TRUE(s->unpriced_nodes.empty());
  EXPECT_EQ(s->nodeclaims_launched, 0u);  // no NodePool in platform 1
  const std::string text = format_summary(*s);
  EXPECT_NE(text.find("nodes cost $0.24"), std::string::npos);
  EXPECT_NE(text.find("GET /api/items"), std::string::npos);

  // The trace: metadata, the series of each kind, route windows every 10 s,
  // cluster events and HPA decisions with their explanation.
  auto t = trace::TraceReader::open(file);
  ASSERT_TRUE(t.has_value()) << t.error();
  const auto meta = t->meta();
  ASSERT_TRUE(meta.has_value());
  EXPECT_EQ(meta->at("scenario"), "api-backend");
  EXPECT_EQ(meta->at("arrivals"), std::to_string(s->arrivals));
  const auto series = t->series();
  ASSERT_TRUE(series.has_value());
  std::set<std::string> kinds;
  for (const auto& si : *series) kinds.insert(si.kind);
  EXPECT_EQ(kinds, (std::set<std::string>{"cluster", "cost", "deployment", "hpa", "node", "nodes",
                                          "pod", "route"}));
  std::set<std::string> cost_objects, node_objects;
  for (const auto& si : *series) {
    if (si.kind == "cost") cost_objects.insert(si.object);
    if (si.kind != "nodes") continue;
    node_objects.insert(si.object);
    // The running nodes per group and capacity type: all three, every window.
    const auto nodes = t->samples(si.id);
    ASSERT_TRUE(nodes.has_value());
    ASSERT_EQ(nodes->size(), 300u);
    EXPECT_EQ(nodes->back().value, static_cast<double>(s->nodes_at_end)) << si.object;
  }
  EXPECT_EQ(cost_objects, (std::set<std::string>{"nodegroup/managed", "capacity-type/on-demand"}));
  EXPECT_EQ(node_objects, cost_objects);
  const auto windows = t->route_windows();
  ASSERT_TRUE(windows.has_value());
  EXPECT_EQ(windows->size(), 3u * (50 * 60 / 10));  // three routes, 300 windows
  // The cost so far, sampled every window, ends at the summary's total.
  bool found_cost = false;
  for (const auto& si : *series) {
    if (si.kind != "cluster" || si.metric != "cost") continue;
    found_cost = true;
    const auto cost = t->samples(si.id);
    ASSERT_TRUE(cost.has_value());
    ASSERT_EQ(cost->size(), 300u);
    EXPECT_NEAR(cost->back().value, s->cost_dollars, 1e-9);
    EXPECT_NEAR(cost->front().value, 3 * 0.096 * 10.0 / 3600, 1e-9);  // after 10 s
  }
  EXPECT_TRUE(found_cost);
  std::int64_t windowed = 0;
  for (const auto& rw : *windows) windowed += rw.requests;
  EXPECT_EQ(static_cast<std::uint64_t>(windowed) + s->in_flight_at_end, s->arrivals);
  const auto events = t->events();
  ASSERT_TRUE(events.has_value());
  bool scheduled = false, rescaled = false, explained = false;
  for (const auto& e : *events) {
    scheduled = scheduled || e.reason == "Scheduled";
    rescaled = rescaled || e.reason == "SuccessfulRescale";
    explained = explained || (e.reason == "Sync" && e.details &&
                              e.details->find("explanation") != std::string::npos);
  }
  EXPECT_TRUE(scheduled);
  EXPECT_TRUE(rescaled);
  EXPECT_TRUE(explained);
  fs::remove(file);
}

// scenarios/karpenter-burst.yaml: the burst needs more than the two managed
// nodes, Karpenter launches NodeClaims (each holding a fluent-bit pod too),
// and after the burst (and the HPA's scale-down) it consolidates them, the
// log agent's pods not keeping a node; both cost.
TEST(Run, KarpenterBurstLaunchesThenConsolidates) {
  auto sc =
      scenario::load_scenario(fs::path(KSIM_SOURCE_DIR) / "scenarios" / "karpenter-burst.yaml");
  ASSERT_TRUE(sc.has_value());
  const auto s = run_scenario(*sc, {}, nullptr);
  ASSERT_TRUE(s.has_value());
  EXPECT_GT(s->nodeclaims_launched, 0u);
  EXPECT_GT(s->disruptions_executed, 0u);
  ASSERT_EQ(s->deployments.size(), 1u);
  EXPECT_GT(s->deployments[0].peak, 8);  // more than two m7g.large hold at 500m each
  EXPECT_EQ(s->deployments[0].final_replicas, 2);
  EXPECT_GT(s->cost_by_owner.at("nodepool/default"), 0.0);
  EXPECT_GT(s->cost_by_owner.at("nodegroup/managed-arm64"), 0.0);
  // The fluent-bit DaemonSet is modelled: a pod on every node, none listed.
  for (const std::string& n : s->not_modelled)
    EXPECT_EQ(n.find("DaemonSet"), std::string::npos) << n;
}

// The same burst with the Cluster Autoscaler over the managed group (min 2,
// max 8) instead: no NodeClaims, the group grows and shrinks back to its
// min, and only the group is paid for.
TEST(Run, KarpenterBurstUnderTheClusterAutoscaler) {
  auto sc =
      scenario::load_scenario(fs::path(KSIM_SOURCE_DIR) / "scenarios" / "karpenter-burst.yaml");
  ASSERT_TRUE(sc.has_value());
  RunOptions o;
  o.node_autoscaler = scenario::NodeAutoscalerKind::kClusterAutoscaler;
  const auto s = run_scenario(*sc, o, nullptr);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->node_autoscaler, "cluster-autoscaler");
  EXPECT_EQ(s->nodeclaims_launched, 0u);
  EXPECT_GT(s->ca_nodes_added, 0u);
  EXPECT_LE(s->ca_nodes_added, 6u);  // max 8 - count 2
  EXPECT_EQ(s->ca_nodes_removed, s->ca_nodes_added);
  EXPECT_EQ(s->nodes_at_end, 2u);
  EXPECT_GT(s->peak_nodes, 2u);
  EXPECT_LE(s->peak_nodes, 8u);  // never above the group's max
  EXPECT_EQ(s->cost_by_owner.count("nodepool/default"), 0u);
  EXPECT_GT(s->cpu_requested_share, s->cpu_used_share);
  EXPECT_GT(s->cpu_used_share, 0.0);
  EXPECT_LT(s->cpu_requested_share, 1.0);
}

// Karpenter asked for where the manifests hold no NodePool: an error, no run.
TEST(Run, KarpenterWithoutNodePoolIsAnError) {
  RunOptions o;
  o.node_autoscaler = scenario::NodeAutoscalerKind::kKarpenter;
  o.duration = 1min;
  const auto s = run_scenario(platform1(), o, nullptr);
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().at(0).find("no NodePool"), std::string::npos) << s.error().at(0);
  o.node_autoscaler = scenario::NodeAutoscalerKind::kAuto;
  const auto none = run_scenario(platform1(), o, nullptr);
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->node_autoscaler, "none");
}

// Options replace the scenario's seed and duration.
TEST(Run, SeedAndDurationOptions) {
  RunOptions o;
  o.seed = 9;
  o.duration = 2min;
  const auto s = run_scenario(platform1(), o, nullptr);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->seed, 9u);
  EXPECT_EQ(s->duration, 2min);
  EXPECT_NEAR(static_cast<double>(s->arrivals), 20.0 * 120, 5 * std::sqrt(20.0 * 120));
}

// A scenario with a pod trace and no load: no requests, the pods run their
// time on Karpenter's nodes, which are consolidated once they finish.
TEST(Run, PodTraceWithoutLoad) {
  auto sc =
      scenario::load_scenario(fs::path(KSIM_SOURCE_DIR) / "tests/sim/run/data" / "trace-only.yaml");
  ASSERT_TRUE(sc.has_value()) << sc.error().front().to_string();
  auto s = run_scenario(*sc, {}, nullptr);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->arrivals, 0u);
  EXPECT_TRUE(s->routes.empty());
  EXPECT_EQ(s->trace_pods_submitted, 20u);
  // Consolidation may move a pod: a bare pod is then evicted and gone, not
  // recreated (Karpenter evicts controllerless pods since v0.19,
  // kubernetes-sigs/karpenter#70). Most run their time.
  EXPECT_GE(s->trace_pods_succeeded, 15u);
  EXPECT_LE(s->trace_pods_succeeded, 20u);
  // Six 1300m pods fill an m7g.2xlarge; the m7g.large holds one.
  EXPECT_GE(s->nodeclaims_launched, 4u);
  EXPECT_GE(s->peak_ready_nodes, 5u);
  EXPECT_GT(s->disruptions_executed, 0u);
  EXPECT_LT(s->trace_pods_succeeded, 20u);  // this seed: consolidation evicts one
  // Annotated karpenter.sh/do-not-disrupt, no pod's node is consolidated
  // while it runs: every pod runs its time; the emptied nodes still go.
  scenario::Scenario protected_pods = *sc;
  protected_pods.pod_trace->annotations["karpenter.sh/do-not-disrupt"] = "true";
  auto p = run_scenario(protected_pods, {}, nullptr);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->trace_pods_succeeded, 20u);
  EXPECT_GT(p->disruptions_executed, 0u);
  const std::string text = format_summary(*s);
  EXPECT_NE(
      text.find("pod trace: 20 pod(s) submitted, " + std::to_string(s->trace_pods_succeeded) +
                " Succeeded; at most " + std::to_string(s->peak_ready_nodes) + " nodes Ready"),
      std::string::npos)
      << text;
}

}  // namespace
}  // namespace ksim::run
