// metrics-server CPU rate and window (spec section 12).
#include "ksim/control/metrics_server/cpu_rate.h"

#include <gtest/gtest.h>

namespace ksim::control::metrics_server {
namespace {

using namespace std::chrono_literals;

const Instant kT0{std::chrono::seconds(1'800'000'000)};

MetricsPoint point(Instant ts, std::uint64_t cpu_ns, Instant start = kT0 - 1h) {
  return MetricsPoint{start, ts, cpu_ns, 64 << 20};
}

TEST(CpuRate, RateOverTheLastTwoScrapes) {
  Store s;
  s = store_batch(s, {{"p", {{"c", point(kT0, 1'000'000'000)}}}}, 15s);
  EXPECT_FALSE(pod_metrics(s, "p").has_value());  // one point: no rate yet
  // 3 CPU-seconds over 15 s = 200 millicores.
  s = store_batch(s, {{"p", {{"c", point(kT0 + 15s, 4'000'000'000)}}}}, 15s);
  const auto m = pod_metrics(s, "p");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->window, 15s);
  EXPECT_EQ(m->timestamp, kT0 + 15s);
  ASSERT_EQ(m->containers.size(), 1u);
  EXPECT_EQ(m->containers[0].cpu_nanocores, 200'000'000u);
  EXPECT_EQ(m->containers[0].cpu_milli, 200);
  EXPECT_EQ(m->containers[0].memory_bytes, 64u << 20);
}

TEST(CpuRate, MilliRoundsUp) {
  const auto u = resource_usage("c", point(kT0 + 10s, 1'000'000'001), point(kT0, 0));
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->first.cpu_nanocores, 100'000'000u);
  EXPECT_EQ(u->first.cpu_milli, 100);
  const auto v = resource_usage("c", point(kT0 + 10s, 1'000'000'010), point(kT0, 0));
  EXPECT_EQ(v->first.cpu_nanocores, 100'000'001u);
  EXPECT_EQ(v->first.cpu_milli, 101);
  EXPECT_FALSE(resource_usage("c", point(kT0 + 10s, 5), point(kT0, 6)).has_value());
}

TEST(CpuRate, FreshContainerGetsSyntheticStart) {
  // First sample 12 s after start (>= 10 s, < resolution 15 s): usable at once.
  Store s = store_batch({}, {{"p", {{"c", point(kT0 + 12s, 600'000'000, kT0)}}}}, 15s);
  const auto m = pod_metrics(s, "p");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->window, 12s);
  EXPECT_EQ(m->containers[0].cpu_milli, 50);
  // 8 s after start: too fresh, no synthetic point.
  s = store_batch({}, {{"p", {{"c", point(kT0 + 8s, 600'000'000, kT0)}}}}, 15s);
  EXPECT_FALSE(pod_metrics(s, "p").has_value());
}

TEST(CpuRate, RestartResetsAndAllContainersNeeded) {
  Store s = store_batch({}, {{"p", {{"a", point(kT0, 0)}, {"b", point(kT0, 0)}}}}, 60s);
  // Container b restarted 5 s ago (start after the stored sample, too fresh for a
  // synthetic point): its pair is reset and the pod is not reported.
  s = store_batch(
      s, {{"p", {{"a", point(kT0 + 60s, 60'000'000'000)}, {"b", point(kT0 + 60s, 1, kT0 + 55s)}}}},
      60s);
  EXPECT_FALSE(pod_metrics(s, "p").has_value());
  // The earliest container timestamp gives the pod's timestamp and window.
  Store t = store_batch({}, {{"q", {{"a", point(kT0, 0)}, {"b", point(kT0 - 5s, 0)}}}}, 60s);
  t = store_batch(t, {{"q", {{"a", point(kT0 + 60s, 6e9)}, {"b", point(kT0 + 50s, 11e9)}}}}, 60s);
  const auto m = pod_metrics(t, "q");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->timestamp, kT0 + 50s);
  EXPECT_EQ(m->window, 55s);
}

TEST(CpuRate, ResolutionValidation) {
  EXPECT_FALSE(validate_metric_resolution(kManifestMetricResolution, 10s).has_value());
  EXPECT_FALSE(validate_metric_resolution(kDefaultMetricResolution, 10s).has_value());
  EXPECT_TRUE(validate_metric_resolution(9s, 1s).has_value());
  EXPECT_TRUE(validate_metric_resolution(10s, 10s).has_value());  // 9 s < 10 s timeout
}

TEST(CpuRate, FeedsTheHpa) {
  Store s = store_batch({}, {{"p", {{"c", point(kT0, 0)}}}}, 15s);
  s = store_batch(s, {{"p", {{"c", point(kT0 + 15s, 7'500'000'000)}}}}, 15s);
  const hpa::PodMetricsItem item = to_pod_metrics_item("p", "shop", *pod_metrics(s, "p"));
  EXPECT_EQ(item.window, 15s);
  ASSERT_EQ(item.containers.size(), 1u);
  EXPECT_EQ(item.containers[0].usage_milli.at("cpu"), 500);
  EXPECT_EQ(item.containers[0].usage_milli.at("memory"), (64 << 20) * 1000LL);
}

}  // namespace
}  // namespace ksim::control::metrics_server
