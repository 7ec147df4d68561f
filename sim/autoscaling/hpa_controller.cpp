// The HPA controller's loop over the cluster model: assembling each sync's
// ReconcileInput (the API reads of upstream reconcileAutoscaler), calling the
// pure control::hpa::reconcile, applying its scale write.
#include "ksim/sim/autoscaling/hpa_controller.h"

#include <utility>

#include "ksim/sim/autoscaling/clock.h"
#include "ksim/sim/autoscaling/pod_view.h"
#include "ksim/sim/kernel/check.h"

namespace ksim::autoscaling {

namespace h = control::hpa;

struct HpaController::Hpa {
  std::string key;     // "namespace/name"
  std::string target;  // the Deployment's "namespace/name"
  h::HpaSpec spec;
  cluster::DeploymentId deployment{};
  manifest::LabelSelector selector;  // the Deployment's spec.selector (scale.status.selector)
  h::HpaStatus status;
  h::ControllerState state;
  /// Per ReplicaSet and per StatefulSet (index): -1 not yet known, else
  /// whether the selector selects its pods (labels are per owner).
  std::vector<std::int8_t> selects;
  std::vector<std::int8_t> selects_stateful;
};

namespace {

std::vector<h::Container> template_containers(const manifest::Deployment& d) {
  std::vector<h::Container> out;
  for (const manifest::Container& c : d.template_.containers) {
    out.push_back(h::Container{c.name, c.requests_milli});
  }
  return out;
}

// A StatefulSet pod's containers and requests (a selector reaching past the
// Deployment: rare, so built when needed).
std::vector<h::Container> owner_containers(const cluster::PodOwner& owner) {
  std::vector<h::Container> out;
  const auto& requests = owner.scheduler_template.containers;
  for (std::size_t i = 0; i < owner.containers.size(); ++i) {
    h::Container c{owner.containers[i].name, {}};
    if (i < requests.size() && requests[i].cpu_milli)
      c.requests_milli["cpu"] = *requests[i].cpu_milli;
    if (i < requests.size() && requests[i].memory_bytes) {
      c.requests_milli["memory"] = *requests[i].memory_bytes * 1000;
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

HpaController::HpaController(Simulator& sim, cluster::Cluster& cluster,
                             const MetricsServer& metrics, const scenario::Scenario& scenario,
                             HpaControllerOptions options)
    : sim_(sim), cluster_(cluster), metrics_(metrics), options_(std::move(options)) {
  KSIM_CHECK(options_.first_sync_delay.count() >= 0, "HpaController: negative first sync delay");
  const scenario::Timings& t = scenario.timings;
  h::ControllerConfig& cfg = options_.config;
  cfg.sync_period = std::chrono::duration_cast<h::Duration>(t.hpa_sync_period);
  cfg.cpu_initialization_period =
      std::chrono::duration_cast<h::Duration>(t.hpa_cpu_initialization_period);
  cfg.initial_readiness_delay =
      std::chrono::duration_cast<h::Duration>(t.hpa_initial_readiness_delay);
  KSIM_CHECK(t.hpa_sync_period.count() > 0, "HpaController: the sync period must be positive");

  for (const cluster::Deployment& d : cluster_.deployments()) {
    const manifest::Deployment* m = scenario.manifests.find_deployment(d.namespace_, d.name);
    containers_.push_back(m != nullptr ? template_containers(*m) : std::vector<h::Container>{});
  }
  for (const manifest::HorizontalPodAutoscaler& m : scenario.manifests.hpas) {
    const h::ObjectReference& ref = m.spec.scale_target_ref;
    const std::string key = m.spec.namespace_ + "/" + m.spec.name;
    const std::string target = ref.kind + "/" + ref.name;
    if (ref.kind != "Deployment") {
      not_modelled_.push_back(
          {key, target, "scaleTargetRef kind " + ref.kind + " is not modelled"});
      continue;
    }
    const auto d = cluster_.find_deployment(m.spec.namespace_, ref.name);
    const manifest::Deployment* md =
        scenario.manifests.find_deployment(m.spec.namespace_, ref.name);
    if (!d || md == nullptr) {
      not_modelled_.push_back(
          {key, target, "no Deployment " + m.spec.namespace_ + "/" + ref.name + " in the cluster"});
      continue;
    }
    Hpa hpa;
    hpa.key = key;
    hpa.target = m.spec.namespace_ + "/" + ref.name;
    hpa.spec = m.spec;
    hpa.deployment = *d;
    hpa.selector = md->selector;
    hpas_.push_back(std::move(hpa));
  }
  const Duration period = t.hpa_sync_period;
  start_ = sim_.schedule_in(options_.first_sync_delay, [this, period] {
    const Duration phase{to_us(sim_.now()) % period.count()};
    timer_ = sim_.schedule_periodic(period, phase, [this] { sync_all(); });
  });
}

HpaController::~HpaController() {
  sim_.cancel(start_);
  sim_.cancel(timer_);
}

std::vector<std::string> HpaController::hpas() const {
  std::vector<std::string> out;
  for (const Hpa& hpa : hpas_) out.push_back(hpa.key);
  return out;
}

const HpaController::Hpa* HpaController::find(std::string_view ns, std::string_view name) const {
  const std::string key = std::string(ns) + "/" + std::string(name);
  for (const Hpa& hpa : hpas_) {
    if (hpa.key == key) return &hpa;
  }
  return nullptr;
}

const h::HpaStatus* HpaController::status(std::string_view ns, std::string_view name) const {
  const Hpa* hpa = find(ns, name);
  return hpa != nullptr ? &hpa->status : nullptr;
}

const h::ControllerState* HpaController::state(std::string_view ns, std::string_view name) const {
  const Hpa* hpa = find(ns, name);
  return hpa != nullptr ? &hpa->state : nullptr;
}

// upstream: the HPAs are independent work-queue keys; here they take turns
// within one event, in manifest order.
void HpaController::sync_all() {
  for (Hpa& hpa : hpas_) sync(hpa);
}

void HpaController::sync(Hpa& hpa) {
  const Time now = sim_.now();
  const cluster::Deployment& d = cluster_.deployment(hpa.deployment);
  h::ReconcileInput in;
  in.now = to_instant(now);
  in.config = options_.config;
  in.spec = hpa.spec;
  in.status = hpa.status;
  in.spec_replicas = d.replicas;
  // Deployment status.replicas: the pods of its ReplicaSet that are not
  // terminating (ReplicaSet status counts FilterActivePods).
  in.status_replicas = static_cast<std::int32_t>(cluster_.active_pods(hpa.deployment).size());
  // The selector is applied here (in.selector stays unset: `pods` are the
  // selected pods). A re-read of the live pods per HPA: an earlier HPA's
  // scale write in this same event may have created pods.
  for (const cluster::PodId id : live_.refresh(cluster_)) {
    const cluster::Pod& p = cluster_.pod(id);
    // An HPA scales a Deployment; a DaemonSet's pods are never its target's.
    if (p.owner_kind == cluster::OwnerKind::kDaemonSet) continue;
    if (p.owner_kind == cluster::OwnerKind::kNone) continue;  // a bare pod: no scale target
    const bool replica_set = p.owner_kind == cluster::OwnerKind::kReplicaSet;
    const std::size_t owner_index =
        replica_set ? cluster::index_of(p.replica_set) : cluster::index_of(p.stateful_set);
    auto& selects = replica_set ? hpa.selects : hpa.selects_stateful;
    if (selects.size() <= owner_index) selects.resize(owner_index + 1, -1);
    const cluster::PodOwner& owner = cluster_.pod_owner(id);
    if (selects[owner_index] < 0) {
      const bool match =
          owner.namespace_ == hpa.spec.namespace_ && hpa.selector.matches(owner.pod_labels);
      selects[owner_index] = match ? 1 : 0;
    }
    if (selects[owner_index] == 0) continue;
    in.pods.push_back(hpa_pod_view(
        p, owner,
        replica_set ? containers_[cluster::index_of(cluster_.replica_set(p.replica_set).deployment)]
                    : owner_containers(owner)));
    if (auto item = metrics_.pod_metrics(id)) in.metrics.resource.push_back(std::move(*item));
  }
  // No custom or external metrics adapter: those APIs are not served.
  in.metrics.pods_fails = true;
  in.metrics.object_fails = true;
  in.metrics.external_fails = true;
  in.state = std::move(hpa.state);

  h::ReconcileResult result = h::reconcile(in);
  if (result.scale_updated) cluster_.set_replicas(hpa.deployment, result.desired_replicas);
  hpa.status = result.status;
  hpa.state = std::move(result.state);
  ++syncs_;
  if (options_.on_sync) options_.on_sync(make_sync_record(now, hpa.key, hpa.target, in, result));
}

}  // namespace ksim::autoscaling
