// ksim explain's arithmetic against decisions computed by hand (hpa.md
// sections 3-8): each decision is made by control::hpa::reconcile, recorded
// as `ksim run` records it (HpaSyncRecord + add_hpa_calculation) into a
// trace, then explained; the asserted numbers are worked out in the comments.
#include "ksim/analysis/explain.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "ksim/control/hpa/reconcile.h"
#include "ksim/sim/autoscaling/clock.h"
#include "ksim/sim/autoscaling/sync_record.h"
#include "ksim/sim/run/hpa_details.h"
#include "ksim/sim/run/run.h"
#include "ksim/sim/scenario/scenario.h"
#include "ksim/sim/trace/trace_reader.h"
#include "ksim/sim/trace/trace_writer.h"

namespace ksim::analysis {
namespace {

namespace h = control::hpa;
using std::chrono::minutes;
using std::chrono::seconds;

Time at_s(std::int64_t s) { return kTimeZero + seconds(s); }

// A Running, Ready pod started 10 minutes before `now` (past the CPU
// initialization period), requesting 1000m of cpu.
h::Pod pod(const std::string& name, Time now) {
  h::Pod p;
  p.name = name;
  p.phase = h::PodPhase::kRunning;
  p.start_time = autoscaling::to_instant(now - minutes(10));
  p.ready = h::ConditionStatus::kTrue;
  p.ready_transition = autoscaling::to_instant(now - minutes(9));
  p.containers = {h::Container{"app", {{"cpu", 1000}}}};
  return p;
}

h::PodMetricsItem sample(const std::string& name, std::int64_t cpu_milli, Time now) {
  return h::PodMetricsItem{name,
                           "shop",
                           autoscaling::to_instant(now - seconds(5)),
                           seconds(15),
                           {h::ContainerUsage{"app", {{"cpu", cpu_milli}}}}};
}

h::ReconcileInput input(Time now, std::int32_t replicas, std::int32_t target_percent) {
  h::ReconcileInput in;
  in.now = autoscaling::to_instant(now);
  in.spec.name = "web";
  in.spec.namespace_ = "shop";
  in.spec.scale_target_ref = {"Deployment", "web", "apps/v1"};
  in.spec.min_replicas = 1;
  in.spec.max_replicas = 10;
  h::MetricSpec cpu;
  cpu.type = h::MetricSourceType::kResource;
  cpu.type_name = "Resource";
  cpu.resource_name = "cpu";
  cpu.target.type = h::MetricTargetType::kUtilization;
  cpu.target.average_utilization = target_percent;
  in.spec.metrics = {cpu};
  in.spec_replicas = replicas;
  in.status_replicas = replicas;
  return in;
}

class Explain : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("ksim_explain_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto w = trace::TraceWriter::create(dir_ / "t.db");
    ASSERT_TRUE(w.has_value());
    writer_.emplace(std::move(*w));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // One sync recorded as sim/run's Recorder::on_hpa records it.
  h::ReconcileResult sync(Time t, const h::ReconcileInput& in) {
    const h::ReconcileResult result = h::reconcile(in);
    const autoscaling::HpaSyncRecord r =
        autoscaling::make_sync_record(t, "shop/web", "shop/web", in, result);
    nlohmann::json details = {{"target", r.target},
                              {"currentReplicas", r.current_replicas},
                              {"desiredReplicas", r.desired_replicas},
                              {"scaled", r.scaled},
                              {"reason", h::to_string(r.reason)},
                              {"explanation", r.explanation}};
    run::add_hpa_calculation(details, r);
    writer_->event(t, "HorizontalPodAutoscaler", "shop/web", "Sync", "Normal", "sync",
                   details.dump());
    return result;
  }

  std::vector<Decision> explain(const ExplainOptions& o = {}) {
    EXPECT_TRUE(writer_->commit().has_value());
    auto r = trace::TraceReader::open(dir_ / "t.db");
    EXPECT_TRUE(r.has_value());
    auto d = explain_decisions(*r, o);
    EXPECT_TRUE(d.has_value()) << d.error();
    return d ? *d : std::vector<Decision>{};
  }

  std::filesystem::path dir_;
  std::optional<trace::TraceWriter> writer_;
};

// 3 pods at 900m, 600m and no sample, target 50% (hpa.md 5.1):
// utilization floor(100 x 1500 / 2000) = 75%, ratio 75/50 = 1.5, outside
// [0.9, 1.1]; a pod is missing and the ratio > 1, so it is assumed at 0:
// floor(100 x 1500 / 3000) = 50%, new ratio 1.0, within tolerance: keep 3.
TEST_F(Explain, MissingPodAssumedZeroKeepsCurrent) {
  const Time t = at_s(600);
  h::ReconcileInput in = input(t, 3, 50);
  in.pods = {pod("web-a", t), pod("web-b", t), pod("web-c", t)};
  in.metrics.resource = {sample("web-a", 900, t), sample("web-b", 600, t)};
  sync(t, in);
  const auto ds = explain(ExplainOptions{t, {}, {}, ""});
  ASSERT_EQ(ds.size(), 1U);
  const MetricExplain& m = ds[0].metrics.at(0);
  ASSERT_TRUE(m.has_calc);
  EXPECT_EQ(m.utilization, 75);
  EXPECT_DOUBLE_EQ(m.ratio, 1.5);
  EXPECT_FALSE(m.within_tolerance(m.ratio));
  EXPECT_EQ(m.ready_pods, 2);
  ASSERT_EQ(m.pods.size(), 3U);
  EXPECT_EQ(m.pods[0].utilization(), 90);
  EXPECT_EQ(m.pods[1].utilization(), 60);
  EXPECT_EQ(m.pods[2].group, "missing");
  EXPECT_EQ(m.pods[2].assumed, 0);
  EXPECT_EQ(m.new_utilization, 50);
  EXPECT_DOUBLE_EQ(*m.new_ratio, 1.0);
  EXPECT_EQ(m.outcome, "keep-reversed");
  EXPECT_EQ(m.replicas, 3);
  EXPECT_EQ(ds[0].desired, 3);
  const std::string text = format_text(ds);
  EXPECT_NE(text.find("utilization = floor(100 x 1500m / 2000m) = 75%; ratio = 75 / 50 = 1.5"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("1.5 is outside [0.9, 1.1]"), std::string::npos) << text;
  EXPECT_NE(text.find("floor(100 x 1500m / 3000m) = 50%; ratio = 50 / 50 = 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("assumed 0m = 0% of request (no metric sample)"), std::string::npos) << text;
}

// The same pods with target 40%: ratio 75/40 = 1.875; filled in, 50/40 =
// 1.25, outside the tolerance: ceil(1.25 x 3) = ceil(3.75) = 4. No behavior
// (hpa.md 7): max(4, the initial recommendation 3) = 4; cap max(2 x 3, 4) = 6.
// Then one new pod is Pending 61s until a NodeClaim's node takes it.
TEST_F(Explain, ScaleUpArithmeticAndWhatFollowed) {
  const Time t = at_s(600);
  h::ReconcileInput in = input(t, 3, 40);
  in.pods = {pod("web-a", t), pod("web-b", t), pod("web-c", t)};
  in.metrics.resource = {sample("web-a", 900, t), sample("web-b", 600, t)};
  sync(t, in);
  writer_->event(t, "ReplicaSet", "shop/web-5d8f9", "SuccessfulCreate", "Normal",
                 "Created pod: web-5d8f9-x1");
  writer_->event(t + seconds(1), "Pod", "shop/web-5d8f9-x1", "FailedScheduling", "Warning",
                 "0/2 nodes are available: 2 Insufficient cpu.");
  writer_->event(t + seconds(3), "Node", "ip-10-0-1-7", "Launched", "Normal", "Launched");
  writer_->event(t + seconds(3), "NodeClaim", "default", "launched", "Normal",
                 "m7g.large on-demand in zone-a");
  writer_->event(t + seconds(50), "Node", "ip-10-0-1-7", "NodeReady", "Normal", "Ready");
  writer_->event(t + seconds(62), "Pod", "shop/web-5d8f9-x1", "Scheduled", "Normal",
                 "Successfully assigned shop/web-5d8f9-x1 to ip-10-0-1-7");
  writer_->event(t + seconds(80), "Pod", "shop/web-5d8f9-x1", "PodReady", "Normal", "Ready");
  const auto ds = explain();
  ASSERT_EQ(ds.size(), 1U);
  const Decision& d = ds[0];
  const MetricExplain& m = d.metrics.at(0);
  EXPECT_DOUBLE_EQ(m.ratio, 1.875);
  EXPECT_DOUBLE_EQ(*m.new_ratio, 1.25);
  EXPECT_EQ(m.count, 3);
  EXPECT_EQ(m.replicas, 4);
  ASSERT_TRUE(d.normalization.has_value());
  EXPECT_EQ(d.normalization->raw, 4);
  EXPECT_EQ(d.normalization->stabilized, 4);
  EXPECT_EQ(d.normalization->rate_limit, 6);
  EXPECT_EQ(d.desired, 4);
  EXPECT_TRUE(d.scaled);
  ASSERT_EQ(d.followup.new_pods.size(), 1U);
  const PodFollowup& p = d.followup.new_pods[0];
  EXPECT_EQ(p.name, "shop/web-5d8f9-x1");
  EXPECT_EQ(*p.scheduled - *p.first_failed_scheduling, seconds(61));
  ASSERT_EQ(d.followup.nodes.size(), 1U);
  EXPECT_EQ(d.followup.nodes[0].node, "ip-10-0-1-7");
  EXPECT_EQ(d.followup.nodes[0].pods, std::vector<std::string>{"shop/web-5d8f9-x1"});
  EXPECT_EQ(d.followup.last_ready, t + seconds(80));
  const std::string text = format_text(ds);
  EXPECT_NE(text.find("proposal = ceil(1.25 x 3 pods with samples or filled in) = 4"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("scale-up cap max(2 x 3, 4) = 6"), std::string::npos) << text;
  EXPECT_NE(text.find("Pending (FailedScheduling) for 1m1s"), std::string::npos) << text;
  EXPECT_NE(text.find("1 of 1 new pods Ready (1m20s after the decision)"), std::string::npos)
      << text;
}

// Missing pods on a scale-down count at 100% of their request (hpa.md 5.1
// step 7, section 10's example): 4 pods of 1000m, samples 400m and 95m,
// target 100%: floor(100 x 495 / 2000) = 24%, ratio 0.24; filled in,
// floor(100 x 2495 / 4000) = 62%, ratio 0.62, ceil(0.62 x 4) = ceil(2.48) = 3.
// An empty recommendation history (not the first sync): nothing holds it.
TEST_F(Explain, MissingPodsAssumedFullOnScaleDown) {
  const Time t = at_s(1200);
  h::ReconcileInput in = input(t, 4, 100);
  in.pods = {pod("web-a", t), pod("web-b", t), pod("web-c", t), pod("web-d", t)};
  in.metrics.resource = {sample("web-a", 400, t), sample("web-b", 95, t)};
  in.state.recommendations = std::vector<h::Recommendation>{};
  sync(t, in);
  const auto ds = explain();
  ASSERT_EQ(ds.size(), 1U);
  const MetricExplain& m = ds[0].metrics.at(0);
  EXPECT_EQ(m.utilization, 24);
  EXPECT_EQ(m.new_utilization, 62);
  EXPECT_EQ(m.pods[2].assumed, 1000);
  EXPECT_EQ(m.pods[3].assumed, 1000);
  EXPECT_EQ(m.replicas, 3);
  EXPECT_EQ(ds[0].desired, 3);
  const std::string text = format_text(ds);
  EXPECT_NE(text.find("assumed 1000m = 100% of request (no metric sample)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("proposal = ceil(0.62 x 4 pods with samples or filled in) = 3"),
            std::string::npos)
      << text;
}

// Stabilization held (hpa.md 7.1): 5 pods at 300m of 1000m, target 50%:
// 30%, ratio 0.6, ceil(0.6 x 5) = 3; a recommendation of 5 from 2 minutes
// ago is inside the 5-minute window, so max(3, 5) = 5 holds.
TEST_F(Explain, StabilizationHoldsScaleDown) {
  const Time t = at_s(900);
  h::ReconcileInput in = input(t, 5, 50);
  for (const char* n : {"web-a", "web-b", "web-c", "web-d", "web-e"}) {
    in.pods.push_back(pod(n, t));
    in.metrics.resource.push_back(sample(n, 300, t));
  }
  in.state.recommendations =
      std::vector<h::Recommendation>{{5, autoscaling::to_instant(t - minutes(2))}};
  sync(t, in);
  const auto ds = explain(ExplainOptions{{}, at_s(0), {}, "hpa/web"});
  ASSERT_EQ(ds.size(), 1U);
  const Decision& d = ds[0];
  EXPECT_EQ(d.metrics.at(0).utilization, 30);
  EXPECT_EQ(d.metrics.at(0).replicas, 3);
  ASSERT_TRUE(d.normalization.has_value());
  EXPECT_EQ(d.normalization->raw, 3);
  EXPECT_EQ(d.normalization->stabilized, 5);
  EXPECT_EQ(d.desired, 5);
  EXPECT_FALSE(d.scaled);
  const std::string text = format_text(ds);
  EXPECT_NE(text.find("recommendations in the window: 5 at 13m0s (2m0s ago)"), std::string::npos)
      << text;
  EXPECT_NE(
      text.find("held: the window kept 5 (the recommendation 5 at 13m0s) instead of the raw 3"),
      std::string::npos)
      << text;
}

// Policy-limited (hpa.md 8.4): 2 pods at 1000m of 1000m, target 50%:
// ratio 2, ceil(2 x 2) = 4; scaleUp policy Pods 1 per 60s from 2 replicas
// allows 2 + 1 = 3, so min(maxReplicas 10, 3) = 3 (ScaleUpLimit).
TEST_F(Explain, PolicyLimitsScaleUp) {
  const Time t = at_s(300);
  h::ReconcileInput in = input(t, 2, 50);
  in.pods = {pod("web-a", t), pod("web-b", t)};
  in.metrics.resource = {sample("web-a", 1000, t), sample("web-b", 1000, t)};
  h::ScalingRules up;
  up.policies = std::vector<h::ScalingPolicy>{{h::PolicyType::kPods, 1, 60}};
  in.spec.behavior = h::Behavior{up, std::nullopt};
  sync(t, in);
  const auto ds = explain();
  ASSERT_EQ(ds.size(), 1U);
  const Decision& d = ds[0];
  ASSERT_TRUE(d.normalization.has_value());
  const NormalizationExplain& n = *d.normalization;
  EXPECT_EQ(n.raw, 4);
  ASSERT_EQ(n.policies.size(), 1U);
  EXPECT_EQ(n.policies[0].period_start, 2);
  EXPECT_EQ(n.policies[0].limit, 3);
  EXPECT_EQ(n.bound, 3);
  EXPECT_EQ(n.limit, "ScaleUpLimit");
  EXPECT_EQ(d.desired, 3);
  const std::string text = format_text(ds);
  EXPECT_NE(text.find("Pods 1 per 60s: replicas at the period's start 2, limit 2 + 1 = 3"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("4 -> 3 (ScaleUpLimit: limited)"), std::string::npos) << text;
}

// --at picks, per HPA, the sync at or just before the time; --object filters;
// unknown HPAs and empty ranges are errors.
TEST_F(Explain, SelectsByTimeAndObject) {
  for (std::int64_t s : {15, 30, 45}) {
    const std::string d = R"({"currentReplicas":2,"desiredReplicas":)" +
                          std::string(s == 30 ? "3" : "2") + R"(,"scaled":)" +
                          (s == 30 ? "true" : "false") + "}";
    writer_->event(at_s(s), "HorizontalPodAutoscaler", "shop/web", "Sync", "Normal", "", d);
    writer_->event(at_s(s), "HorizontalPodAutoscaler", "shop/api", "Sync", "Normal", "",
                   R"({"currentReplicas":1,"desiredReplicas":1,"scaled":false})");
  }
  ASSERT_TRUE(writer_->commit().has_value());
  auto r = trace::TraceReader::open(dir_ / "t.db");
  ASSERT_TRUE(r.has_value());
  auto at40 = explain_decisions(*r, ExplainOptions{at_s(40), {}, {}, ""});
  ASSERT_TRUE(at40.has_value()) << at40.error();
  ASSERT_EQ(at40->size(), 2U);  // one per HPA
  EXPECT_EQ((*at40)[0].t, at_s(30));
  EXPECT_EQ((*at40)[1].t, at_s(30));
  auto web = explain_decisions(*r, ExplainOptions{at_s(40), {}, {}, "shop/web"});
  ASSERT_TRUE(web.has_value());
  ASSERT_EQ(web->size(), 1U);
  EXPECT_EQ((*web)[0].hpa, "shop/web");
  auto changed = explain_decisions(*r, ExplainOptions{});  // default: rescales only
  ASSERT_TRUE(changed.has_value());
  ASSERT_EQ(changed->size(), 1U);
  EXPECT_EQ((*changed)[0].desired, 3);
  auto range = explain_decisions(*r, ExplainOptions{{}, at_s(20), at_s(45), "api"});
  ASSERT_TRUE(range.has_value());
  EXPECT_EQ(range->size(), 2U);
  auto none = explain_decisions(*r, ExplainOptions{{}, {}, {}, "hpa/nope"});
  ASSERT_FALSE(none.has_value());
  EXPECT_NE(none.error().find("no HPA named 'hpa/nope'"), std::string::npos);
  auto early = explain_decisions(*r, ExplainOptions{at_s(10), {}, {}, ""});
  ASSERT_FALSE(early.has_value());
  EXPECT_NE(early.error().find("no HPA decision at or before"), std::string::npos);
}

// karpenter-burst: its first scale-up (2 -> 4 at 5m15s) fits on the nodes
// there are; the first one whose new pods go Pending is explained with the
// NodeClaim Karpenter launched for them and the node that took them.
TEST(ExplainBurst, FirstPendingScaleUpLinksNodeClaim) {
  auto sc = scenario::load_scenario(std::filesystem::path(KSIM_SOURCE_DIR) / "scenarios" /
                                    "karpenter-burst.yaml");
  ASSERT_TRUE(sc.has_value());
  const auto path = std::filesystem::temp_directory_path() /
                    ("ksim_explain_burst_" + std::to_string(::getpid()) + ".db");
  auto w = trace::TraceWriter::create(path);
  ASSERT_TRUE(w.has_value());
  ASSERT_TRUE(run::run_scenario(*sc, {}, &*w).has_value());
  ASSERT_TRUE(w->commit().has_value());
  auto r = trace::TraceReader::open(path);
  ASSERT_TRUE(r.has_value());
  auto ds = explain_decisions(*r, ExplainOptions{});
  std::filesystem::remove(path);
  ASSERT_TRUE(ds.has_value()) << ds.error();
  const Decision* first = nullptr;
  for (const Decision& d : *ds) {
    const bool pending = std::ranges::any_of(d.followup.new_pods, [](const PodFollowup& p) {
      return p.first_failed_scheduling.has_value();
    });
    if (d.desired > d.current && pending) {
      first = &d;
      break;
    }
  }
  ASSERT_NE(first, nullptr);
  EXPECT_GT(first->t, ds->front().t);  // not the very first scale-up
  const std::string text = format_text({*first});
  const auto claim = std::ranges::find_if(first->followup.nodes, [](const NodeLaunch& n) {
    return n.kind == "NodeClaim" && !n.pods.empty();
  });
  ASSERT_NE(claim, first->followup.nodes.end()) << text;
  EXPECT_FALSE(claim->node.empty());
  EXPECT_TRUE(claim->node_ready.has_value());
  EXPECT_NE(text.find("NodeClaim launched by"), std::string::npos) << text;
  EXPECT_NE(text.find("Pending (FailedScheduling) for"), std::string::npos) << text;
  EXPECT_NE(text.find("-> node " + claim->node), std::string::npos) << text;
}

}  // namespace
}  // namespace ksim::analysis
