// timings: the Kubernetes defaults when omitted, every field written, errors.
#include <gtest/gtest.h>

#include <chrono>

#include "helpers.h"

namespace ksim::scenario {
namespace {

using namespace std::chrono_literals;
using testing::errors_of;
using testing::parse_ok;

TEST(TimingsReader, Defaults) {
  const Timings t = parse_ok("").timings;
  EXPECT_EQ(t.image_pull_ms, Distribution::constant(5000));
  EXPECT_EQ(t.container_start_ms, Distribution::constant(1000));
  EXPECT_EQ(t.scheduling_ms, Distribution::constant(0));
  EXPECT_EQ(t.scheduler_backoff_initial, 1s);
  EXPECT_EQ(t.scheduler_backoff_max, 10s);
  EXPECT_EQ(t.readiness_probe, ProbeOverride{});  // the manifest's probes
  EXPECT_FALSE(t.termination_grace);              // the manifest's grace period
  EXPECT_EQ(t.endpoint_propagation_ms, Distribution::constant(1000));
  EXPECT_EQ(t.metrics_resolution, 15s);
  EXPECT_EQ(t.hpa_sync_period, 15s);
  EXPECT_EQ(t.hpa_cpu_initialization_period, 5min);
  EXPECT_EQ(t.hpa_initial_readiness_delay, 30s);
  EXPECT_EQ(t.kube_proxy_mode, KubeProxyMode::kIptables);
  EXPECT_EQ(t.request_timeout, 30s);
  EXPECT_EQ(t.max_idle_conns_per_host, 2);
  EXPECT_EQ(t.idle_conn_timeout, 90s);
}

TEST(TimingsReader, EverythingWritten) {
  const Timings t = parse_ok(R"(timings:
  imagePull: {dist: uniform, min: 2s, max: 20s}
  containerStart: 500ms
  scheduler: {latency: 20ms, backoffInitial: 2s, backoffMax: 20s}
  readinessProbe: {initialDelay: 5s, period: 3s, timeout: 2s, successThreshold: 2, failureThreshold: 5}
  terminationGrace: 10s
  endpointPropagation: {dist: exponential, mean: 1500ms}
  metricsResolution: 30s
  hpaSyncPeriod: 30s
  hpaCpuInitializationPeriod: 2m
  hpaInitialReadinessDelay: 10s
  kubeProxyMode: ipvs
  requestTimeout: 5s
  maxIdleConnsPerHost: 0
  idleConnTimeout: 15s
)")
                        .timings;
  EXPECT_EQ(t.image_pull_ms.spec().max, 20000);
  EXPECT_EQ(t.container_start_ms, Distribution::constant(500));
  EXPECT_EQ(t.scheduling_ms, Distribution::constant(20));
  EXPECT_EQ(t.scheduler_backoff_initial, 2s);
  EXPECT_EQ(t.scheduler_backoff_max, 20s);
  EXPECT_EQ(t.readiness_probe, (ProbeOverride{5s, 3s, 2s, 2, 5}));
  EXPECT_EQ(t.termination_grace, 10s);
  EXPECT_EQ(t.endpoint_propagation_ms.mean(), 1500);
  EXPECT_EQ(t.metrics_resolution, 30s);
  EXPECT_EQ(t.hpa_sync_period, 30s);
  EXPECT_EQ(t.hpa_cpu_initialization_period, 2min);
  EXPECT_EQ(t.hpa_initial_readiness_delay, 10s);
  EXPECT_EQ(t.kube_proxy_mode, KubeProxyMode::kIpvs);
  EXPECT_EQ(t.request_timeout, 5s);
  EXPECT_EQ(t.max_idle_conns_per_host, 0);
  EXPECT_EQ(t.idle_conn_timeout, 15s);
}

TEST(TimingsReader, Errors) {
  const auto errors = errors_of(R"(timings:
  metricsResolution: 5s
  hpaSyncPeriod: 0s
  kubeProxyMode: userspace
  scheduler: {backoffInitial: 10s, backoffMax: 1s}
  readinessProbe: {failureThreshold: 0, delay: 1s}
  imagePull: {dist: exponential, mean: -1s}
  maxIdleConnsPerHost: -1
)");
  ASSERT_EQ(errors.size(), 8u);
  EXPECT_EQ(errors[0],
            "x.yaml:2: timings.metricsResolution: must be at least 10s (metrics-server's minimum)");
  EXPECT_EQ(errors[1], "x.yaml:3: timings.hpaSyncPeriod: must be greater than 0");
  EXPECT_EQ(
      errors[2],
      "x.yaml:4: timings.kubeProxyMode: expected iptables, ipvs or nftables, got 'userspace'");
  EXPECT_EQ(errors[3],
            "x.yaml:5: timings.scheduler.backoffMax: must not be less than backoffInitial");
  EXPECT_EQ(errors[4],
            "x.yaml:6: timings.readinessProbe.delay: unknown field (known: initialDelay, period, "
            "timeout, successThreshold, failureThreshold)");
  EXPECT_EQ(errors[5],
            "x.yaml:6: timings.readinessProbe.failureThreshold: must be at least 1, got 0");
  EXPECT_EQ(errors[6], "x.yaml:7: timings.imagePull.mean: must not be negative, got '-1s'");
  EXPECT_EQ(errors[7],
            "x.yaml:8: timings.maxIdleConnsPerHost: must be between 0 and 100000, got -1");
}

}  // namespace
}  // namespace ksim::scenario
