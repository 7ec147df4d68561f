// metrics-server on the cluster model: scrape cadence, the usage rate at the
// first and later scrapes (hand-computed), the fresh-container rule, gone
// pods. Platform 2's pods start at 6 s: 5 s image pull + 1 s container start
// (the default timings), one pod per node.
#include "ksim/sim/autoscaling/metrics_server.h"

#include <gtest/gtest.h>

#include <chrono>

#include "../cluster/helpers.h"
#include "fake_cpu.h"

namespace ksim::autoscaling {
namespace {

using namespace std::chrono_literals;
using cluster::testing::deployment;
using cluster::testing::platform2;
using testing::FakeCpu;

struct Rig {
  explicit Rig(scenario::Scenario s, std::int64_t millicores = 150)
      : scenario(std::move(s)),
        cluster(sim, scenario),
        cpu(cluster, millicores),
        metrics(sim, cluster, cpu, 15s) {}
  cluster::PodId product(std::size_t i) {
    return cluster.active_pods(deployment(cluster, "product-service")).at(i);
  }
  scenario::Scenario scenario;
  Simulator sim;
  cluster::Cluster cluster;
  FakeCpu cpu;
  MetricsServer metrics;
};

TEST(MetricsServer, ScrapesAtStartThenEveryResolution) {
  Rig r(platform2());
  r.sim.run_until(kTimeZero);
  EXPECT_EQ(r.metrics.scrapes(), 1u);
  EXPECT_EQ(r.metrics.last_scrape(), kTimeZero);
  EXPECT_TRUE(r.metrics.store().last.empty());  // nothing runs yet
  r.sim.run_until(kTimeZero + 50s);
  EXPECT_EQ(r.metrics.scrapes(), 4u);  // 0, 15, 30, 45 s
  EXPECT_EQ(r.metrics.last_scrape(), kTimeZero + 45s);
}

// Started at 6 s: the scrape at 15 s is the first sample, 9 s after the start
// (under the 10 s of the fresh-container rule): no usage. At 30 s: 150m x 15 s
// over a 15 s window = 150m, stamped 30 s.
TEST(MetricsServer, UsageFromTheSecondScrape) {
  Rig r(platform2());
  const cluster::PodId p = r.product(0);
  r.sim.run_until(kTimeZero + 20s);
  ASSERT_EQ(r.cluster.pod(p).started, kTimeZero + 6s);
  EXPECT_EQ(r.metrics.store().last.count(pod_key(r.cluster.pod(p))), 1u);
  EXPECT_FALSE(r.metrics.pod_metrics(p).has_value());
  r.sim.run_until(kTimeZero + 30s);
  const auto m = r.metrics.pod_metrics(p);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->name, r.cluster.pod(p).name);
  EXPECT_EQ(m->namespace_, "shop");
  EXPECT_EQ(m->timestamp, to_instant(kTimeZero + 30s));
  EXPECT_EQ(m->window, 15s);
  ASSERT_EQ(m->containers.size(), 1u);
  EXPECT_EQ(m->containers[0].name, "product-service");
  EXPECT_EQ(m->containers[0].usage_milli.at("cpu"), 150);
  // The working set is the memory request, 128Mi, as a milli-value.
  EXPECT_EQ(m->containers[0].usage_milli.at("memory"), 128LL * 1024 * 1024 * 1000);
}

// From 40 s on the pod burns 200m: the window 30-45 s holds 10 s at 100m and
// 5 s at 200m = 2e9 ns over 15 s = 133333333 nanocores; metrics.k8s.io rounds
// the milli-value up: 134m. The next window is all 200m.
TEST(MetricsServer, LaterScrapesRateTheLastWindow) {
  Rig r(platform2(), 100);
  const cluster::PodId p = r.product(0);
  r.cpu.set_pod(p, kTimeZero + 40s, 200);
  r.sim.run_until(kTimeZero + 30s);
  EXPECT_EQ(r.metrics.pod_metrics(p)->containers[0].usage_milli.at("cpu"), 100);
  r.sim.run_until(kTimeZero + 45s);
  const auto u = r.metrics.pod_usage(p);
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->containers[0].cpu_nanocores, 133'333'333u);
  EXPECT_EQ(r.metrics.pod_metrics(p)->containers[0].usage_milli.at("cpu"), 134);
  EXPECT_EQ(r.metrics.pod_metrics(r.product(1))->containers[0].usage_milli.at("cpu"), 100);
  r.sim.run_until(kTimeZero + 60s);
  EXPECT_EQ(r.metrics.pod_metrics(p)->containers[0].usage_milli.at("cpu"), 200);
  EXPECT_EQ(r.metrics.pod_metrics(p)->timestamp, to_instant(kTimeZero + 60s));
}

// Pods started at 4 s (3 s pull): the first sample, 11 s after the start, gets
// a synthetic previous point (start, 0): usage at the first scrape, over an
// 11 s window.
TEST(MetricsServer, FreshContainerHasUsageAfterOneScrape) {
  scenario::Scenario s = platform2();
  s.timings.image_pull_ms = scenario::Distribution::constant(3000);
  Rig r(std::move(s), 120);
  const cluster::PodId p = r.product(0);
  r.sim.run_until(kTimeZero + 15s);
  ASSERT_EQ(r.cluster.pod(p).started, kTimeZero + 4s);
  const auto m = r.metrics.pod_metrics(p);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->window, 11s);
  EXPECT_EQ(m->containers[0].usage_milli.at("cpu"), 120);
}

// A pod deleted at 60 s keeps being scraped during its 30 s grace period
// (its containers run); once gone it has no metrics at once, and the next
// scrape drops it from the store.
TEST(MetricsServer, GonePodsDisappear) {
  Rig r(platform2());
  r.sim.run_until(kTimeZero + 60s);
  const cluster::PodId p = r.product(0);
  const std::string key = pod_key(r.cluster.pod(p));
  r.cluster.delete_pod(p);
  r.sim.run_until(kTimeZero + 85s);
  ASSERT_EQ(r.cluster.pod(p).stage, cluster::PodStage::kTerminating);
  EXPECT_EQ(r.metrics.pod_metrics(p)->timestamp, to_instant(kTimeZero + 75s));
  r.sim.run_until(kTimeZero + 90s);
  ASSERT_EQ(r.cluster.pod(p).stage, cluster::PodStage::kGone);
  EXPECT_FALSE(r.metrics.pod_metrics(p).has_value());
  r.sim.run_until(kTimeZero + 105s);
  EXPECT_EQ(r.metrics.store().last.count(key), 0u);
  EXPECT_EQ(r.metrics.store().prev.count(key), 0u);
}

// Pods not yet running are not scraped: the source is never asked about them.
TEST(MetricsServer, PendingPodsAreNotScraped) {
  Rig r(platform2());
  r.sim.run_until(kTimeZero + 5s);
  EXPECT_EQ(r.cpu.calls(), 0u);
  r.sim.run_until(kTimeZero + 15s);
  // 2 product + 2 order pods and kafka-0 (started at 11 s), one container each
  EXPECT_EQ(r.cpu.calls(), 5u);
}

TEST(MetricsServer, KubeletTimestampsAreWholeMilliseconds) {
  EXPECT_EQ(kubelet_timestamp(kTimeZero + 1'234'567us), to_instant(kTimeZero + 1234ms));
  EXPECT_EQ(kubelet_timestamp(kTimeZero + 15s), to_instant(kTimeZero + 15s));
  EXPECT_EQ(to_time(to_instant(kTimeZero + 7us)), kTimeZero + 7us);
  EXPECT_EQ(to_instant(kTimeZero), kRunEpoch);
}

}  // namespace
}  // namespace ksim::autoscaling
