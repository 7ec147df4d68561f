// HorizontalPodAutoscaler (v2, and v1 converted) into the HPA library's spec,
// handed to control::hpa::reconcile unchanged; policy/v1 PodDisruptionBudget.
#include <gtest/gtest.h>

#include "helpers.h"
#include "ksim/control/hpa/reconcile.h"

namespace ksim::manifest {
namespace {

namespace h = control::hpa;
using testing::errors_of;
using testing::parse_ok;

TEST(Hpa, V2Defaults) {
  const ManifestSet set = parse_ok(R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  maxReplicas: 5
)");
  ASSERT_EQ(set.hpas.size(), 1u);
  const HorizontalPodAutoscaler& hpa = set.hpas[0];
  EXPECT_EQ(hpa.api_version, "autoscaling/v2");
  const h::HpaSpec& s = hpa.spec;
  EXPECT_EQ(s.name, "api");
  EXPECT_EQ(s.namespace_, "shop");
  EXPECT_EQ(s.scale_target_ref.kind, "Deployment");
  EXPECT_EQ(s.scale_target_ref.name, "api");
  EXPECT_EQ(s.scale_target_ref.api_version, "apps/v1");
  EXPECT_EQ(s.min_replicas, 1);  // SetDefaults_HorizontalPodAutoscaler
  EXPECT_EQ(s.max_replicas, 5);
  // No metrics: the API server adds cpu Utilization 80 %.
  ASSERT_EQ(s.metrics.size(), 1u);
  EXPECT_EQ(s.metrics[0].type, h::MetricSourceType::kResource);
  EXPECT_EQ(s.metrics[0].resource_name, "cpu");
  EXPECT_EQ(s.metrics[0].target.type, h::MetricTargetType::kUtilization);
  EXPECT_EQ(s.metrics[0].target.average_utilization, 80);
  EXPECT_FALSE(s.behavior.has_value());
}

TEST(Hpa, V2AllMetricSources) {
  const ManifestSet set = parse_ok(R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: memory, target: {type: AverageValue, averageValue: 200Mi}}
    - type: ContainerResource
      containerResource: {name: cpu, container: app, target: {type: Utilization, averageUtilization: 60}}
    - type: Pods
      pods:
        metric: {name: requests_per_second}
        target: {type: AverageValue, averageValue: "100"}
    - type: Object
      object:
        describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: web}
        metric: {name: requests, selector: {matchLabels: {verb: GET}}}
        target: {type: Value, value: 2k}
    - type: External
      external:
        metric: {name: queue_depth}
        target: {type: AverageValue, averageValue: 500m}
)");
  ASSERT_EQ(set.hpas.size(), 1u);
  const std::vector<h::MetricSpec>& m = set.hpas[0].spec.metrics;
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(set.hpas[0].spec.min_replicas, 2);
  EXPECT_EQ(m[0].resource_name, "memory");
  EXPECT_EQ(m[0].target.average_value_milli, 200LL * 1024 * 1024 * 1000);
  EXPECT_EQ(m[1].type, h::MetricSourceType::kContainerResource);
  EXPECT_EQ(m[1].container, "app");
  EXPECT_EQ(m[1].target.average_utilization, 60);
  EXPECT_EQ(m[2].type, h::MetricSourceType::kPods);
  EXPECT_EQ(m[2].metric_name, "requests_per_second");
  EXPECT_EQ(m[2].target.average_value_milli, 100'000);
  EXPECT_EQ(m[3].type, h::MetricSourceType::kObject);
  EXPECT_EQ(m[3].described_object.kind, "Ingress");
  EXPECT_EQ(m[3].described_object.api_version, "networking.k8s.io/v1");
  ASSERT_TRUE(m[3].metric_selector.has_value());
  EXPECT_EQ(m[3].metric_selector->match_labels.at("verb"), "GET");
  EXPECT_EQ(m[3].target.type, h::MetricTargetType::kValue);
  EXPECT_EQ(m[3].target.value_milli, 2'000'000);
  EXPECT_EQ(m[4].type, h::MetricSourceType::kExternal);
  EXPECT_EQ(m[4].target.average_value_milli, 500);
}

TEST(Hpa, V1ConvertedAsTheApiServerDoes) {
  const ManifestSet set = parse_ok(R"(apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: a}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: a}
  maxReplicas: 4
  targetCPUUtilizationPercentage: 65
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: b}
spec:
  scaleTargetRef: {kind: Deployment, name: b}
  minReplicas: 3
  maxReplicas: 6
)");
  ASSERT_EQ(set.hpas.size(), 2u);
  EXPECT_EQ(set.hpas[0].api_version, "autoscaling/v1");
  const h::HpaSpec& a = set.hpas[0].spec;
  EXPECT_EQ(a.min_replicas, 1);
  ASSERT_EQ(a.metrics.size(), 1u);
  EXPECT_EQ(a.metrics[0].type_name, "Resource");
  EXPECT_EQ(a.metrics[0].resource_name, "cpu");
  EXPECT_EQ(a.metrics[0].target.type, h::MetricTargetType::kUtilization);
  EXPECT_EQ(a.metrics[0].target.average_utilization, 65);
  // No target: conversion applies the former implicit default, 80 %.
  const h::HpaSpec& b = set.hpas[1].spec;
  EXPECT_EQ(b.min_replicas, 3);
  ASSERT_EQ(b.metrics.size(), 1u);
  EXPECT_EQ(b.metrics[0].target.average_utilization, 80);
}

TEST(Hpa, SpecGoesStraightIntoReconcile) {
  const ManifestSet set = parse_ok(R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
)");
  ASSERT_EQ(set.hpas.size(), 1u);
  using namespace std::chrono_literals;
  const h::Instant now{std::chrono::seconds(1'800'000'000)};
  h::ReconcileInput in;
  in.now = now;
  in.spec = set.hpas[0].spec;
  in.spec_replicas = 2;
  in.status_replicas = 2;
  in.state.recommendations = std::vector<h::Recommendation>{};
  for (int i = 0; i < 2; ++i) {
    h::Pod p;
    p.name = "web-" + std::to_string(i);
    p.start_time = now - 1h;
    p.ready = h::ConditionStatus::kTrue;
    p.ready_transition = now - 50min;
    p.containers.push_back(h::Container{"app", {{"cpu", 100}}});
    in.pods.push_back(p);
    in.metrics.resource.push_back(h::PodMetricsItem{
        p.name, "default", now - 1s, 60s, {h::ContainerUsage{"app", {{"cpu", 140}}}}});
  }
  // 140 % of request against a 70 % target: ceil(2 x 2.0) = 4 replicas.
  const h::ReconcileResult r = h::reconcile(in);
  EXPECT_EQ(r.reason, h::DecisionReason::kComputed);
  EXPECT_EQ(r.desired_replicas, 4);
}

TEST(Hpa, Errors) {
  const auto errors = errors_of(R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: a}
spec:
  scaleTargetRef: {kind: Deployment}
  minReplicas: 5
  maxReplicas: 3
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization}}
    - type: Pods
      pods: {metric: {name: rps}, target: {type: Value, value: 0}}
    - type: Custom
---
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: {name: b}
spec: {}
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: c}
spec:
  scaleTargetRef: {kind: Deployment, name: c}
  targetCPUUtilizationPercentage: 0
)");
  const std::string a = ": HorizontalPodAutoscaler default/a: spec.";
  const std::vector<std::string> expected = {
      "test.yaml:5" + a + "scaleTargetRef.name: required field missing",
      "test.yaml:7" + a + "maxReplicas: must be greater than or equal to `minReplicas`",
      "test.yaml:10" + a + "metrics[0].resource.target.averageUtilization: required field missing",
      "test.yaml:12" + a + "metrics[1].pods.target.value: must be positive",
      "test.yaml:12" + a + "metrics[1].pods.target.type: Value is not valid for this metric source",
      "test.yaml:13" + a +
          "metrics[2].type: expected Resource, ContainerResource, Pods, Object or External, got "
          "'Custom'",
      "test.yaml:15: HorizontalPodAutoscaler default/b: apiVersion: expected autoscaling/v2 or "
      "autoscaling/v1 for kind HorizontalPodAutoscaler, got 'autoscaling/v2beta2' (not served by "
      "Kubernetes 1.33)",
      "test.yaml:23: HorizontalPodAutoscaler default/c: spec.maxReplicas: required field missing",
      "test.yaml:25: HorizontalPodAutoscaler default/c: spec.targetCPUUtilizationPercentage: must "
      "be greater than 0",
  };
  EXPECT_EQ(errors, expected);
}

TEST(Pdb, MinAvailableMaxUnavailableAndSelector) {
  const ManifestSet set = parse_ok(R"(apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: a}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: a}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: b}
spec:
  maxUnavailable: 50%
  unhealthyPodEvictionPolicy: AlwaysAllow
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: c}
spec:
  selector: {}
)");
  ASSERT_EQ(set.pdbs.size(), 3u);
  EXPECT_EQ(set.pdbs[0].min_available, IntOrString::of_int(1));
  EXPECT_FALSE(set.pdbs[0].max_unavailable.has_value());
  ASSERT_TRUE(set.pdbs[0].selector.has_value());
  EXPECT_EQ(set.pdbs[0].selector->match_labels.at("app"), "a");
  EXPECT_EQ(set.pdbs[1].max_unavailable, IntOrString::of_string("50%"));
  EXPECT_FALSE(set.pdbs[1].selector.has_value());  // absent: selects no pods
  EXPECT_EQ(set.pdbs[1].unhealthy_pod_eviction_policy, "AlwaysAllow");
  ASSERT_TRUE(set.pdbs[2].selector.has_value());  // {}: every pod of the namespace
  EXPECT_TRUE(set.pdbs[2].selector->match_labels.empty());
  EXPECT_FALSE(set.pdbs[2].min_available.has_value());
}

TEST(Pdb, Errors) {
  const auto errors = errors_of(R"(apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: a}
spec:
  minAvailable: 1
  maxUnavailable: 150%
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: b}
spec: {minAvailable: -1}
)");
  const std::vector<std::string> expected = {
      "test.yaml:6: PodDisruptionBudget default/a: spec.maxUnavailable: must not be greater than "
      "100%",
      "test.yaml:6: PodDisruptionBudget default/a: spec.maxUnavailable: minAvailable and "
      "maxUnavailable cannot be both set",
      "test.yaml:8: PodDisruptionBudget default/b: apiVersion: expected policy/v1 for kind "
      "PodDisruptionBudget, got 'policy/v1beta1' (not served by Kubernetes 1.33)",
  };
  EXPECT_EQ(errors, expected);
}

}  // namespace
}  // namespace ksim::manifest
