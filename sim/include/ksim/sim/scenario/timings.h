// Timings of a scenario: how long the cluster's machinery takes, each with
// the Kubernetes default (or, where Kubernetes has none, a documented
// typical value) when the scenario omits it. Sources are the sections of
// /work/shared/reference/cluster-facts.md (F: pod lifecycle, D: kube-proxy,
// the appendix table) and hpa.md (sections 1 and 12).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "ksim/sim/kernel/time.h"
#include "ksim/sim/scenario/distribution.h"

namespace ksim::scenario {

enum class KubeProxyMode {
  kIptables,  // the default (cluster-facts D.1): a uniform random backend per new connection
  kIpvs,      // rr scheduler by default (D.2): round-robin per new connection
  kNftables,  // GA in 1.33 (D.3): uniform random, like iptables
};

/// Readiness probe settings that replace the manifest's; a field left unset
/// keeps the manifest's value (itself defaulted by the API: period 10 s,
/// timeout 1 s, success 1, failure 3, initial delay 0; cluster-facts F.2).
struct ProbeOverride {
  std::optional<Duration> initial_delay;
  std::optional<Duration> period;
  std::optional<Duration> timeout;
  std::optional<std::int32_t> success_threshold;
  std::optional<std::int32_t> failure_threshold;
  friend bool operator==(const ProbeOverride&, const ProbeOverride&) = default;
};

struct Timings {
  /// Image pull per pod start, ms. Kubernetes has no default (the registry
  /// decides); cluster-facts F.1 cites 5-60 s+ and asks for a parameter: 5 s.
  Distribution image_pull_ms = Distribution::constant(5000);
  /// Container start to running, ms: 1 s (F.1, third-party 1-5 s).
  Distribution container_start_ms = Distribution::constant(1000);
  /// Scheduling latency (queue to bound), ms: 0 (kube-scheduler binds in
  /// milliseconds; the upstream SLO of F.1 is p99 5 s for the whole startup).
  Distribution scheduling_ms = Distribution::constant(0);
  /// kube-scheduler backoff of an unschedulable pod: 1 s doubling to 10 s
  /// (cluster-facts appendix, K8S scheduler defaults.go).
  Duration scheduler_backoff_initial = std::chrono::seconds{1};
  Duration scheduler_backoff_max = std::chrono::seconds{10};
  /// Readiness probes: the manifest's, field by field overridden here.
  ProbeOverride readiness_probe;
  /// Grace period on deletion; nullopt: the pod's
  /// terminationGracePeriodSeconds (API default 30 s, F.3).
  std::optional<Duration> termination_grace;
  /// Pod readiness change to every kube-proxy's rules, ms: 1 s (D.5: the
  /// iptables minSyncPeriod of 1 s batches changes; suggested 1-2 s).
  Distribution endpoint_propagation_ms = Distribution::constant(1000);
  /// metrics-server scrape interval: 15 s, the release manifest's
  /// --metric-resolution (the binary's own default is 60 s; hpa.md 12, F.5).
  /// At least 10 s (metrics-server rejects less).
  Duration metrics_resolution = std::chrono::seconds{15};
  /// --horizontal-pod-autoscaler-sync-period: 15 s (hpa.md 1).
  Duration hpa_sync_period = std::chrono::seconds{15};
  /// --horizontal-pod-autoscaler-cpu-initialization-period: 5 min (hpa.md 1).
  Duration hpa_cpu_initialization_period = std::chrono::minutes{5};
  /// --horizontal-pod-autoscaler-initial-readiness-delay: 30 s (hpa.md 1).
  Duration hpa_initial_readiness_delay = std::chrono::seconds{30};
  KubeProxyMode kube_proxy_mode = KubeProxyMode::kIptables;
  /// The load's clients give up on a request after this long: 30 s (a
  /// common client default, e.g. the AWS ALB's idle timeout is 60 s and
  /// ingress-nginx's proxy-read-timeout 60 s; k6's default is 60 s too: the
  /// scenario sets what its clients use).
  Duration request_timeout = std::chrono::seconds{30};
  /// The services' HTTP clients (Go net/http DefaultTransport):
  /// MaxIdleConnsPerHost 2 and IdleConnTimeout 90 s. 0 idle connections
  /// means a new connection (a new kube-proxy pick) for every call.
  std::int32_t max_idle_conns_per_host = 2;
  Duration idle_conn_timeout = std::chrono::seconds{90};
};

}  // namespace ksim::scenario
