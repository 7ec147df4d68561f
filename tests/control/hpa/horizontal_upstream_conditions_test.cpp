// Whole syncs transcribed from upstream horizontal_test.go: scale to and from
// zero (HPAScaleToZero set per row, as upstream does), failing metrics, invalid
// metric types and selectors, scale read/write failures, events, and the
// timing tests. Expected values are upstream's.
#include <gtest/gtest.h>

#include "upstream_fixture.h"

namespace ksim::control::hpa::upstream {
namespace {

const std::vector<Cond> kDisabled{{"AbleToScale", T, "SucceededGetScale"},
                                  {"ScalingActive", F, "ScalingDisabled"}};
std::vector<Cond> inactive(const char* reason) {
  return {{"AbleToScale", T, "SucceededGetScale"}, {"ScalingActive", F, reason}};
}
const Cond kNotScaledToZero{"ScaledToZero", F, "NotScaledToZero"};
HpaCondition scaled_to_zero() {
  return HpaCondition{"ScaledToZero", T, "ScaledToZero", "", kGoZeroTime};
}

struct Row {
  const char* name;
  Scenario s;
  std::int32_t want;
  std::vector<Cond> conds;
};

void run(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    expect_result(row.s, reconcile(build(row.s)), row.want, row.conds);
  }
}

Scenario gate(Scenario s, bool on) {
  s.scale_to_zero_gate = on;
  return s;
}

TEST(HorizontalUpstreamZero, ScaleDownToZero) {
  // TestScaleDownCM "scale down to zero ... with feature gate enabled/disabled".
  const Scenario object{.min_replicas = 0,
                        .max_replicas = 6,
                        .spec_replicas = 5,
                        .status_replicas = 5,
                        .levels = {0},
                        .requests = req(5),
                        .metrics = {object_value(20000)},
                        .recommendations = std::vector<Recommendation>{}};
  Scenario external = object;
  external.requests.reset();
  external.metrics = {external_value(14400)};
  const auto with_condition = status_ok({{"ScaledToZero", T, "ScaledToZero"}});
  run({
      {"object, gate on", gate(object, true), 0, with_condition},
      {"object, gate off (TestScaleDownToZeroCMObject)", gate(object, false), 0, status_ok()},
      {"external, gate on", gate(external, true), 0, with_condition},
      {"external, gate off (TestScaleDownToZeroCMExternal)", gate(external, false), 0, status_ok()},
  });
}

TEST(HorizontalUpstreamZero, ScaleUpFromZero) {
  // TestScaleUpCMObject "scale up from zero ..." rows.
  const Scenario from_zero{.min_replicas = 0,
                           .max_replicas = 6,
                           .spec_replicas = 0,
                           .status_replicas = 0,
                           .levels = {20000},
                           .metrics = {object_value(15000)},
                           .initial_conditions = {scaled_to_zero()}};
  Scenario tolerance = from_zero;
  tolerance.levels = {1000};
  tolerance.metrics = {object_value(1000)};
  const std::vector<Cond> up{kNotScaledToZero,
                             {"AbleToScale", T, "SucceededRescale"},
                             {"ScalingActive", T, "ValidMetricFound"},
                             {"ScalingLimited", F, "DesiredWithinRange"}};
  Scenario without_condition = from_zero;  // TestScaleUpFromZeroWithoutCondition
  without_condition.initial_conditions = {};
  const Scenario invalid{.min_replicas = 0,  // TestScaleUpFromZeroOneMetricInvalid
                         .max_replicas = 6,
                         .spec_replicas = 0,
                         .status_replicas = 0,
                         .cpu_target = 30,
                         .levels = {300, 400, 500},
                         .requests = req(3),
                         .metrics = {unknown_metric("CheddarCheese")},
                         .recommendations = std::vector<Recommendation>{}};
  run({
      {"with feature gate enabled", gate(from_zero, true), 2, up},
      {"with feature gate disabled", gate(from_zero, false), 0, kDisabled},
      {"ignores tolerance with feature gate enabled", gate(tolerance, true), 1, up},
      {"ignores tolerance with feature gate disabled", gate(tolerance, false), 0, kDisabled},
      {"TestScaleUpFromZeroWithoutCondition on", gate(without_condition, true), 0, kDisabled},
      {"TestScaleUpFromZeroWithoutCondition off", gate(without_condition, false), 0, kDisabled},
      {"TestScaleUpFromZeroOneMetricInvalid on", gate(invalid, true), 0, kDisabled},
      {"TestScaleUpFromZeroOneMetricInvalid off", gate(invalid, false), 0, kDisabled},
  });
}

TEST(HorizontalUpstreamZero, ConditionOnOtherSyncs) {
  const Scenario min_increased{.min_replicas = 2,  // TestScaleUpFromZeroWhenMinReplicasIncreased
                               .max_replicas = 6,
                               .spec_replicas = 0,
                               .status_replicas = 0,
                               .levels = {10000},
                               .metrics = {object_value(15000)},
                               .initial_conditions = {scaled_to_zero()}};
  const Scenario rescale{.min_replicas = 1,  // TestScaledToZeroConditionHandledOnNormalRescale
                         .max_replicas = 6,
                         .spec_replicas = 3,
                         .status_replicas = 3,
                         .cpu_target = 30,
                         .levels = {300, 500, 700},
                         .requests = req(3),
                         .initial_conditions = {scaled_to_zero()}};
  const Scenario manual{.min_replicas = 1,  // TestManualScaleToZeroDisablesHPA
                        .max_replicas = 6,
                        .spec_replicas = 0,
                        .status_replicas = 0,
                        .cpu_target = 50,
                        .requests = std::vector<std::int64_t>{}};
  Scenario zero_replicas = manual;  // TestZeroReplicas
  zero_replicas.min_replicas = 3;
  zero_replicas.max_replicas = 5;
  zero_replicas.cpu_target = 90;
  run({
      {"min increased, gate on",
       gate(min_increased, true),
       2,
       {kNotScaledToZero,
        {"AbleToScale", T, "SucceededRescale"},
        {"ScalingActive", T, "ValidMetricFound"},
        {"ScalingLimited", T, "TooFewReplicas"}}},
      {"min increased, gate off", gate(min_increased, false), 0, kDisabled},
      {"normal rescale, gate on",
       gate(rescale, true),
       5,
       {kNotScaledToZero,
        {"AbleToScale", T, "SucceededRescale"},
        {"ScalingActive", T, "ValidMetricFound"},
        {"ScalingLimited", F, "DesiredWithinRange"}}},
      {"normal rescale, gate off", gate(rescale, false), 5, status_ok()},
      {"manual scale to zero, gate on", gate(manual, true), 0, kDisabled},
      {"manual scale to zero, gate off", gate(manual, false), 0, kDisabled},
      {"TestZeroReplicas", zero_replicas, 0, kDisabled},
  });
}

TEST(HorizontalUpstreamConditions, MetricFailures) {
  const Scenario base{.min_replicas = 1,  // TestConditionFailedGetMetrics
                      .max_replicas = 100,
                      .spec_replicas = 3,
                      .status_replicas = 3,
                      .cpu_target = 10,
                      .levels = {100, 200, 300},
                      .requests = req(3, 100)};
  struct Failing {
    const char* reason;
    std::optional<MetricSpec> spec;
    const char* message_head;  // the condition message up to the metrics API's own error
  };
  const Failing failing[] = {
      {"FailedGetResourceMetric", std::nullopt,
       "failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch "
       "metrics from resource metrics API: "},
      {"FailedGetPodsMetric", pods_metric(15000),
       "unable to get metric qps: unable to fetch metrics from custom metrics API: "},
      {"FailedGetObjectMetric", object_value(15000),
       "unable to get metric qps on Deployment test-namespace/some-deployment: unable to fetch "
       "metrics from custom metrics API: "},
      {"FailedGetExternalMetric", external_value(300),
       "unable to get external metric "
       "test-namespace/qps/&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]"
       "LabelSelectorRequirement{},}: unable to fetch metrics from external metrics API: "}};
  for (const Failing& f : failing) {
    SCOPED_TRACE(f.reason);
    Scenario s = base;
    if (f.spec) {
      s.cpu_target = 0;
      s.metrics = {*f.spec};
    }
    ReconcileInput in = build(s);
    in.metrics.resource_fails = in.metrics.pods_fails = true;
    in.metrics.object_fails = in.metrics.external_fails = true;
    const ReconcileResult r = reconcile(in);
    expect_result(s, r, 3, inactive(f.reason));
    EXPECT_TRUE(r.error.has_value());
    // getUnableComputeReplicaCountCondition wraps the computeStatusFor* error.
    const std::string head =
        std::string("the HPA was unable to compute the replica count: ") + f.message_head;
    ASSERT_EQ(r.status.conditions.size(), 2u);
    EXPECT_EQ(r.status.conditions[1].message.substr(0, head.size()), head);
  }
}

TEST(HorizontalUpstreamConditions, InvalidMetricSourceType) {
  const Scenario only{.min_replicas = 2,  // TestConditionInvalidSourceType
                      .max_replicas = 6,
                      .spec_replicas = 3,
                      .status_replicas = 3,
                      .levels = {20000},
                      .metrics = {unknown_metric("CheddarCheese")}};
  Scenario empty_levels = only;  // TestScaleUpBothMetricsEmpty
  empty_levels.levels = {};
  empty_levels.requests = req(3);
  const Scenario up{.min_replicas = 2,  // TestScaleUpOneMetricInvalid
                    .max_replicas = 6,
                    .spec_replicas = 3,
                    .status_replicas = 3,
                    .cpu_target = 30,
                    .levels = {300, 400, 500},
                    .requests = req(3),
                    .metrics = {unknown_metric("CheddarCheese")}};
  Scenario down = up;  // TestNoScaleDownOneMetricInvalid
  down.spec_replicas = down.status_replicas = 5;
  down.cpu_target = 50;
  down.levels = {100, 300, 500, 250, 250};
  down.requests = req(5);
  down.recommendations = std::vector<Recommendation>{};
  run({
      {"TestConditionInvalidSourceType", only, 3, inactive("InvalidMetricSourceType")},
      {"TestScaleUpBothMetricsEmpty", empty_levels, 3, inactive("InvalidMetricSourceType")},
      {"TestScaleUpOneMetricInvalid", up, 4, status_ok()},
      {"TestNoScaleDownOneMetricInvalid", down, 5, inactive("InvalidMetricSourceType")},
  });
}

TEST(HorizontalUpstreamConditions, OneMetricEmpty) {
  // TestScaleUpOneMetricEmpty / TestNoScaleDownOneMetricEmpty: the external
  // metrics API fails ("something went wrong").
  const Scenario up{.min_replicas = 2,
                    .max_replicas = 6,
                    .spec_replicas = 3,
                    .status_replicas = 3,
                    .cpu_target = 30,
                    .levels = {300, 400, 500},
                    .requests = req(3),
                    .metrics = {external_value(100)}};
  Scenario down = up;
  down.spec_replicas = down.status_replicas = 5;
  down.cpu_target = 50;
  down.levels = {100, 300, 500, 250, 250};
  down.requests = req(5);
  down.metrics = {external_value(1000)};
  down.recommendations = std::vector<Recommendation>{};
  for (const Row& row :
       {Row{"TestScaleUpOneMetricEmpty", up, 4, status_ok()},
        Row{"TestNoScaleDownOneMetricEmpty", down, 5, inactive("FailedGetExternalMetric")}}) {
    SCOPED_TRACE(row.name);
    ReconcileInput in = build(row.s);
    in.metrics.external_fails = true;
    const ReconcileResult r = reconcile(in);
    expect_result(row.s, r, row.want, row.conds);
    EXPECT_TRUE(r.error.has_value());  // ErrorLabelInternal in both
  }
}

TEST(HorizontalUpstreamConditions, EmptyMetricsAndRequests) {
  const Scenario empty{.min_replicas = 2,  // TestEmptyMetrics
                       .max_replicas = 6,
                       .spec_replicas = 4,
                       .status_replicas = 4,
                       .cpu_target = 100,
                       .requests = req(4)};
  const Scenario no_request{.min_replicas = 1,  // TestEmptyCPURequest
                            .max_replicas = 5,
                            .spec_replicas = 1,
                            .status_replicas = 1,
                            .cpu_target = 100,
                            .levels = {200},
                            .requests = std::vector<std::int64_t>{}};
  run({
      {"TestEmptyMetrics", empty, 4, inactive("FailedGetResourceMetric")},
      {"TestEmptyCPURequest", no_request, 1, inactive("FailedGetResourceMetric")},
  });
}

}  // namespace
}  // namespace ksim::control::hpa::upstream
