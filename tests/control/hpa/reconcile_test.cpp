// One sync end to end: branches, multi-metric rules, conditions, events, state.
#include "ksim/control/hpa/reconcile.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace ksim::control::hpa {
namespace {

using namespace testing;

TEST(Reconcile, WorkedScaleUp) {
  ReconcileInput in = cpu_input(3, {300, 500, 700}, 30, 1, 10);
  const ReconcileResult r = reconcile(in);
  EXPECT_EQ(r.desired_replicas, 5);
  EXPECT_TRUE(r.scale_updated);
  EXPECT_EQ(r.reason, DecisionReason::kComputed);
  ASSERT_EQ(r.proposals.size(), 1u);
  EXPECT_EQ(r.proposals[0].replicas, 5);
  ASSERT_EQ(r.status.current_metrics.size(), 1u);
  EXPECT_EQ(r.status.current_metrics[0].current.average_utilization, 50);
  EXPECT_EQ(r.status.current_metrics[0].current.average_value_milli, 500);
  EXPECT_EQ(r.status.last_scale_time, t0());
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].reason, "SuccessfulRescale");
  EXPECT_EQ(r.events[0].message,
            "New size: 5; reason: cpu resource utilization (percentage of request) above target");
  const HpaCondition* able = find_condition(r.status, "AbleToScale");
  ASSERT_NE(able, nullptr);
  EXPECT_EQ(able->reason, "SucceededRescale");
  EXPECT_EQ(find_condition(r.status, "ScalingActive")->reason, "ValidMetricFound");
  EXPECT_EQ(find_condition(r.status, "ScalingLimited")->reason, "DesiredWithinRange");
  EXPECT_FALSE(r.error.has_value());
}

TEST(Reconcile, InitialRecommendationDelaysScaleDown) {
  // TestScaleDownStabilizeInitialSize: no recorded state -> {current, now} is
  // recorded and holds the scale-down.
  ReconcileInput in = cpu_input(5, {100, 300, 500, 250, 250}, 50, 1, 10);
  in.state.recommendations.reset();
  ReconcileResult r = reconcile(in);
  EXPECT_EQ(r.desired_replicas, 5);
  EXPECT_FALSE(r.scale_updated);
  EXPECT_EQ(find_condition(r.status, "AbleToScale")->reason, "ScaleDownStabilized");
  // With an empty (but present) history the scale-down to 3 happens.
  in.state.recommendations = std::vector<Recommendation>{};
  r = reconcile(in);
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_EQ(r.events[0].message, "New size: 3; reason: All metrics below target");
}

TEST(Reconcile, AboveMaxAndBelowMinSkipMetrics) {
  ReconcileInput in = cpu_input(12, {500}, 50, 2, 10);
  ReconcileResult r = reconcile(in);
  EXPECT_EQ(r.desired_replicas, 10);
  EXPECT_EQ(r.reason, DecisionReason::kAboveMaxReplicas);
  EXPECT_TRUE(r.proposals.empty());
  EXPECT_EQ(r.events[0].message,
            "New size: 10; reason: Current number of replicas above Spec.MaxReplicas");
  in.spec_replicas = 1;
  in.config.scale_to_zero = false;
  r = reconcile(in);
  EXPECT_EQ(r.desired_replicas, 2);
  // TestTooFewReplicas: only AbleToScale is set in this branch.
  ASSERT_EQ(r.status.conditions.size(), 1u);
  EXPECT_EQ(r.status.conditions[0].reason, "SucceededRescale");
  // With HPAScaleToZero every successful rescale also sets ScaledToZero.
  in.config.scale_to_zero = true;
  r = reconcile(in);
  ASSERT_EQ(r.status.conditions.size(), 2u);
  EXPECT_EQ(r.status.conditions[1].reason, "NotScaledToZero");
}

TEST(Reconcile, ZeroReplicasDisablesScaling) {
  ReconcileInput in = cpu_input(0, {500}, 50, 1, 10);
  const ReconcileResult r = reconcile(in);
  EXPECT_EQ(r.desired_replicas, 0);
  EXPECT_FALSE(r.scale_updated);
  EXPECT_EQ(find_condition(r.status, "ScalingActive")->reason, "ScalingDisabled");
}

MetricSpec object_metric(std::int64_t target) {
  MetricSpec m;
  m.type = MetricSourceType::kObject;
  m.type_name = "Object";
  m.metric_name = "qps";
  m.described_object = ObjectReference{"Ingress", "front", "networking.k8s.io/v1"};
  m.target.type = MetricTargetType::kValue;
  m.target.value_milli = target;
  return m;
}

TEST(Reconcile, ScaleUpFromZeroIgnoresTolerance) {
  // TestScaleUpFromZeroIgnoresToleranceCMObject: minReplicas 0, ratio 1 -> 1,
  // now only when the HPA scaled the target to zero (ScaledToZero=True).
  ReconcileInput in = cpu_input(0, {}, 50, 0, 5);
  in.config.scale_to_zero = true;  // HPAScaleToZero (off by default, as in 1.33)
  in.spec.metrics = {object_metric(10000)};
  in.metrics.custom.push_back(
      CustomMetricItem{in.spec.metrics[0].described_object, "qps", t0(), {}, 10000});
  in.status.conditions.push_back(
      HpaCondition{"ScaledToZero", ConditionStatus::kTrue, "ScaledToZero", "", t0() - 1h});
  ReconcileResult r = reconcile(in);
  EXPECT_EQ(r.desired_replicas, 1);
  EXPECT_EQ(r.events[0].message, "New size: 1; reason: Ingress metric qps above target");
  EXPECT_EQ(find_condition(r.status, "ScaledToZero")->reason, "NotScaledToZero");
  // Without the condition, the gate on keeps a target at zero paused.
  ReconcileInput paused = in;
  paused.status.conditions.clear();
  r = reconcile(paused);
  EXPECT_EQ(r.desired_replicas, 0);
  EXPECT_EQ(find_condition(r.status, "ScalingActive")->reason, "ScalingDisabled");
  // Gate off: a target at zero is paused even with minReplicas 0, and the
  // condition is removed (TestScaleUpCMObject "... with feature gate disabled").
  in.config.scale_to_zero = false;
  r = reconcile(in);
  EXPECT_EQ(r.desired_replicas, 0);
  EXPECT_EQ(find_condition(r.status, "ScalingActive")->reason, "ScalingDisabled");
  EXPECT_EQ(find_condition(r.status, "ScaledToZero"), nullptr);
  // ... and minReplicas 1 at zero is disabled.
  in.spec.min_replicas = 1;
  r = reconcile(in);
  EXPECT_EQ(r.desired_replicas, 0);
  EXPECT_EQ(find_condition(r.status, "ScalingActive")->reason, "ScalingDisabled");
}

TEST(Reconcile, ScaleDownToZeroWithObjectMetric) {
  // TestScaleDownToZeroCMObject shape: ratio 0, minReplicas 0 -> 0.
  ReconcileInput in = cpu_input(5, {1, 1, 1, 1, 1}, 50, 0, 5);
  in.spec.metrics = {object_metric(10000)};
  in.metrics.custom.push_back(
      CustomMetricItem{in.spec.metrics[0].described_object, "qps", t0(), {}, 0});
  in.config.scale_to_zero = false;
  ReconcileResult r = reconcile(in);
  EXPECT_EQ(r.desired_replicas, 0);
  EXPECT_EQ(find_condition(r.status, "ScaledToZero"), nullptr);
  // With HPAScaleToZero the condition records it; a later sync at 0 computes.
  in.config.scale_to_zero = true;
  r = reconcile(in);
  EXPECT_EQ(r.desired_replicas, 0);
  const HpaCondition* z = find_condition(r.status, "ScaledToZero");
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->status, ConditionStatus::kTrue);
  ReconcileInput later = in;
  later.spec_replicas = 0;
  later.status = r.status;
  later.metrics.custom[0].value_milli = 25000;
  r = reconcile(later);
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_EQ(find_condition(r.status, "ScaledToZero")->reason, "NotScaledToZero");
  // Scaled to zero by hand (no condition): paused.
  later.status.conditions.clear();
  r = reconcile(later);
  EXPECT_EQ(r.desired_replicas, 0);
  EXPECT_EQ(find_condition(r.status, "ScalingActive")->reason, "ScalingDisabled");
  // minReplicas raised to 2 while scaled to zero: back to at least 2 even at ratio 0.
  later.status = reconcile(in).status;
  later.spec.min_replicas = 2;
  later.metrics.custom[0].value_milli = 0;
  r = reconcile(later);
  EXPECT_EQ(r.desired_replicas, 2);
}

TEST(Reconcile, FailingMetricBlocksScaleDownNotScaleUp) {
  // TestScaleUpOneMetricEmpty: cpu proposes 5; the second metric fails -> scales.
  ReconcileInput in = cpu_input(3, {300, 500, 700}, 30, 1, 10);
  MetricSpec ext;
  ext.type = MetricSourceType::kExternal;
  ext.type_name = "External";
  ext.metric_name = "queue";
  ext.target.type = MetricTargetType::kValue;
  ext.target.value_milli = 1000;
  in.spec.metrics.push_back(ext);
  ReconcileResult r = reconcile(in);
  EXPECT_EQ(r.desired_replicas, 5);
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(*r.error,
            "invalid metrics (1 invalid out of 2), first error is: failed to get queue external "
            "metric value: failed to get external metric queue: unable to get external metric "
            "default/queue/nil: no metrics returned from external metrics API");
  EXPECT_EQ(find_condition(r.status, "ScalingActive")->reason, "ValidMetricFound");
  EXPECT_EQ(r.status.current_metrics.size(), 2u);
  EXPECT_FALSE(r.status.current_metrics[1].computed);
  // TestNoScaleDownOneMetricInvalid: cpu proposes 3 < 5 -> hold, condition from the failure.
  in = cpu_input(5, {100, 300, 500, 250, 250}, 50, 1, 10);
  in.spec.metrics.push_back(ext);
  in.status.desired_replicas = 5;
  r = reconcile(in);
  EXPECT_EQ(r.desired_replicas, 5);
  EXPECT_FALSE(r.scale_updated);
  EXPECT_EQ(r.reason, DecisionReason::kMetricsFailed);
  EXPECT_EQ(find_condition(r.status, "ScalingActive")->reason, "FailedGetExternalMetric");
  bool failed_compute = false;
  for (const Event& e : r.events)
    failed_compute = failed_compute || e.reason == "FailedComputeMetricsReplicas";
  EXPECT_TRUE(failed_compute);
}

TEST(Reconcile, UnknownMetricType) {
  ReconcileInput in = cpu_input(3, {300, 500, 700}, 30, 1, 10);
  in.spec.metrics[0].type = MetricSourceType::kUnknown;
  in.spec.metrics[0].type_name = "Magic";
  const ReconcileResult r = reconcile(in);
  const HpaCondition* c = find_condition(r.status, "ScalingActive");
  EXPECT_EQ(c->reason, "InvalidMetricSourceType");
  EXPECT_EQ(
      c->message,
      "the HPA was unable to compute the replica count: unknown metric source type \"Magic\"");
}

TEST(Reconcile, ScaleWriteFailureKeepsDesired) {
  ReconcileInput in = cpu_input(3, {300, 500, 700}, 30, 1, 10);
  in.status.desired_replicas = 3;
  in.scale_update_fails = true;
  const ReconcileResult r = reconcile(in);
  EXPECT_FALSE(r.scale_updated);
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_EQ(find_condition(r.status, "AbleToScale")->reason, "FailedUpdateScale");
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.events.back().reason, "FailedRescale");
}

TEST(Reconcile, BehaviorStoresScaleEvents) {
  ReconcileInput in = cpu_input(10, std::vector<std::int64_t>(10, 1000), 20, 1, 100);
  in.spec.behavior = Behavior{};
  ReconcileResult r = reconcile(in);
  EXPECT_EQ(r.desired_replicas, 20);  // raw 50, max(10 + 4, 2 x 10)
  EXPECT_EQ(find_condition(r.status, "ScalingLimited")->reason, "ScaleUpLimit");
  ASSERT_EQ(r.state.scale_up_events.size(), 1u);
  EXPECT_EQ(r.state.scale_up_events[0].replica_change, 10);
  // Without behavior there is no event history.
  in.spec.behavior.reset();
  r = reconcile(in);
  EXPECT_TRUE(r.state.scale_up_events.empty());
  EXPECT_EQ(r.desired_replicas, 20);  // legacy cap max(2 x 10, 4)
}

TEST(Reconcile, ConfigurableToleranceGate) {
  ReconcileInput in = cpu_input(3, {1020, 1020, 1020}, 100, 1, 10);
  in.spec.behavior = Behavior{};
  in.spec.behavior->scale_up = ScalingRules{};
  in.spec.behavior->scale_up->tolerance = 0.01;
  EXPECT_EQ(reconcile(in).desired_replicas, 3) << "gate off by default (1.33): global 0.1";
  in.config.configurable_tolerance = true;
  EXPECT_EQ(reconcile(in).desired_replicas, 4);
  in.config.configurable_tolerance = false;
  EXPECT_EQ(reconcile(in).desired_replicas, 3);
}

TEST(Reconcile, ContainerResource) {
  // Container "c" requests 1000m and uses 900m; a sidecar "s" is ignored.
  ReconcileInput in = cpu_input(2, {900, 900}, 50, 1, 10);
  for (Pod& p : in.pods) p.containers.push_back(Container{"s", {{"cpu", 1000}}});
  for (PodMetricsItem& m : in.metrics.resource)
    m.containers.push_back(ContainerUsage{"s", {{"cpu", 0}}});
  in.spec.metrics[0].type = MetricSourceType::kContainerResource;
  in.spec.metrics[0].type_name = "ContainerResource";
  in.spec.metrics[0].container = "c";
  ReconcileResult r = reconcile(in);
  EXPECT_EQ(r.proposals[0].replicas, 4);  // 90 % / 50 % x 2 = 3.6 -> 4
  EXPECT_EQ(r.status.current_metrics[0].current.average_utilization, 90);
  EXPECT_EQ(r.events[0].message,
            "New size: 4; reason: cpu container resource utilization (percentage of request) "
            "above target");
  // The same HPA on the whole pod: (900 + 0) / 2000 = 45 % -> within tolerance.
  in.spec.metrics[0].type = MetricSourceType::kResource;
  in.spec.metrics[0].type_name = "Resource";
  EXPECT_EQ(reconcile(in).proposals[0].replicas, 2);
  // Pods whose metrics lack the named container have no sample (newest
  // getContainerMetrics); with none left the metric fails.
  in.spec.metrics[0].type = MetricSourceType::kContainerResource;
  in.spec.metrics[0].type_name = "ContainerResource";
  in.spec.metrics[0].container = "nope";
  r = reconcile(in);
  EXPECT_EQ(find_condition(r.status, "ScalingActive")->reason, "FailedGetContainerResourceMetric");
  EXPECT_EQ(*r.proposals[0].error,
            "failed to get nope container metric value: failed to get cpu utilization: did not "
            "receive metrics for targeted pods (pods might be unready)");
}

TEST(Reconcile, ScaleSelector) {
  ReconcileInput in = cpu_input(3, {300, 500, 700}, 30, 1, 10);
  for (Pod& p : in.pods) p.labels = {{"app", "web"}};
  in.pods[2].labels = {{"app", "other"}};  // not selected: its sample is superfluous
  in.selector = "app=web";
  ReconcileResult r = reconcile(in);
  // 2 selected pods: (300 + 500) / 2000 = 40 % vs 30 -> 1.333 x 2 = ceil(2.67) = 3.
  EXPECT_EQ(r.proposals[0].replicas, 3);
  in.selector = "";
  r = reconcile(in);
  EXPECT_EQ(r.reason, DecisionReason::kMetricsFailed);
  EXPECT_EQ(find_condition(r.status, "ScalingActive")->reason, "InvalidSelector");
  EXPECT_EQ(r.events[0].reason, "SelectorRequired");
  EXPECT_EQ(*r.error,
            "failed to compute desired number of replicas based on listed metrics for "
            "Deployment/default/web: selector is required");
  in.selector = "app in web";
  EXPECT_EQ(find_condition(reconcile(in).status, "ScalingActive")->reason, "InvalidSelector");
}

TEST(Reconcile, ScaleReadFailure) {
  ReconcileInput in = cpu_input(3, {300, 500, 700}, 30, 1, 10);
  in.state.recommendations.reset();
  in.status.desired_replicas = 3;
  in.scale_read_error = "boom";
  ReconcileResult r = reconcile(in);
  EXPECT_EQ(r.reason, DecisionReason::kScaleUnavailable);
  EXPECT_EQ(r.desired_replicas, 3);
  EXPECT_FALSE(r.state.recommendations.has_value());  // nothing recorded before the read
  EXPECT_EQ(find_condition(r.status, "AbleToScale")->reason, "FailedGetScale");
  EXPECT_EQ(*r.error, "failed to query scale subresource for Deployment/default/web: boom");
  in.scale_read_error.reset();
  in.spec.scale_target_ref.api_version = "apps/v1/extra";
  r = reconcile(in);
  EXPECT_EQ(*r.error,
            "invalid API version in scale target reference: unexpected GroupVersion string: "
            "apps/v1/extra");
}

TEST(SetCondition, TransitionTimeMovesOnlyOnFlip) {
  std::vector<HpaCondition> cs{{"AbleToScale", ConditionStatus::kTrue, "A", "a", t0() - 1h}};
  set_condition(cs, "AbleToScale", ConditionStatus::kTrue, "B", "b", t0());
  EXPECT_EQ(cs[0].last_transition_time, t0() - 1h);
  EXPECT_EQ(cs[0].reason, "B");
  set_condition(cs, "AbleToScale", ConditionStatus::kFalse, "C", "c", t0());
  EXPECT_EQ(cs[0].last_transition_time, t0());
  set_condition(cs, "ScalingActive", ConditionStatus::kTrue, "D", "d", t0());
  EXPECT_EQ(cs.size(), 2u);
}

TEST(GoSelectorText, MatchesGeneratedString) {
  EXPECT_EQ(go_selector_text(std::nullopt), "nil");
  LabelSelector s;
  s.match_labels = {{"app", "web"}};
  s.match_expressions = {{"tier", "In", {"a", "b"}}};
  EXPECT_EQ(
      go_selector_text(s),
      "&LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]"
      "LabelSelectorRequirement{LabelSelectorRequirement{Key:tier,Operator:In,Values:[a b],},},}");
}

}  // namespace
}  // namespace ksim::control::hpa
