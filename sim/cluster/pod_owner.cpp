// What the ReplicaSets of Deployments and StatefulSets share: the template
// their pods are stamped from (as the scheduler, the kubelet, the
// EndpointSlice and disruption controllers read it), pod objects with the
// name index, and the API server's deletion. The controllers that decide
// which pods to create or delete live in replica_set.cpp and stateful_set.cpp.
#include <algorithm>
#include <chrono>

#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/kernel/check.h"

namespace ksim::cluster {
namespace {

// A Service's spec.selector selects the pods carrying every one of its labels
// (an empty selector manages no endpoints).
bool selects(const manifest::LabelMap& selector, const manifest::LabelMap& labels) {
  if (selector.empty()) return false;
  return std::all_of(selector.begin(), selector.end(), [&labels](const auto& kv) {
    const auto it = labels.find(kv.first);
    return it != labels.end() && it->second == kv.second;
  });
}

}  // namespace

// Every pod of an owner carries its pod_labels, so which Services and PDBs
// select them is known once, here. The spread selector is upstream
// helper.DefaultSelector: the selecting Services' selectors plus the owner's
// own (ReplicaSet or StatefulSet) selector.
void Cluster::init_pod_owner(PodOwner& o, const manifest::PodTemplate& t,
                             const manifest::LabelSelector& selector) const {
  std::vector<const manifest::LabelMap*> selecting;
  for (std::size_t i = 0; i < services_.size(); ++i) {
    if (services_[i].namespace_ == o.namespace_ && selects(services_[i].selector, o.pod_labels)) {
      o.services.push_back(id_at<ServiceId>(i));
      selecting.push_back(&services_[i].selector);
    }
  }
  for (std::size_t i = 0; i < pdbs_.size(); ++i) {
    const PodDisruptionBudget& b = pdbs_[i];
    // policy/v1: an absent selector selects nothing, {} every pod.
    if (b.namespace_ == o.namespace_ && b.selector && b.selector->matches(o.pod_labels)) {
      o.pdbs.push_back(id_at<PdbId>(i));
    }
  }
  o.pod_annotations = t.annotations;
  o.scheduler_template = scheduler_pod(t, o.namespace_);
  o.scheduler_template.labels = o.pod_labels;
  o.scheduler_template.spread_selector = default_spread_selector(selecting, selector);
  for (const manifest::Container& c : t.containers) {
    o.containers.push_back(container_plan(c, timings_.readiness_probe));
  }
  KSIM_CHECK(!o.containers.empty(), "cluster: a pod template has no container");
  o.grace =
      timings_.termination_grace.value_or(std::chrono::seconds{t.termination_grace_period_seconds});
}

const PodOwner& Cluster::owner_of(const Pod& p) const {
  if (p.owner_kind == OwnerKind::kStatefulSet) return statefulsets_[index_of(p.stateful_set)];
  if (p.owner_kind == OwnerKind::kDaemonSet) return daemonsets_[index_of(p.daemon_set)];
  if (p.owner_kind == OwnerKind::kNone) {
    return trace_shapes_[trace_rows_[static_cast<std::size_t>(p.ordinal)].shape];
  }
  return replica_sets_[index_of(p.replica_set)];
}

PodOwner& Cluster::owner_of(const Pod& p) {
  if (p.owner_kind == OwnerKind::kStatefulSet) return statefulsets_[index_of(p.stateful_set)];
  if (p.owner_kind == OwnerKind::kDaemonSet) return daemonsets_[index_of(p.daemon_set)];
  if (p.owner_kind == OwnerKind::kNone) {
    return trace_shapes_[trace_rows_[static_cast<std::size_t>(p.ordinal)].shape];
  }
  return replica_sets_[index_of(p.replica_set)];
}

bool Cluster::pod_name_taken(const std::string& ns, const std::string& name) const {
  return pod_index_.contains(ns + "/" + name);
}

std::optional<PodId> Cluster::find_pod(std::string_view ns, std::string_view name) const {
  std::string key(ns);
  key += '/';
  key += name;
  const auto it = pod_index_.find(key);
  if (it == pod_index_.end()) return std::nullopt;
  return it->second;
}

// The pod object as the API server stores it: `pod` carries its name and
// owner fields; the rest is filled here. The API server refuses a name in
// use, so a reused name (a StatefulSet's) needs its predecessor gone.
PodId Cluster::create_pod_object(PodOwner& owner, Pod pod) {
  const auto id = id_at<PodId>(pods_.size());
  const std::string key = owner.namespace_ + "/" + pod.name;
  const auto [it, first] = pod_index_.try_emplace(key, id);
  if (!first) {
    KSIM_CHECK(pods_[index_of(it->second)].stage == PodStage::kGone,
               "cluster: a pod of that name still exists");
    it->second = id;
  }
  pod.namespace_ = owner.namespace_;
  pod.uid = owner.rng.next();
  pod.created = sim_.now();
  pod.endpoint_change_at = sim_.now();
  // Each incarnation of a reused name draws from a stream of its own.
  pod.rng = streams_.stream("pod/" + key + (first ? "" : "#" + std::to_string(pod.uid)));
  pods_.push_back(std::move(pod));
  owner.pods.push_back(id);
  for (const PdbId b : owner.pdbs) pdbs_[index_of(b)].pods.push_back(id);
  queue_.add(id, sim_.now());
  request_scheduling();
  return id;
}

void Cluster::delete_pod(PodId pod) { remove_pod(pod, std::nullopt); }

void Cluster::remove_pod(PodId pod, std::optional<Duration> grace) {
  const Pod& p = pods_[index_of(pod)];
  if (!p.active()) return;
  const OwnerKind kind = p.owner_kind;
  const ReplicaSetId rsid = p.replica_set;
  std::erase(owner_of(p).pods, pod);
  delete_pod_object(pod, grace);
  // A ReplicaSet counts active pods and replaces the pod now; a StatefulSet's
  // ordinal stays taken until the pod is gone (pod_object_gone).
  if (kind == OwnerKind::kReplicaSet) sync_replica_set(rsid);
}

// The API server's graceful deletion (pod strategy CheckGracefulDelete): a pod
// not bound to a node is deleted at once; a bound one gets its grace period
// (`grace`, else its own) and the kubelet terminates it.
void Cluster::delete_pod_object(PodId pod, std::optional<Duration> grace) {
  Pod& p = pods_[index_of(pod)];
  switch (p.stage) {
    case PodStage::kPending:
      queue_.remove(pod);
      clear_unschedulable(pod);
      p.deleted = sim_.now();
      p.stage = PodStage::kGone;
      log_pod(pod, EventReason::kPodDeleted, "deleted before it was scheduled");
      pod_object_gone(pod);
      break;
    case PodStage::kBinding:
      sim_.cancel(p.next);  // the scheduler's binding fails: the pod is gone
      forget_assumed(pod);
      p.deleted = sim_.now();
      p.stage = PodStage::kGone;
      log_pod(pod, EventReason::kPodDeleted, "deleted before its binding");
      pod_object_gone(pod);
      check_drained(p.node);
      break;
    case PodStage::kStarting:
    case PodStage::kRunning:
    case PodStage::kReady:
      terminate(pod, grace);
      break;
    case PodStage::kTerminating:
    case PodStage::kGone:
      break;
  }
}

// The pod left the API: the PDBs stop listing it, and a StatefulSet may now
// reuse its ordinal (the controller hears of it through its pod informer).
void Cluster::pod_object_gone(PodId pod) {
  const Pod& p = pods_[index_of(pod)];
  for (const PdbId b : owner_of(p).pdbs) std::erase(pdbs_[index_of(b)].pods, pod);
  if (p.owner_kind == OwnerKind::kDaemonSet) daemon_pod_gone(pod);
  if (p.owner_kind != OwnerKind::kStatefulSet) return;
  PodId& slot =
      statefulsets_[index_of(p.stateful_set)].ordinals[static_cast<std::size_t>(p.ordinal)];
  if (slot == pod) slot = kNoPod;
  request_statefulset_sync(p.stateful_set);
}

}  // namespace ksim::cluster
