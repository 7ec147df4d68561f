// Whole syncs transcribed from upstream horizontal_test.go: scale up and down
// for every metric source, unready/hot/failed/deleted pods, tolerance and the
// replica limits. Each row names its upstream test; the expected values are
// upstream's (expectedDesiredReplicas, expectedConditions, CPUCurrent).
#include <gtest/gtest.h>

#include "upstream_fixture.h"

namespace ksim::control::hpa::upstream {
namespace {

const std::vector<std::int64_t> kUneven{900, 1000, 1100};  // 0.9, 1.0, 1.1

struct Row {
  const char* name;
  Scenario s;
  std::int32_t want;
  std::vector<Cond> conds;
  std::int32_t cpu = -1;  // verifyCPUCurrent: the reported utilization
};

void run(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    const ReconcileResult r = reconcile(build(row.s));
    expect_result(row.s, r, row.want, row.conds);
    if (row.cpu >= 0) {
      EXPECT_EQ(cpu_utilization(r.status), row.cpu);
    }
  }
}

const Cond kReady{"AbleToScale", T, "ReadyForNewScale"};
const Cond kTooMany{"ScalingLimited", T, "TooManyReplicas"};
const Cond kTooFew{"ScalingLimited", T, "TooFewReplicas"};

TEST(HorizontalUpstream, ScaleUpResource) {
  const Scenario base{.min_replicas = 2,
                      .max_replicas = 6,
                      .spec_replicas = 3,
                      .status_replicas = 3,
                      .cpu_target = 30,
                      .levels = {300, 500, 700},
                      .requests = req(3)};
  Scenario container = base;
  container.cpu_target = 0;
  container.metrics = {container_cpu("container1", 30)};
  Scenario unready = base;
  unready.readiness = {F, T, T};
  Scenario hot_cpu = base;
  hot_cpu.start = {hot(), cool(), cool()};
  Scenario unready_no_scale = base;
  unready_no_scale.levels = {400, 500, 700};
  unready_no_scale.readiness = {T, F, F};
  Scenario hot_no_scale = unready_no_scale;
  hot_no_scale.start = {cool(), hot(), hot()};
  Scenario failed = base;
  failed.spec_replicas = failed.status_replicas = 2;
  failed.levels = {500, 700};
  failed.requests = req(4);
  failed.readiness = {T, T, F, F};
  failed.phases = {PodPhase::kRunning, PodPhase::kRunning, PodPhase::kFailed, PodPhase::kFailed};
  Scenario deleted = failed;
  deleted.phases = {};
  deleted.deleting = {false, false, true, true};
  Scenario deployment = base;
  deployment.target_kind = "Deployment";
  deployment.target_name = "test-dep";
  deployment.target_api_version = "apps/v1";
  Scenario replicaset = deployment;
  replicaset.target_kind = "ReplicaSet";
  Scenario conflict_retry = base;  // TestHPARescaleWithSuccessfulConflictRetry
  conflict_retry.cpu_target = 50;
  conflict_retry.levels = {600, 700, 800};
  run({
      {"TestScaleUp", base, 5, status_ok(), 50},
      {"TestScaleUpContainer", container, 5, status_ok()},
      {"TestScaleUpUnreadyLessScale", unready, 4, status_ok(), 60},
      {"TestScaleUpHotCpuLessScale", hot_cpu, 4, status_ok(), 60},
      {"TestScaleUpUnreadyNoScale", unready_no_scale, 3, status_ok({kReady}), 40},
      {"TestScaleUpHotCpuNoScale", hot_no_scale, 3, status_ok({kReady}), 40},
      {"TestScaleUpIgnoresFailedPods", failed, 4, status_ok(), 60},
      {"TestScaleUpIgnoresDeletionPods", deleted, 4, status_ok(), 60},
      {"TestScaleUpDeployment", deployment, 5, status_ok(), 50},
      {"TestScaleUpReplicaSet", replicaset, 5, status_ok(), 50},
      {"TestHPARescaleWithSuccessfulConflictRetry", conflict_retry, 5, status_ok()},
  });
}

TEST(HorizontalUpstream, ScaleUpCustomObjectExternal) {
  const Scenario pods{.min_replicas = 2,
                      .max_replicas = 6,
                      .spec_replicas = 3,
                      .status_replicas = 3,
                      .levels = {20000, 10000, 30000},
                      .requests = req(3),
                      .metrics = {pods_metric(15000)}};
  Scenario unready_hot = pods;
  unready_hot.levels = {50000, 10000, 30000};
  unready_hot.readiness = {T, T, F};
  unready_hot.start = {cool(), cool(), hot()};
  Scenario unready_cpu_hot = pods;
  unready_cpu_hot.levels = {50000, 15000, 30000};
  unready_cpu_hot.readiness = {F, T, F};
  unready_cpu_hot.start = {hot(), cool(), hot()};
  Scenario would_scale_down = unready_cpu_hot;
  would_scale_down.readiness = {};
  const Scenario object{.min_replicas = 2,
                        .max_replicas = 6,
                        .spec_replicas = 3,
                        .status_replicas = 3,
                        .levels = {20000},
                        .metrics = {object_value(15000)}};
  Scenario per_pod_object = object;
  per_pod_object.levels = {40000};
  per_pod_object.metrics = {object_average(10000)};
  Scenario external = object;
  external.levels = {8600};
  external.metrics = {external_value(6666)};
  Scenario per_pod_external = external;
  per_pod_external.metrics = {external_average(2222)};
  run({
      {"TestScaleUpCM", pods, 4, status_ok()},
      {"TestScaleUpCMUnreadyAndHotCpuNoLessScale", unready_hot, 6, status_ok()},
      {"TestScaleUpCMUnreadyandCpuHot", unready_cpu_hot, 6, status_ok({kTooMany})},
      {"TestScaleUpHotCpuNoScaleWouldScaleDown", would_scale_down, 6, status_ok({kTooMany})},
      {"TestScaleUpCMObject", object, 4, status_ok()},
      {"TestScaleUpPerPodCMObject", per_pod_object, 4, status_ok()},
      {"TestScaleUpCMExternal", external, 4, status_ok()},
      {"TestScaleUpPerPodCMExternal", per_pod_external, 4, status_ok()},
  });
}

TEST(HorizontalUpstream, ScaleDown) {
  const Scenario base{.min_replicas = 2,
                      .max_replicas = 6,
                      .spec_replicas = 5,
                      .status_replicas = 5,
                      .cpu_target = 50,
                      .levels = {100, 300, 500, 250, 250},
                      .requests = req(5),
                      .recommendations = std::vector<Recommendation>{}};
  Scenario container = base;
  container.cpu_target = 0;
  container.metrics = {container_cpu("container2", 50)};
  Scenario rules = base;
  rules.scale_up = scaling_rules(0, 0, 100, 15, 30);
  Scenario initial = base;
  initial.recommendations.reset();
  Scenario unready = base;
  unready.readiness = {T, T, T, F, F};
  Scenario hot_cpu = base;
  hot_cpu.start = {cool(), cool(), cool(), hot(), hot()};
  Scenario failed = base;
  failed.requests = req(7);
  failed.readiness = {T, T, T, T, T, F, F};
  failed.phases = std::vector<PodPhase>(5, PodPhase::kRunning);
  failed.phases.push_back(PodPhase::kFailed);
  failed.phases.push_back(PodPhase::kFailed);
  Scenario deleted = failed;
  deleted.phases = {};
  deleted.deleting = {false, false, false, false, false, true, true};
  run({
      {"TestScaleDown", base, 3, status_ok(), 28},
      {"TestScaleDownContainerResource", container, 3, status_ok()},
      {"TestScaleDownWithScalingRules", rules, 3, status_ok(), 28},
      {"TestScaleDownStabilizeInitialSize", initial, 5,
       status_ok({{"AbleToScale", T, "ScaleDownStabilized"}}), 28},
      {"TestScaleDownIncludeUnreadyPods", unready, 2, status_ok(), 30},
      {"TestScaleDownIgnoreHotCpuPods", hot_cpu, 2, status_ok(), 30},
      {"TestScaleDownIgnoresFailedPods", failed, 3, status_ok(), 28},
      {"TestScaleDownIgnoresDeletionPods", deleted, 3, status_ok(), 28},
  });
}

TEST(HorizontalUpstream, ScaleDownCustomObjectExternal) {
  const Scenario pods{.min_replicas = 2,
                      .max_replicas = 6,
                      .spec_replicas = 5,
                      .status_replicas = 5,
                      .levels = {12000, 12000, 12000, 12000, 12000},
                      .requests = req(5),
                      .metrics = {pods_metric(20000)},
                      .recommendations = std::vector<Recommendation>{}};
  Scenario object = pods;
  object.levels = {12000};
  object.metrics = {object_value(20000)};
  Scenario per_pod_object = object;
  per_pod_object.levels = {60000};
  per_pod_object.metrics = {object_average(20000)};
  Scenario external = pods;
  external.requests.reset();
  external.levels = {8600};
  external.metrics = {external_value(14400)};
  Scenario per_pod_external = external;
  per_pod_external.metrics = {external_average(3000)};
  run({
      {"TestScaleDownCM", pods, 3, status_ok()},
      {"TestScaleDownCMObject", object, 3, status_ok()},
      {"TestScaleDownPerPodCMObject", per_pod_object, 3, status_ok()},
      {"TestScaleDownCMExternal", external, 3, status_ok()},
      {"TestScaleDownPerPodCMExternal", per_pod_external, 3, status_ok()},
  });
}

TEST(HorizontalUpstream, Tolerance) {
  const Scenario cpu{.min_replicas = 1,
                     .max_replicas = 5,
                     .spec_replicas = 3,
                     .status_replicas = 3,
                     .cpu_target = 100,
                     .levels = {1010, 1030, 1020},
                     .requests = kUneven};
  Scenario pods = cpu;
  pods.cpu_target = 0;
  pods.levels = {20000, 20001, 21000};
  pods.metrics = {pods_metric(20000)};
  Scenario object = pods;
  object.levels = {20050};
  object.metrics = {object_value(20000)};
  const Scenario external{.min_replicas = 2,
                          .max_replicas = 6,
                          .spec_replicas = 4,
                          .status_replicas = 4,
                          .levels = {8600},
                          .metrics = {external_value(8666)}};
  Scenario per_pod_object = external;
  per_pod_object.metrics = {object_average(2200)};
  per_pod_object.metrics[0].metric_selector = LabelSelector{};
  Scenario per_pod_external = external;
  per_pod_external.metrics = {external_average(2200)};
  run({
      {"TestTolerance", cpu, 3, status_ok({kReady})},
      {"TestToleranceCM", pods, 3, status_ok({kReady})},
      {"TestToleranceCMObject", object, 3, status_ok({kReady})},
      {"TestToleranceCMExternal", external, 4, status_ok({kReady})},
      {"TestTolerancePerPodCMObject", per_pod_object, 4, status_ok({kReady})},
      {"TestTolerancePerPodCMExternal", per_pod_external, 4, status_ok({kReady})},
  });
}

TEST(HorizontalUpstream, ConfigurableTolerance) {
  // TestConfigurableTolerance (feature gate HPAConfigurableTolerance set per row).
  const Scenario base{.min_replicas = 1,
                      .max_replicas = 5,
                      .spec_replicas = 3,
                      .status_replicas = 3,
                      .cpu_target = 100,
                      .levels = {1010, 1030, 1020},
                      .requests = kUneven,
                      .tolerance_gate = true};
  ScalingRules one_percent;
  one_percent.tolerance = 0.01;
  ScalingRules ninety_percent;
  ninety_percent.tolerance = 0.9;
  Scenario up = base;
  up.scale_up = one_percent;
  Scenario down = base;
  down.scale_down = ninety_percent;
  down.levels = {300, 300, 300};
  down.requests = req(3);
  Scenario gate_off = up;
  gate_off.tolerance_gate = false;
  run({
      {"Scaling up because of a 1% configurable tolerance", up, 4, status_ok()},
      {"No scale-down because of a 90% configurable tolerance", down, 3, status_ok({kReady})},
      {"No scaling because of the large default tolerance", base, 3, status_ok({kReady})},
      {"No scaling because the configurable tolerance is ignored as the feature gate is disabled",
       gate_off, 3, status_ok({kReady})},
  });
}

TEST(HorizontalUpstream, ComputedToleranceAlgImplementation) {
  // 10 pods at 150m, requests around 300m (each halved per container, as upstream).
  const Scenario base{
      .min_replicas = 0,
      .max_replicas = 1000,
      .spec_replicas = 10,
      .status_replicas = 10,
      .cpu_target = 56,  // int32((1/(2 x 0.9) + 0.01) x 100)
      .levels = std::vector<std::int64_t>(10, 150),
      .requests = std::vector<std::int64_t>{400, 200, 310, 290, 302, 298, 301, 299, 300, 300},
      .recommendations = std::vector<Recommendation>{}};
  Scenario within = base;
  within.cpu_target = 55;  // int32((1/(2 x 0.9) + 0.004) x 100)
  run({
      {"TestComputedToleranceAlgImplementation tc1", base, 9, status_ok()},
      {"TestComputedToleranceAlgImplementation tc2", within, 10, status_ok({kReady})},
  });
}

TEST(HorizontalUpstream, ReplicaLimits) {
  const Scenario min{.min_replicas = 2,
                     .max_replicas = 5,
                     .spec_replicas = 3,
                     .status_replicas = 3,
                     .cpu_target = 90,
                     .levels = {10, 95, 10},
                     .requests = kUneven,
                     .recommendations = std::vector<Recommendation>{}};
  Scenario zero_min = min;
  zero_min.min_replicas = 0;
  zero_min.levels = {0, 0, 0};
  Scenario min_desired_zero = zero_min;
  min_desired_zero.min_replicas = 2;
  const Scenario out_of_range{.min_replicas = 3,
                              .max_replicas = 5,
                              .spec_replicas = 2,
                              .status_replicas = 2,
                              .cpu_target = 90,
                              .requests = std::vector<std::int64_t>{}};
  Scenario too_many = out_of_range;
  too_many.spec_replicas = too_many.status_replicas = 10;
  Scenario max = min;
  max.levels = {8000, 9500, 1000};
  max.recommendations.reset();
  const Scenario superfluous{.min_replicas = 2,
                             .max_replicas = 6,
                             .spec_replicas = 4,
                             .status_replicas = 4,
                             .cpu_target = 100,
                             .levels = {4000, 9500, 3000, 7000, 3200, 2000},
                             .requests = req(4)};
  Scenario missing = superfluous;
  missing.levels = {400, 95};
  missing.recommendations = std::vector<Recommendation>{};
  const std::vector<Cond> rescaled{{"AbleToScale", T, "SucceededRescale"}};
  run({
      {"TestMinReplicas", min, 2, status_ok({kTooFew})},
      {"TestZeroMinReplicasDesiredZero", zero_min, 0, status_ok()},
      {"TestMinReplicasDesiredZero", min_desired_zero, 2, status_ok({kTooFew})},
      {"TestTooFewReplicas", out_of_range, 3, rescaled},
      {"TestTooManyReplicas", too_many, 5, rescaled},
      {"TestMaxReplicas", max, 5, status_ok({kTooMany})},
      {"TestSuperfluousMetrics", superfluous, 6, status_ok({kTooMany})},
      {"TestMissingMetrics", missing, 3, status_ok()},
  });
}

}  // namespace
}  // namespace ksim::control::hpa::upstream
