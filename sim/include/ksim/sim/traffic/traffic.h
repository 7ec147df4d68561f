// Requests through the platform, one by one, on the cluster model: the
// scenario's load arrives open-loop at the entry (an Ingress or a Service),
// is routed and balanced to a pod, burns CPU there (pod_cpu.h), makes its
// downstream calls, DynamoDB-style table calls and Kafka produces in order,
// and answers. What each part reproduces:
//
//   entry, Ingress  ingress-nginx balances per request straight to the
//                   Service's ready endpoints, round-robin (cluster-facts
//                   E.2); the ALB with target type ip round-robins over the
//                   endpoints, with type instance it sends to a node's
//                   NodePort where kube-proxy picks uniformly (E.3). The path
//                   is matched once per distinct path (control/ingress).
//   entry, Service  every request is a new connection from outside: one
//                   kube-proxy pick each.
//   ClusterIP       a caller pod reaches a Service through a keep-alive pool
//                   per (pod, Service) shaped like Go's http.Transport: idle
//                   connections reused last-in first-out, at most
//                   `max_idle_per_host` kept idle (DefaultMaxIdleConnsPerHost
//                   2), closed after `idle_timeout` (IdleConnTimeout 90 s) or
//                   when the server pod stops (its graceful shutdown closes
//                   idle connections). A new connection is balanced by
//                   kube-proxy: iptables and nftables pick uniformly at
//                   random, IPVS round-robin; ClientIP session affinity keeps
//                   a client IP on its endpoint for timeoutSeconds (D.1-D.4).
//                   Balancing happens per connection only (D.6), so new pods
//                   see only new connections.
//   pod             the behaviour route matching the request (first match);
//                   none: 404. CPU first, then the route's calls, table calls
//                   and produces one after the other, then the answer.
//   tables          a token bucket of `throughputLimit` calls per second
//                   (burst: one second's worth); a throttled call is retried
//                   as the AWS SDKs' standard retry mode does (3 attempts,
//                   full-jitter backoff from 100 ms), then fails the request.
//   Kafka           with a broker in the scenario (the behaviour with
//                   produceCpu, normally the Kafka StatefulSet), a record is
//                   CPU on the partition leader's pod (the topic's hash among
//                   the Ready broker pods); a handed-off produce (librdkafka's
//                   async produce, an outbox relay) does not hold the
//                   request, an acknowledged one waits for the linger (5 ms,
//                   linger.ms) and the broker's work. Without a broker an
//                   acknowledged produce waits 6 ms.
//   timeouts        the client of the entry gives up after `request_timeout`
//                   (30 s): such a request counts as a timeout when it ends
//                   (the server keeps working on it, as servers do).
//   pod gone        requests still on a pod when its containers stop fail
//                   (502); callers see the failure.
//
// Statuses: 200; 404 no route; 503 no ready endpoint at the entry; 502 the
// serving pod stopped; 500 a downstream call or table call failed; 504 the
// client's timeout. Latency percentiles are of the 200s.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/kernel/simulator.h"
#include "ksim/sim/scenario/scenario.h"
#include "ksim/sim/trace/histogram.h"

namespace ksim::traffic {

struct TrafficOptions {
  /// Overrides of the scenario's timings (requestTimeout,
  /// maxIdleConnsPerHost, idleConnTimeout; their defaults: 30 s, Go net/http's
  /// DefaultMaxIdleConnsPerHost 2 and IdleConnTimeout 90 s).
  std::optional<Duration> request_timeout;
  std::optional<std::int32_t> max_idle_per_host;
  std::optional<Duration> idle_timeout;
  /// Width of the statistics windows handed to the window callback.
  Duration window = std::chrono::seconds{10};
};

enum class Status : std::uint8_t {
  kOk,               // 200
  kNotFound,         // 404
  kNoEndpoints,      // 503
  kUpstreamGone,     // 502
  kDependencyError,  // 500
  kTimeout,          // 504
};
inline constexpr std::size_t kStatusCount = 6;
int http_status(Status s);

/// What one entry route saw: a window's worth or the whole run.
struct RouteCounters {
  std::uint64_t requests = 0;  // ended (answered or timed out)
  std::array<std::uint64_t, kStatusCount> by_status{};
  trace::LatencyHistogram latency;  // of the 200s

  [[nodiscard]] std::uint64_t errors() const { return requests - by_status[0]; }
  void merge(const RouteCounters& o);
};

/// An entry route of the load mix: "GET /api/v1/products".
struct EntryRoute {
  std::string name;
  RouteCounters window;  // the current window
  RouteCounters total;
};

class Traffic final : public cluster::ClusterObserver {
 public:
  /// Called at the end of each statistics window, in time order, with the
  /// window's start; the routes' `window` counters hold it (reset after).
  using WindowCallback = std::function<void(Time window_start, std::span<const EntryRoute>)>;

  /// Resolves the load's routes and every behaviour's calls against the
  /// cluster; errors name what does not resolve ("load.routes[2]: GET /x:
  /// Ingress shop/alb has no rule for it" is not an error, it is a 404; an
  /// unknown Service in a call is). Registers itself as the cluster's
  /// observer. `sim` and `cluster` must outlive it.
  static std::expected<std::unique_ptr<Traffic>, std::vector<std::string>> create(
      Simulator& sim, cluster::Cluster& cluster, const scenario::Scenario& scenario,
      const TrafficOptions& options = {});
  ~Traffic() override;
  Traffic(const Traffic&) = delete;
  Traffic& operator=(const Traffic&) = delete;

  /// Schedules the load's arrivals from now on, and the statistics windows.
  void start();
  void set_window_callback(WindowCallback cb);

  /// Cumulative CPU time of the pod's serving container up to `now`, in ns
  /// (what cAdvisor reports as container_cpu_usage_seconds_total).
  std::uint64_t cpu_used_ns(cluster::PodId pod, Time now);
  /// CFS periods in which the pod was throttled so far.
  [[nodiscard]] std::uint64_t nr_throttled(cluster::PodId pod) const;

  [[nodiscard]] std::span<const EntryRoute> routes() const;
  [[nodiscard]] std::uint64_t arrivals() const;
  /// Entry requests not yet answered.
  [[nodiscard]] std::uint64_t in_flight() const;
  /// Dependency calls made and throttled (all tables).
  [[nodiscard]] std::uint64_t table_calls() const;
  [[nodiscard]] std::uint64_t table_throttles() const;
  [[nodiscard]] std::uint64_t connections_opened() const;
  /// Records produced to the Kafka broker, and handed-off records dropped
  /// because no broker pod was Ready.
  [[nodiscard]] std::uint64_t kafka_records() const;
  [[nodiscard]] std::uint64_t kafka_dropped() const;

  void on_pod_gone(cluster::PodId pod) override;
  void on_pod_terminating(cluster::PodId pod) override;

  struct Impl;

 private:
  explicit Traffic(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ksim::traffic
