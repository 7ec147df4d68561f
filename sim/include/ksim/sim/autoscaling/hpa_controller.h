// The HPA controller on the kernel (hpa.md section 1): every HPA of the
// scenario whose target is a Deployment of the cluster is reconciled once per
// sync period by control::hpa::reconcile, from the cluster's pods and the
// MetricsServer's PodMetrics, with the controller memory (recommendations,
// scale events) and the HPA status carried from sync to sync; a rescale is
// applied through Cluster::set_replicas. Each sync hands an HpaSyncRecord to
// the callback.
//
// Timing (hpa.md 1):
//   cadence     every HPA every hpa_sync_period (upstream: a work queue whose
//               keys are re-added through a rate limiter of exactly the
//               resync period, S5 FixedItemIntervalRateLimiter). All HPAs
//               share one event and sync in manifest order.
//   first sync  first_sync_delay after construction; default 0, the newest
//               upstream (S2b: a new HPA is queued at once, queue.Add). Set it
//               to the sync period for the v1.30-1.32 release (S2a: also
//               through the rate limiter).
//   ties        an HPA sync and a scrape at the same instant fire in the
//               order their models were constructed (the kernel's FIFO):
//               build the MetricsServer first and a sync sees that scrape.
//   workers     --concurrent-horizontal-pod-autoscaler-syncs is not modelled:
//               a sync takes no simulated time.
//
// What a sync reads (upstream reconcileAutoscaler and the replica calculator):
//   scale       spec.replicas = the Deployment's replicas; status.replicas =
//               its active (not terminating) pods; selector = the Deployment's
//               spec.selector, applied here to the pods of the namespace
//   pods        every pod of the namespace not gone that the selector
//               matches: phase, deletionTimestamp (terminating), the Ready
//               condition (True with lastTransitionTime = ready_since once
//               Ready, else False since the containers started) and
//               status.startTime = Pod::started (unset before); containers
//               with their requests from the Deployment's template. Sidecars
//               and pod-level requests are not modelled.
//   metrics     metrics.k8s.io: the MetricsServer's PodMetrics of those pods.
//               No custom or external metrics API is installed: Pods, Object
//               and External metrics fail as on a cluster without an adapter.
//   flags       ControllerConfig from options.config, with the sync period,
//               the cpu initialization period and the initial readiness delay
//               taken from the scenario's timings.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/control/hpa/reconcile.h"
#include "ksim/sim/autoscaling/live_pods.h"
#include "ksim/sim/autoscaling/metrics_server.h"
#include "ksim/sim/autoscaling/sync_record.h"
#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/kernel/simulator.h"
#include "ksim/sim/scenario/scenario.h"

namespace ksim::autoscaling {

struct HpaControllerOptions {
  /// kube-controller-manager flags and feature gates; sync_period,
  /// cpu_initialization_period and initial_readiness_delay are replaced by
  /// the scenario's timings.
  control::hpa::ControllerConfig config;
  /// From construction to the first sync; >= 0.
  Duration first_sync_delay{};
  /// Called after every sync of every HPA, inside the sync's event.
  std::function<void(const HpaSyncRecord&)> on_sync;
};

/// An HPA of the scenario the controller does not drive, and why.
struct UnmodelledHpa {
  std::string hpa;     // "namespace/name"
  std::string target;  // "<Kind>/<name>" of scaleTargetRef
  std::string reason;  // e.g. "scaleTargetRef kind StatefulSet is not modelled"
};

class HpaController {
 public:
  /// Reads the scenario's HPAs (keeps no reference to `scenario`) and
  /// schedules the syncs. `sim`, `cluster` and `metrics` must outlive it.
  HpaController(Simulator& sim, cluster::Cluster& cluster, const MetricsServer& metrics,
                const scenario::Scenario& scenario, HpaControllerOptions options = {});
  /// Stops syncing.
  ~HpaController();
  HpaController(const HpaController&) = delete;
  HpaController& operator=(const HpaController&) = delete;

  /// The HPAs driven, "namespace/name", in manifest order.
  [[nodiscard]] std::vector<std::string> hpas() const;
  /// The HPAs of the scenario not driven (never silently dropped).
  [[nodiscard]] const std::vector<UnmodelledHpa>& not_modelled() const { return not_modelled_; }
  /// The HPA's status after its last sync; nullptr for an HPA not driven.
  [[nodiscard]] const control::hpa::HpaStatus* status(std::string_view ns,
                                                      std::string_view name) const;
  /// The controller memory of the HPA; nullptr for an HPA not driven.
  [[nodiscard]] const control::hpa::ControllerState* state(std::string_view ns,
                                                           std::string_view name) const;
  /// Syncs done, over all HPAs.
  [[nodiscard]] std::uint64_t syncs() const { return syncs_; }

 private:
  struct Hpa;  // one driven HPA: spec, target, carried status and memory
  void sync_all();
  void sync(Hpa& hpa);
  [[nodiscard]] const Hpa* find(std::string_view ns, std::string_view name) const;

  Simulator& sim_;
  cluster::Cluster& cluster_;
  const MetricsServer& metrics_;
  HpaControllerOptions options_;
  std::vector<Hpa> hpas_;
  std::vector<UnmodelledHpa> not_modelled_;
  /// Per Deployment (index): its pods' containers with their requests.
  std::vector<std::vector<control::hpa::Container>> containers_;
  LivePods live_;
  EventHandle start_;
  EventHandle timer_;
  std::uint64_t syncs_ = 0;
};

}  // namespace ksim::autoscaling
