// Records from reconcile results: metric names, values in the target's unit,
// and failed metrics without a current value.
#include "ksim/sim/autoscaling/sync_record.h"

#include <gtest/gtest.h>

#include <chrono>

namespace ksim::autoscaling {
namespace {

using namespace std::chrono_literals;
namespace h = control::hpa;

h::MetricSpec resource_cpu(std::int32_t utilization) {
  h::MetricSpec m;
  m.type = h::MetricSourceType::kResource;
  m.type_name = "Resource";
  m.resource_name = "cpu";
  m.target.type = h::MetricTargetType::kUtilization;
  m.target.average_utilization = utilization;
  return m;
}

h::MetricSpec pods_metric() {
  h::MetricSpec m;
  m.type = h::MetricSourceType::kPods;
  m.type_name = "Pods";
  m.metric_name = "requests_per_second";
  m.target.type = h::MetricTargetType::kAverageValue;
  m.target.average_value_milli = 10'000;
  return m;
}

TEST(SyncRecord, DescribesMetrics) {
  EXPECT_EQ(describe_metric(resource_cpu(70)), "Resource cpu");
  EXPECT_EQ(describe_metric(pods_metric()), "Pods requests_per_second");
  h::MetricSpec c = resource_cpu(50);
  c.type = h::MetricSourceType::kContainerResource;
  c.container = "app";
  EXPECT_EQ(describe_metric(c), "ContainerResource cpu/app");
  h::MetricSpec o;
  o.type = h::MetricSourceType::kObject;
  o.described_object = {"Ingress", "main", "networking.k8s.io/v1"};
  o.metric_name = "hits";
  EXPECT_EQ(describe_metric(o), "Object Ingress/main hits");
}

// Two metrics, the second failed: its current value is absent, the first's
// is in percent with the average usage beside it.
TEST(SyncRecord, PairsSpecMetricsWithCurrentMetrics) {
  h::ReconcileInput in;
  in.spec.metrics = {resource_cpu(70), pods_metric()};
  in.spec_replicas = 3;
  h::ReconcileResult res;
  res.desired_replicas = 5;
  res.scale_updated = true;
  res.limit = h::LimitReason::kDesiredWithinRange;
  h::MetricStatus cpu{true, in.spec.metrics[0], {}};
  cpu.current.average_utilization = 112;
  cpu.current.average_value_milli = 112;
  res.status.current_metrics = {cpu, h::MetricStatus{}};
  res.events = {{false, "SuccessfulRescale", "New size: 5; reason: x"}};
  const HpaSyncRecord r = make_sync_record(kTimeZero + 30s, "shop/web", "shop/web", in, res);
  EXPECT_EQ(r.time, kTimeZero + 30s);
  EXPECT_EQ(r.current_replicas, 3);
  EXPECT_EQ(r.desired_replicas, 5);
  EXPECT_TRUE(r.scaled);
  ASSERT_EQ(r.metrics.size(), 2u);
  EXPECT_EQ(r.metrics[0].target, 70);
  EXPECT_EQ(r.metrics[0].current, 112);
  EXPECT_EQ(r.metrics[0].current_average_milli, 112);
  EXPECT_EQ(r.metrics[1].metric, "Pods requests_per_second");
  EXPECT_EQ(r.metrics[1].target, 10'000);
  EXPECT_FALSE(r.metrics[1].current.has_value());
  EXPECT_FALSE(r.metrics[1].current_average_milli.has_value());
  HpaSyncRecord other = r;
  EXPECT_TRUE(other == r);
  other.events[0].message = "New size: 5; reason: y";
  EXPECT_FALSE(other == r);
}

}  // namespace
}  // namespace ksim::autoscaling
