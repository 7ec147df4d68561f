// Whole syncs transcribed from upstream horizontal_test.go: selectors, scale
// read and write failures, events, the legacy and behavior scale-up caps,
// timing (no backoff, stabilization, immediate min/max) and
// TestAvoidUnnecessaryUpdates. Expected values are upstream's.
#include <gtest/gtest.h>

#include "upstream_fixture.h"

namespace ksim::control::hpa::upstream {
namespace {

const Cond kReady{"AbleToScale", T, "ReadyForNewScale"};
const std::vector<Cond> kRescaled{{"AbleToScale", T, "SucceededRescale"}};

// TestConditionInvalidSelector* and TestConditionFailed{Get,Update}Scale share it.
const Scenario kSmallPods{.min_replicas = 1,
                          .max_replicas = 100,
                          .spec_replicas = 3,
                          .status_replicas = 3,
                          .cpu_target = 10,
                          .levels = {100, 200, 300},
                          .requests = req(3, 100)};

TEST(HorizontalUpstreamMisc, InvalidSelector) {
  for (const char* selector : {"", "cheddar cheese"}) {
    SCOPED_TRACE(selector);
    ReconcileInput in = build(kSmallPods);
    in.selector = selector;
    const ReconcileResult r = reconcile(in);
    expect_result(
        kSmallPods, r, 3,
        {{"AbleToScale", T, "SucceededGetScale"}, {"ScalingActive", F, "InvalidSelector"}});
    EXPECT_TRUE(r.error.has_value());
  }
}

TEST(HorizontalUpstreamMisc, FailedGetScale) {
  ReconcileInput in = build(kSmallPods);
  in.scale_read_error = "something went wrong";
  const ReconcileResult r = reconcile(in);
  expect_result(kSmallPods, r, 3, {{"AbleToScale", F, "FailedGetScale"}});
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].reason, "FailedGetScale");
  EXPECT_EQ(r.events[0].message, "something went wrong");
}

TEST(HorizontalUpstreamMisc, FailedUpdateScale) {
  Scenario s = kSmallPods;  // TestConditionFailedUpdateScale
  s.max_replicas = 5;
  s.cpu_target = 100;
  s.levels = {150, 150, 150};
  ReconcileInput in = build(s);
  in.scale_update_fails = true;
  const ReconcileResult r = reconcile(in);
  expect_result(s, r, 3, status_ok({{"AbleToScale", F, "FailedUpdateScale"}}));
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].reason, "FailedRescale");
  EXPECT_TRUE(r.error.has_value());
}

TEST(HorizontalUpstreamMisc, Events) {
  const Scenario created{.min_replicas = 1,  // TestEventCreated
                         .max_replicas = 5,
                         .spec_replicas = 1,
                         .status_replicas = 1,
                         .cpu_target = 50,
                         .levels = {200},
                         .requests = req(1, 200)};
  ReconcileResult r = reconcile(build(created));
  expect_result(created, r, 2, status_ok());
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].reason, "SuccessfulRescale");
  EXPECT_EQ(r.events[0].message,
            "New size: 2; reason: cpu resource utilization (percentage of request) above target");
  Scenario not_created = created;  // TestEventNotCreated
  not_created.spec_replicas = not_created.status_replicas = 2;
  not_created.levels = {200, 200};
  not_created.requests = req(2, 400);
  r = reconcile(build(not_created));
  expect_result(not_created, r, 2, status_ok({kReady}));
  EXPECT_TRUE(r.events.empty());
  Scenario missing_reports = created;  // TestMissingReports
  missing_reports.spec_replicas = missing_reports.status_replicas = 4;
  missing_reports.recommendations = std::vector<Recommendation>{};
  r = reconcile(build(missing_reports));
  expect_result(missing_reports, r, 2, status_ok());
}

TEST(HorizontalUpstreamMisc, UpscaleCap) {
  const Scenario cap{.min_replicas = 1,  // TestUpscaleCap
                     .max_replicas = 100,
                     .spec_replicas = 3,
                     .status_replicas = 3,
                     .cpu_target = 10,
                     .levels = {100, 200, 300},
                     .requests = req(3, 100),
                     .scale_up = scaling_rules(0, 0, 700, 60, 0)};
  Scenario over_max = cap;  // TestUpscaleCapGreaterThanMaxReplicas
  over_max.max_replicas = 20;
  ReconcileResult r = reconcile(build(cap));
  expect_result(cap, r, 24, status_ok({{"ScalingLimited", T, "ScaleUpLimit"}}));
  r = reconcile(build(over_max));
  expect_result(over_max, r, 20, status_ok({{"ScalingLimited", T, "TooManyReplicas"}}));
  // The scale event is stored (behavior set): +21 and +17.
  ASSERT_EQ(r.state.scale_up_events.size(), 1u);
  EXPECT_EQ(r.state.scale_up_events[0].replica_change, 17);
}

TEST(HorizontalUpstreamMisc, MoreReplicasThanSpecNoScale) {
  const Scenario s{.min_replicas = 1,  // Deployment update with 25% surge.
                   .max_replicas = 8,
                   .spec_replicas = 4,
                   .status_replicas = 5,
                   .cpu_target = 50,
                   .levels = {500, 500, 500, 500, 500},
                   .requests = req(5)};
  expect_result(s, reconcile(build(s)), 4, status_ok({kReady}));
}

TEST(HorizontalUpstreamMisc, Timing) {
  const Scenario no_backoff{.min_replicas = 1,  // TestNoBackoffUpscaleCM
                            .max_replicas = 5,
                            .spec_replicas = 3,
                            .status_replicas = 3,
                            .levels = {20000, 10000, 30000},
                            .requests = req(3),
                            .metrics = {pods_metric(15000)},
                            .last_scale_time = now()};
  Scenario with_cpu = no_backoff;  // TestNoBackoffUpscaleCMNoBackoffCpu
  with_cpu.cpu_target = 10;
  const Scenario stabilize{.min_replicas = 1,  // TestStabilizeDownscale
                           .max_replicas = 5,
                           .spec_replicas = 4,
                           .status_replicas = 4,
                           .cpu_target = 100,
                           .levels = {50, 50, 50},
                           .requests = req(3, 100),
                           .recommendations = std::vector<Recommendation>{{10, now() - 10min - 1ms},
                                                                          {4, now() - 1min - 1ms}}};
  const Scenario up_now{.min_replicas = 2,  // TestScaleUpRCImmediately
                        .max_replicas = 6,
                        .spec_replicas = 1,
                        .status_replicas = 1,
                        .levels = {0, 0, 0, 0},
                        .requests = req(4),
                        .last_scale_time = now()};
  const Scenario down_now{.min_replicas = 2,  // TestScaleDownRCImmediately
                          .max_replicas = 5,
                          .spec_replicas = 6,
                          .status_replicas = 6,
                          .cpu_target = 50,
                          .levels = {8000, 9500, 1000},
                          .requests = std::vector<std::int64_t>{900, 1000, 1100},
                          .last_scale_time = now()};
  struct Row {
    const char* name;
    Scenario s;
    std::int32_t want;
    std::vector<Cond> conds;
  };
  const Row rows[] = {
      {"TestNoBackoffUpscaleCM", no_backoff, 4, status_ok()},
      {"TestNoBackoffUpscaleCMNoBackoffCpu", with_cpu, 5,
       status_ok({{"ScalingLimited", T, "TooManyReplicas"}})},
      {"TestStabilizeDownscale", stabilize, 4,
       status_ok({{"AbleToScale", T, "ScaleDownStabilized"}})},
      {"TestScaleUpRCImmediately", up_now, 2, kRescaled},
      {"TestScaleDownRCImmediately", down_now, 5, kRescaled},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    expect_result(row.s, reconcile(build(row.s)), row.want, row.conds);
  }
}

TEST(HorizontalUpstreamMisc, ExternalSelectorWithUnlabelledSeries) {
  // TestReplicaCalcExternalPerPodMetric "scale up": the selector {label: value}
  // is the fakes' testExternalSelector, their series carry no labels.
  const Scenario s{.min_replicas = 1,
                   .max_replicas = 10,
                   .spec_replicas = 3,
                   .status_replicas = 3,
                   .levels = {8600},
                   .metrics = {external_average(2150)}};
  ReconcileInput in = build(s);
  in.spec.metrics[0].metric_selector = LabelSelector{{{"label", "value"}}, {}};
  ReconcileResult r = reconcile(in);
  ASSERT_EQ(r.proposals.size(), 1u);
  EXPECT_EQ(r.proposals[0].replicas, 4);
  EXPECT_EQ(r.status.current_metrics[0].current.average_value_milli, 2867);
  // A labelled series stands for the server's answer: one that does not match
  // the selector is not part of it.
  in.metrics.external.push_back(ExternalMetricItem{"qps", {{"label", "other"}}, now(), 100000});
  r = reconcile(in);
  EXPECT_EQ(r.proposals[0].replicas, 4);
}

TEST(HorizontalUpstreamMisc, AvoidUnnecessaryUpdates) {
  // The HPA's status already says what this sync computes: the new status must
  // equal it (upstream fails the test on any status write).
  const Instant an_hour_ago = now() - 1h;
  Scenario s{.min_replicas = 2,
             .max_replicas = 6,
             .spec_replicas = 2,
             .status_replicas = 2,
             .levels = {400, 500, 700},
             .requests = req(3),
             .start = {cool(), hot(), hot()},
             .metrics = {container_cpu("", 80)},
             .recommendations = std::vector<Recommendation>{},
             .last_scale_time = an_hour_ago};
  s.initial_conditions = {
      {"AbleToScale", T, "ReadyForNewScale", "recommended size matches current size", an_hour_ago},
      {"ScalingActive", T, "ValidMetricFound",
       "the HPA was able to successfully calculate a replica count from cpu resource utilization "
       "(percentage of request)",
       an_hour_ago},
      {"ScalingLimited", T, "TooFewReplicas",
       "the desired replica count is less than the minimum replica count", an_hour_ago}};
  ReconcileInput in = build(s);
  MetricStatus cpu{true, s.metrics[0], MetricValueStatus{std::nullopt, 400, 40}};
  in.status.current_metrics = {cpu};
  const ReconcileResult r = reconcile(in);
  EXPECT_FALSE(r.scale_updated);
  EXPECT_EQ(r.status.current_replicas, in.status.current_replicas);
  EXPECT_EQ(r.status.desired_replicas, in.status.desired_replicas);
  EXPECT_EQ(r.status.last_scale_time, in.status.last_scale_time);
  ASSERT_EQ(r.status.current_metrics.size(), 1u);
  EXPECT_EQ(r.status.current_metrics[0].current.average_value_milli, 400);
  EXPECT_EQ(r.status.current_metrics[0].current.average_utilization, 40);
  ASSERT_EQ(r.status.conditions.size(), in.status.conditions.size());
  for (std::size_t i = 0; i < r.status.conditions.size(); ++i) {
    const HpaCondition& got = r.status.conditions[i];
    const HpaCondition& was = in.status.conditions[i];
    EXPECT_EQ(got.type, was.type);
    EXPECT_EQ(got.status, was.status);
    EXPECT_EQ(got.reason, was.reason);
    EXPECT_EQ(got.message, was.message);
    EXPECT_EQ(got.last_transition_time, was.last_transition_time);
  }
  EXPECT_TRUE(r.events.empty());
  // setStatus rebuilds the status: observedGeneration is metadata.generation
  // with the HPAGeneration gate (the newest test enables it), dropped without.
  in.spec.generation = 1;
  in.status.observed_generation = 1;
  in.config.hpa_generation = true;
  EXPECT_EQ(reconcile(in).status.observed_generation, 1);
  in.config.hpa_generation = false;
  EXPECT_FALSE(reconcile(in).status.observed_generation.has_value());
}

}  // namespace
}  // namespace ksim::control::hpa::upstream
