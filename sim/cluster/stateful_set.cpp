// StatefulSets and the StatefulSet controller (upstream:
// pkg/controller/statefulset stateful_set_control.go updateStatefulSet,
// processReplica, processCondemned; stateful_pod_control.go CreateStatefulPod,
// DeleteStatefulPod and their events). Pods are "<set>-<ordinal>" for the
// ordinals [0, replicas); an ordinal's pod is recreated under the same name
// once its predecessor is gone. OrderedReady ("monotonic") creates one pod
// at a time, each after all lower ordinals are Running and Ready, and removes
// the highest ordinal first, one at a time; Parallel does both at once (in
// ordinal order here; upstream's slowStartBatch issues them concurrently).
// Not modelled: revisions and rolling updates (templates never change in a
// run), minReadySeconds, start ordinals, failed pods, PVC binding delays (a
// claim is created, with its event, but the pod does not wait for a volume).
// As for ReplicaSets, the controller's own latency is not modelled.
#include <algorithm>

#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/kernel/check.h"

namespace ksim::cluster {

void Cluster::build_statefulsets(const scenario::Scenario& s) {
  for (const manifest::StatefulSet& m : s.manifests.stateful_sets) {
    const auto id = id_at<StatefulSetId>(statefulsets_.size());
    StatefulSet ss;
    ss.name = m.meta.name;
    ss.namespace_ = m.meta.namespace_;
    ss.replicas = m.replicas;
    ss.pod_management_policy = m.pod_management_policy;
    ss.service_name = m.service_name;
    for (const manifest::VolumeClaimTemplate& v : m.volume_claim_templates) {
      ss.volume_claims.push_back(v.name);
    }
    // newVersionedStatefulSetPod labels each pod with its revision
    // (controller-revision-hash); the per-pod labels
    // statefulset.kubernetes.io/pod-name and apps.kubernetes.io/pod-index are
    // not kept (pod_labels are shared by the set's pods).
    ss.pod_labels = m.template_.labels;
    ss.pod_labels["controller-revision-hash"] = controller_revision_hash(m);
    init_pod_owner(ss, m.template_, m.selector);
    ss.rng = streams_.stream("statefulset/" + ss.namespace_ + "/" + ss.name);
    statefulsets_.push_back(std::move(ss));
    statefulset_sync_pending_.push_back(0);
    sync_stateful_set(id);
  }
}

void Cluster::set_statefulset_replicas(StatefulSetId set, std::int32_t replicas) {
  KSIM_CHECK(replicas >= 0, "set_statefulset_replicas: negative replica count");
  StatefulSet& ss = statefulsets_[index_of(set)];
  if (ss.replicas == replicas) return;
  ss.replicas = replicas;
  sync_stateful_set(set);
}

// The controller hears of pod changes through its informer and syncs once per
// batch of them (the workqueue dedups keys): a sync at the same instant, so
// the change that triggered it has completed.
void Cluster::request_statefulset_sync(StatefulSetId set) {
  std::uint8_t& pending = statefulset_sync_pending_[index_of(set)];
  if (pending != 0) return;
  pending = 1;
  sim_.schedule_in(Duration{0}, [this, set] {
    statefulset_sync_pending_[index_of(set)] = 0;
    sync_stateful_set(set);
  });
}

// updateStatefulSet with minReadySeconds 0, so "available" is "Running and
// Ready" (Pod::ready(), which a terminating pod never is).
void Cluster::sync_stateful_set(StatefulSetId set) {
  StatefulSet& ss = statefulsets_[index_of(set)];
  const bool monotonic = ss.pod_management_policy == manifest::PodManagementPolicy::kOrderedReady;
  const auto replicas = static_cast<std::size_t>(ss.replicas);
  while (ss.ordinals.size() > replicas && ss.ordinals.back() == kNoPod) ss.ordinals.pop_back();
  if (ss.ordinals.size() < replicas) ss.ordinals.resize(replicas, kNoPod);
  const auto healthy = [this](PodId p) { return p != kNoPod && pods_[index_of(p)].ready(); };

  // firstUnavailablePod: the lowest ordinal whose replica is missing or
  // unhealthy, among the replicas, then among the condemned.
  std::size_t first_unhealthy = ss.ordinals.size();
  for (std::size_t i = 0; i < ss.ordinals.size(); ++i) {
    const bool missing = ss.ordinals[i] == kNoPod;
    if ((missing && i < replicas) || (!missing && !healthy(ss.ordinals[i]))) {
      first_unhealthy = i;
      break;
    }
  }

  // processReplica for each ordinal in [0, replicas), in order.
  for (std::size_t i = 0; i < replicas; ++i) {
    if (ss.ordinals[i] == kNoPod) {
      create_stateful_pod(set, i);
      if (monotonic) return;  // the set does not allow bursting
      continue;
    }
    // Terminating, or not yet Running and Ready: OrderedReady waits.
    if (monotonic && !healthy(ss.ordinals[i])) return;
  }

  // processCondemned, highest ordinal first. In monotonic mode every replica
  // is healthy by now.
  for (std::size_t i = ss.ordinals.size(); i-- > replicas;) {
    const PodId p = ss.ordinals[i];
    if (p == kNoPod) continue;
    if (!pods_[index_of(p)].active()) {
      if (monotonic) return;  // wait for the terminating pod to be gone
      continue;
    }
    if (monotonic && !healthy(p) && i != first_unhealthy) return;
    delete_stateful_pod(set, p);
    if (monotonic) return;
  }
}

// CreateStatefulPod: the ordinal's PersistentVolumeClaims when they do not
// exist yet ("<template>-<set>-<ordinal>", getPersistentVolumeClaimName),
// then the pod.
void Cluster::create_stateful_pod(StatefulSetId set, std::size_t ordinal) {
  StatefulSet& ss = statefulsets_[index_of(set)];
  const std::string object = ss.namespace_ + "/" + ss.name;
  Pod p;
  p.name = ss.name + "-" + std::to_string(ordinal);
  if (ss.claimed.size() <= ordinal) ss.claimed.resize(ordinal + 1, false);
  if (!ss.claimed[ordinal]) {
    ss.claimed[ordinal] = true;
    for (const std::string& claim : ss.volume_claims) {
      // upstream recordClaimEvent: "%s Claim %s Pod %s in StatefulSet %s success".
      log(ObjectKind::kStatefulSet, object, EventReason::kSuccessfulCreate,
          "create Claim " + claim + "-" + ss.name + "-" + std::to_string(ordinal) + " Pod " +
              p.name + " in StatefulSet " + ss.name + " success");
    }
  }
  p.replica_set = kNoReplicaSet;
  p.owner_kind = OwnerKind::kStatefulSet;
  p.stateful_set = set;
  p.ordinal = static_cast<std::int32_t>(ordinal);
  const std::string name = p.name;
  ss.ordinals[ordinal] = create_pod_object(ss, std::move(p));
  // upstream recordPodEvent: "%s Pod %s in StatefulSet %s successful".
  log(ObjectKind::kStatefulSet, object, EventReason::kSuccessfulCreate,
      "create Pod " + name + " in StatefulSet " + ss.name + " successful");
}

// DeleteStatefulPod: the pod leaves the active pods now; its ordinal stays
// taken until it is gone.
void Cluster::delete_stateful_pod(StatefulSetId set, PodId pod) {
  StatefulSet& ss = statefulsets_[index_of(set)];
  std::erase(ss.pods, pod);
  // upstream recordPodEvent: "%s Pod %s in StatefulSet %s successful".
  log(ObjectKind::kStatefulSet, ss.namespace_ + "/" + ss.name, EventReason::kSuccessfulDelete,
      "delete Pod " + pods_[index_of(pod)].name + " in StatefulSet " + ss.name + " successful");
  delete_pod_object(pod);
}

}  // namespace ksim::cluster
