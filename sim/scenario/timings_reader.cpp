// timings: each field optional, the defaults are Timings' initialisers
// (timings.h cites where each comes from).
#include <chrono>

#include "readers.h"

namespace ksim::scenario::detail {
namespace {

void set_distribution(const Field& f, std::string_view key, Distribution& out) {
  if (auto c = f.get(key))
    if (auto d = read_distribution(*c, Unit::kMilliseconds)) out = *d;
}

void set_positive(const Field& f, std::string_view key, Duration& out) {
  if (auto c = f.get(key))
    if (auto d = read_positive_duration(*c)) out = *d;
}

ProbeOverride read_probe(const Field& f) {
  ProbeOverride p;
  if (!f.expect_map()) return p;
  check_known_keys(f,
                   {"initialDelay", "period", "timeout", "successThreshold", "failureThreshold"});
  if (auto c = f.get("initialDelay")) p.initial_delay = read_duration(*c);
  if (auto c = f.get("period")) p.period = read_positive_duration(*c);
  if (auto c = f.get("timeout")) p.timeout = read_positive_duration(*c);
  for (auto [key, out] : {std::pair{"successThreshold", &p.success_threshold},
                          std::pair{"failureThreshold", &p.failure_threshold}}) {
    std::int32_t v = 0;
    set_count(f, key, v);
    if (v >= 1) *out = v;
  }
  return p;
}

void read_scheduler(const Field& f, Timings& t) {
  if (!f.expect_map()) return;
  check_known_keys(f, {"latency", "backoffInitial", "backoffMax"});
  set_distribution(f, "latency", t.scheduling_ms);
  set_positive(f, "backoffInitial", t.scheduler_backoff_initial);
  set_positive(f, "backoffMax", t.scheduler_backoff_max);
  if (t.scheduler_backoff_max < t.scheduler_backoff_initial) {
    if (auto c = f.get("backoffMax")) c->fail("must not be less than backoffInitial");
  }
}

}  // namespace

Timings read_timings(const Field& f) {
  Timings t;
  if (!f.expect_map()) return t;
  check_known_keys(
      f, {"imagePull", "containerStart", "scheduler", "readinessProbe", "terminationGrace",
          "endpointPropagation", "metricsResolution", "hpaSyncPeriod", "hpaCpuInitializationPeriod",
          "hpaInitialReadinessDelay", "kubeProxyMode", "requestTimeout", "maxIdleConnsPerHost",
          "idleConnTimeout"});
  set_distribution(f, "imagePull", t.image_pull_ms);
  set_distribution(f, "containerStart", t.container_start_ms);
  if (auto s = f.get("scheduler")) read_scheduler(*s, t);
  if (auto p = f.get("readinessProbe")) t.readiness_probe = read_probe(*p);
  if (auto g = f.get("terminationGrace")) t.termination_grace = read_duration(*g);
  set_distribution(f, "endpointPropagation", t.endpoint_propagation_ms);
  if (auto m = f.get("metricsResolution")) {
    // metrics-server rejects --metric-resolution below 10 s (hpa.md 12).
    if (auto d = read_duration(*m); d && *d < std::chrono::seconds{10}) {
      m->fail("must be at least 10s (metrics-server's minimum)");
    } else if (d) {
      t.metrics_resolution = *d;
    }
  }
  set_positive(f, "hpaSyncPeriod", t.hpa_sync_period);
  set_duration(f, "hpaCpuInitializationPeriod", t.hpa_cpu_initialization_period);
  set_duration(f, "hpaInitialReadinessDelay", t.hpa_initial_readiness_delay);
  set_positive(f, "requestTimeout", t.request_timeout);
  set_positive(f, "idleConnTimeout", t.idle_conn_timeout);
  if (auto m = f.get("maxIdleConnsPerHost")) {
    std::int64_t v = t.max_idle_conns_per_host;
    set_int64(f, "maxIdleConnsPerHost", v);
    if (v < 0 || v > 100000) {
      m->fail("must be between 0 and 100000, got " + std::to_string(v));
    } else {
      t.max_idle_conns_per_host = static_cast<std::int32_t>(v);
    }
  }
  if (auto m = one_of(f, "kubeProxyMode", {"iptables", "ipvs", "nftables"})) {
    t.kube_proxy_mode = *m == "iptables" ? KubeProxyMode::kIptables
                        : *m == "ipvs"   ? KubeProxyMode::kIpvs
                                         : KubeProxyMode::kNftables;
  }
  return t;
}

}  // namespace ksim::scenario::detail
