// metrics-server's scrape loop over the cluster model; the rate arithmetic is
// control/metrics_server's (upstream pkg/storage), not repeated here.
#include "ksim/sim/autoscaling/metrics_server.h"

#include "ksim/sim/kernel/check.h"

namespace ksim::autoscaling {

namespace ms = control::metrics_server;

std::string pod_key(const cluster::Pod& pod) { return pod.namespace_ + "/" + pod.name; }

Instant kubelet_timestamp(Time t) {
  // Prometheus text carries millisecond timestamps; floor, not round, so a
  // sample never lies in the future of the scrape.
  const auto ms_since_zero = std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch());
  return kRunEpoch + ms_since_zero;
}

MetricsServer::MetricsServer(Simulator& sim, const cluster::Cluster& cluster, CpuUsageSource& cpu,
                             Duration resolution)
    : sim_(sim), cluster_(cluster), cpu_(cpu), resolution_(resolution) {
  KSIM_CHECK(resolution.count() > 0, "MetricsServer: the resolution must be positive");
  // The phase puts the first firing at now: upstream scrapes at start-up.
  const Duration phase{to_us(sim.now()) % resolution.count()};
  timer_ = sim_.schedule_periodic(resolution, phase, [this] { scrape(); });
}

MetricsServer::~MetricsServer() { sim_.cancel(timer_); }

void MetricsServer::scrape() {
  const Time now = sim_.now();
  const Instant stamp = kubelet_timestamp(now);
  ms::Batch batch;
  for (const cluster::PodId id : live_.refresh(cluster_)) {
    const cluster::Pod& p = cluster_.pod(id);
    // Only what is read is scraped: the HPA controller, the one reader,
    // never selects a bare pod or a DaemonSet's pod (hpa_controller.cpp).
    if (p.owner_kind == cluster::OwnerKind::kNone ||
        p.owner_kind == cluster::OwnerKind::kDaemonSet) {
      continue;
    }
    const bool running = p.stage == cluster::PodStage::kRunning ||
                         p.stage == cluster::PodStage::kReady ||
                         p.stage == cluster::PodStage::kTerminating;
    const cluster::PodOwner& rs = cluster_.pod_owner(id);
    if (!running || p.containers_started < rs.containers.size()) continue;
    auto& containers = batch[pod_key(p)];
    const auto& requests = rs.scheduler_template.containers;
    for (std::uint32_t i = 0; i < rs.containers.size(); ++i) {
      ms::MetricsPoint point;
      point.start_time = to_instant(p.started);
      point.timestamp = stamp;
      point.cumulative_cpu_ns = cpu_.cumulative_cpu_ns(id, i, now);
      if (i < requests.size()) {
        point.memory_working_set = static_cast<std::uint64_t>(requests[i].memory_bytes.value_or(0));
      }
      containers[rs.containers[i].name] = point;
    }
  }
  store_ = ms::store_batch(store_, std::move(batch), resolution_);
  last_scrape_ = now;
  ++scrapes_;
}

std::optional<ms::PodUsage> MetricsServer::pod_usage(cluster::PodId pod) const {
  const cluster::Pod& p = cluster_.pod(pod);
  if (p.stage == cluster::PodStage::kGone) return std::nullopt;
  return ms::pod_metrics(store_, pod_key(p));
}

std::optional<control::hpa::PodMetricsItem> MetricsServer::pod_metrics(cluster::PodId pod) const {
  auto usage = pod_usage(pod);
  if (!usage) return std::nullopt;
  const cluster::Pod& p = cluster_.pod(pod);
  return ms::to_pod_metrics_item(p.name, p.namespace_, *usage);
}

}  // namespace ksim::autoscaling
