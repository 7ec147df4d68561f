// metrics-server on the kernel (hpa.md section 12, S10): a scrape of every
// running pod's containers once per metric resolution, the store of the last
// two points per container (control::metrics_server::store_batch), and the
// metrics.k8s.io PodMetrics the HPA reads (control::metrics_server::
// pod_metrics, to_pod_metrics_item).
//
// Timing (hpa.md 12):
//   first scrape   at construction ("the first scrape runs at start-up",
//                  server.go runScrape), then every `resolution`
//   sample time    the scrape time truncated to milliseconds: the kubelet's
//                  timestamps are in ms (decode.go). The kubelet's own
//                  housekeeping lag is not modelled (hpa.md 12: not verified)
//   node jitter    not modelled: every node answers at the scrape instant
//                  (upstream: a random delay of up to min(8 ms x nodes, 4 s))
// What is scraped: only pods an HPA may read, i.e. pods of ReplicaSets and
// StatefulSets (HpaController never selects bare pods or DaemonSet pods;
// upstream scrapes every pod, but nothing else here reads the store: a pod
// trace's thousands of bare pods would cost a rate store nobody reads), and
// of those, pods whose containers have all started (phase Running:
// stages Running and Ready, and Terminating ones during their grace period,
// whose containers still run). A container's start time is the pod's
// `started` (the last container's start). Memory working set: the
// container's memory request (0 without one), constant: no memory model yet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ksim/control/hpa/reconcile.h"
#include "ksim/control/metrics_server/cpu_rate.h"
#include "ksim/sim/autoscaling/clock.h"
#include "ksim/sim/autoscaling/cpu_source.h"
#include "ksim/sim/autoscaling/live_pods.h"
#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/kernel/simulator.h"

namespace ksim::autoscaling {

class MetricsServer {
 public:
  /// Starts scraping: the first scrape fires at sim.now(), then one every
  /// `resolution` (> 0). `sim`, `cluster` and `cpu` must outlive it.
  MetricsServer(Simulator& sim, const cluster::Cluster& cluster, CpuUsageSource& cpu,
                Duration resolution);
  /// Stops scraping.
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  /// metrics.k8s.io PodMetrics of the pod, as the HPA reads it (cpu and
  /// memory, milli-values; timestamp and window of the last two samples).
  /// nullopt when the pod is gone (metrics-server answers only for pods its
  /// informer still lists) or has no usage yet: fewer than two samples of
  /// every container, unless the fresh-container rule made one synthetic.
  [[nodiscard]] std::optional<control::hpa::PodMetricsItem> pod_metrics(cluster::PodId pod) const;

  /// The same usage with nanocore precision (the storage's own view).
  [[nodiscard]] std::optional<control::metrics_server::PodUsage> pod_usage(
      cluster::PodId pod) const;

  /// The storage after the last scrape; pods keyed "namespace/name".
  [[nodiscard]] const control::metrics_server::Store& store() const { return store_; }
  [[nodiscard]] Duration resolution() const { return resolution_; }
  /// The time of the last scrape, if any.
  [[nodiscard]] std::optional<Time> last_scrape() const { return last_scrape_; }
  [[nodiscard]] std::uint64_t scrapes() const { return scrapes_; }

 private:
  void scrape();

  Simulator& sim_;
  const cluster::Cluster& cluster_;
  CpuUsageSource& cpu_;
  Duration resolution_;
  EventHandle timer_;
  control::metrics_server::Store store_;
  LivePods live_;
  std::optional<Time> last_scrape_;
  std::uint64_t scrapes_ = 0;
};

/// The store's key of a pod: "namespace/name" (pod names are unique only
/// within a namespace).
std::string pod_key(const cluster::Pod& pod);

/// The kubelet's sample timestamp for a scrape at `t`: t truncated to whole
/// milliseconds, as a wall-clock instant.
Instant kubelet_timestamp(Time t);

}  // namespace ksim::autoscaling
