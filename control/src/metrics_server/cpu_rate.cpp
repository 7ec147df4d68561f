// upstream: metrics-server pkg/storage/pod.go (Store, GetMetrics) and
// pkg/storage/types.go (resourceUsage).
#include "ksim/control/metrics_server/cpu_rate.h"

#include <cmath>

namespace ksim::control::metrics_server {
namespace {

// Which previous point a container keeps (the body of the Store loop).
std::optional<MetricsPoint> previous_point(const Store& old, const std::string& pod,
                                           const std::string& container, const MetricsPoint& p,
                                           Duration resolution) {
  const Duration since_start = p.timestamp - p.start_time;
  if (p.start_time < p.timestamp && since_start < resolution &&
      since_start >= kFreshContainerMinResolution) {
    MetricsPoint synthetic = p;
    synthetic.timestamp = p.start_time;
    synthetic.cumulative_cpu_ns = 0;
    return synthetic;
  }
  const auto last_pod = old.last.find(pod);
  if (last_pod == old.last.end()) return std::nullopt;
  const auto last_c = last_pod->second.find(container);
  // A restart (start time not before the stored sample) resets the pair.
  if (last_c == last_pod->second.end() || !(p.start_time < last_c->second.timestamp)) {
    return std::nullopt;
  }
  if (p.timestamp > last_c->second.timestamp) return last_c->second;
  const auto prev_pod = old.prev.find(pod);
  if (prev_pod == old.prev.end()) return std::nullopt;
  const auto prev_c = prev_pod->second.find(container);
  // upstream reads a zero point when the container has no previous one.
  const Instant prev_ts = prev_c == prev_pod->second.end() ? Instant{} : prev_c->second.timestamp;
  if (prev_ts < p.timestamp) {
    return prev_c == prev_pod->second.end() ? MetricsPoint{} : prev_c->second;
  }
  return std::nullopt;
}

}  // namespace

Store store_batch(const Store& old, const Batch& batch, Duration metric_resolution) {
  return store_batch(old, Batch(batch), metric_resolution);
}

Store store_batch(const Store& old, Batch&& batch, Duration metric_resolution) {
  Store next;
  // `batch` is in key order: each pod goes at the end of both maps.
  for (auto& [pod, containers] : batch) {
    std::map<std::string, MetricsPoint> prev;
    for (const auto& [name, point] : containers) {
      if (auto p = previous_point(old, pod, name, point, metric_resolution)) prev[name] = *p;
    }
    if (!prev.empty()) next.prev.emplace_hint(next.prev.end(), pod, std::move(prev));
    next.last.emplace_hint(next.last.end(), pod, std::move(containers));
  }
  return next;
}

std::expected<std::pair<ContainerUsage, std::pair<Instant, Duration>>, std::string> resource_usage(
    const std::string& name, const MetricsPoint& last, const MetricsPoint& prev) {
  if (last.cumulative_cpu_ns < prev.cumulative_cpu_ns) {
    return std::unexpected(std::string("unexpected decrease in cumulative CPU usage value"));
  }
  const Duration window = last.timestamp - prev.timestamp;
  const double seconds = static_cast<double>(window.count()) / 1e6;
  const double rate =
      static_cast<double>(last.cumulative_cpu_ns - prev.cumulative_cpu_ns) / seconds;
  ContainerUsage u;
  u.name = name;
  u.cpu_nanocores = (std::isfinite(rate) && rate >= 0) ? static_cast<std::uint64_t>(rate) : 0;
  // Quantity(nanocores, scale -9).MilliValue(): rounded up.
  u.cpu_milli = static_cast<std::int64_t>((u.cpu_nanocores + 999999) / 1000000);
  u.memory_bytes = last.memory_working_set;
  return std::pair{u, std::pair{last.timestamp, window}};
}

std::optional<PodUsage> pod_metrics(const Store& store, const std::string& pod) {
  const auto last = store.last.find(pod);
  const auto prev = store.prev.find(pod);
  if (last == store.last.end() || prev == store.prev.end()) return std::nullopt;
  PodUsage out;
  bool have_time = false;
  for (const auto& [name, point] : last->second) {
    const auto p = prev->second.find(name);
    if (p == prev->second.end()) return std::nullopt;
    auto u = resource_usage(name, point, p->second);
    if (!u) continue;  // skipped container, as upstream logs and skips
    out.containers.push_back(u->first);
    if (!have_time || out.timestamp > u->second.first) {
      out.timestamp = u->second.first;
      out.window = u->second.second;
      have_time = true;
    }
  }
  return out;
}

std::optional<std::string> validate_metric_resolution(Duration resolution,
                                                      Duration kubelet_request_timeout) {
  if (resolution < std::chrono::seconds(10)) {
    return "metric-resolution should be a time duration at least 10s, but value " +
           std::to_string(resolution.count() / 1000) + "ms provided";
  }
  if (resolution * 9 / 10 < kubelet_request_timeout) {
    return "metric-resolution should be larger than kubelet-request-timeout";
  }
  return std::nullopt;
}

hpa::PodMetricsItem to_pod_metrics_item(const std::string& pod, const std::string& namespace_,
                                        const PodUsage& usage) {
  hpa::PodMetricsItem item{pod, namespace_, usage.timestamp, usage.window, {}};
  for (const ContainerUsage& c : usage.containers) {
    item.containers.push_back(hpa::ContainerUsage{
        c.name,
        {{"cpu", c.cpu_milli}, {"memory", static_cast<std::int64_t>(c.memory_bytes) * 1000}}});
  }
  return item;
}

}  // namespace ksim::control::metrics_server
