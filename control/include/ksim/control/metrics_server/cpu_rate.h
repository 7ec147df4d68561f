// metrics-server's side of the resource metrics pipeline (S10: kubernetes-sigs/
// metrics-server pkg/storage/pod.go and types.go): from cumulative CPU counters
// scraped once per metric resolution, the usage rate, window and timestamp that
// metrics.k8s.io reports. Pure: the store is a value passed in and returned.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ksim/control/hpa/reconcile.h"

namespace ksim::control::metrics_server {

using Instant = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;
using Duration = std::chrono::microseconds;

/// --metric-resolution: the code default, and what the upstream manifest sets.
inline constexpr Duration kDefaultMetricResolution = std::chrono::seconds(60);
inline constexpr Duration kManifestMetricResolution = std::chrono::seconds(15);

/// upstream options.go validation: resolution >= 10 s and 9/10 of it must be
/// at least the kubelet request timeout. Returns the error text.
std::optional<std::string> validate_metric_resolution(Duration resolution,
                                                      Duration kubelet_request_timeout);

/// One scraped sample of one container (kubelet /metrics/resource).
struct MetricsPoint {
  Instant start_time{};                  // container_start_time_seconds
  Instant timestamp{};                   // the kubelet's sample time
  std::uint64_t cumulative_cpu_ns = 0;   // container_cpu_usage_seconds_total, in ns
  std::uint64_t memory_working_set = 0;  // bytes
};

/// One scrape: points by pod name, then by container name.
using Batch = std::map<std::string, std::map<std::string, MetricsPoint>>;

/// The store: the last and the previous point per container.
struct Store {
  Batch last;
  Batch prev;
};

/// A fresh container's first sample at least this long after its start gets a
/// synthetic previous point (start time, cumulative 0).
inline constexpr Duration kFreshContainerMinResolution = std::chrono::seconds(10);

/// upstream: podStorage.Store. Returns the new store.
Store store_batch(const Store& old, const Batch& batch, Duration metric_resolution);
/// The same, taking the batch's points instead of copying them.
Store store_batch(const Store& old, Batch&& batch, Duration metric_resolution);

/// A container's usage (upstream resourceUsage).
struct ContainerUsage {
  std::string name;
  std::uint64_t cpu_nanocores = 0;  // uint64(delta ns / window seconds)
  std::int64_t cpu_milli = 0;       // what the HPA reads: MilliValue rounds up
  std::uint64_t memory_bytes = 0;
};
struct PodUsage {
  Instant timestamp{};  // of the container with the earliest timestamp
  Duration window{};
  std::vector<ContainerUsage> containers;
};

/// upstream: resourceUsage. Error on a counter decrease.
std::expected<std::pair<ContainerUsage, std::pair<Instant, Duration>>, std::string> resource_usage(
    const std::string& name, const MetricsPoint& last, const MetricsPoint& prev);

/// upstream: podStorage.GetMetrics for one pod: nullopt unless every container
/// of its last batch has a previous point.
std::optional<PodUsage> pod_metrics(const Store& store, const std::string& pod);

/// The metrics.k8s.io PodMetrics item the HPA reads for this usage (cpu and
/// memory as milli-values; memory bytes x 1000).
hpa::PodMetricsItem to_pod_metrics_item(const std::string& pod, const std::string& namespace_,
                                        const PodUsage& usage);

}  // namespace ksim::control::metrics_server
