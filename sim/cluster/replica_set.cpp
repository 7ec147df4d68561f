// Deployments, their ReplicaSets and the ReplicaSet controller (upstream:
// pkg/controller/deployment sync.go, pkg/controller/replicaset
// replica_set.go manageReplicas): pods created to the desired count, the
// surplus deleted in getPodsToDelete order. The controllers' own latencies
// (milliseconds) are not modelled: a change takes effect at once.
#include <algorithm>
#include <map>

#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/kernel/check.h"

namespace ksim::cluster {

// The Deployment's ReplicaSet: its name, pods and selector carry the
// pod-template-hash label (deployment util SetNewReplicaSetAnnotations /
// controller.ComputeHash).
ReplicaSet Cluster::make_replica_set(const manifest::Deployment& d, DeploymentId did) const {
  const std::string hash = pod_template_hash(d);
  ReplicaSet rs;
  rs.name = d.meta.name + "-" + hash;
  rs.namespace_ = d.meta.namespace_;
  rs.deployment = did;
  rs.pod_labels = d.template_.labels;
  rs.pod_labels["pod-template-hash"] = hash;
  manifest::LabelSelector rs_selector = d.selector;
  rs_selector.match_labels["pod-template-hash"] = hash;
  init_pod_owner(rs, d.template_, rs_selector);
  rs.rng = streams_.stream("replicaset/" + rs.namespace_ + "/" + rs.name);
  return rs;
}

void Cluster::build_workloads(const scenario::Scenario& s) {
  for (const manifest::Deployment& d : s.manifests.deployments) {
    const auto did = id_at<DeploymentId>(deployments_.size());
    const auto rsid = id_at<ReplicaSetId>(replica_sets_.size());
    deployments_.push_back(Deployment{d.meta.name, d.meta.namespace_, d.replicas, rsid});
    replica_sets_.push_back(make_replica_set(d, did));
    // upstream getNewReplicaSet: "Scaled up replica set %s to %d" when created non-empty.
    if (d.replicas > 0) {
      log(ObjectKind::kDeployment, d.meta.namespace_ + "/" + d.meta.name,
          EventReason::kScalingReplicaSet,
          "Scaled up replica set " + replica_sets_.back().name + " to " +
              std::to_string(d.replicas));
    }
    replica_sets_.back().replicas = d.replicas;
    sync_replica_set(rsid);
  }
}

void Cluster::set_replicas(DeploymentId deployment, std::int32_t replicas) {
  KSIM_CHECK(replicas >= 0, "set_replicas: negative replica count");
  Deployment& d = deployments_[index_of(deployment)];
  ReplicaSet& rs = replica_sets_[index_of(d.replica_set)];
  d.replicas = replicas;
  if (rs.replicas == replicas) return;
  // upstream scaleReplicaSet: "Scaled %s replica set %s to %d from %d".
  const std::string op = replicas > rs.replicas ? "up" : "down";
  log(ObjectKind::kDeployment, d.namespace_ + "/" + d.name, EventReason::kScalingReplicaSet,
      "Scaled " + op + " replica set " + rs.name + " to " + std::to_string(replicas) + " from " +
          std::to_string(rs.replicas));
  rs.replicas = replicas;
  sync_replica_set(d.replica_set);
}

// upstream manageReplicas: diff = active pods - spec.replicas (terminating
// pods are not active, so a deleted pod is replaced at once).
void Cluster::sync_replica_set(ReplicaSetId id) {
  const ReplicaSet& rs = replica_sets_[index_of(id)];
  const auto active = static_cast<std::int32_t>(rs.pods.size());
  if (active < rs.replicas) {
    for (std::int32_t i = active; i < rs.replicas; ++i) create_pod(id);
  } else if (active > rs.replicas) {
    scale_down(id, static_cast<std::size_t>(active - rs.replicas));
  }
}

PodId Cluster::create_pod(ReplicaSetId rsid) {
  ReplicaSet& rs = replica_sets_[index_of(rsid)];
  // generateName "<replicaset>-" plus utilrand.String(5); the API server
  // rejects a taken name and the controller retries with a new one.
  Pod p;
  do {
    p.name = rs.name + "-" + random_suffix(rs.rng);
  } while (pod_name_taken(rs.namespace_, p.name));
  p.replica_set = rsid;
  const PodId id = create_pod_object(rs, std::move(p));
  // upstream CreatePods: "Created pod: %v".
  log(ObjectKind::kReplicaSet, rs.namespace_ + "/" + rs.name, EventReason::kSuccessfulCreate,
      "Created pod: " + pods_[index_of(id)].name);
  return id;
}

void Cluster::scale_down(ReplicaSetId rsid, std::size_t count) {
  ReplicaSet& rs = replica_sets_[index_of(rsid)];
  // getPodsRankedByRelatedPodsOnSameNode: active pods of the Deployment per
  // spec.nodeName ("" for unbound pods, which count among themselves).
  std::map<NodeId, std::int32_t> per_node;
  for (const PodId p : rs.pods) {
    const Pod& pod = pods_[index_of(p)];
    ++per_node[pod.bound ? pod.node : kNoNode];
  }
  std::vector<DeletionCandidate> candidates;
  for (const PodId p : rs.pods) {
    const Pod& pod = pods_[index_of(p)];
    DeletionCandidate c;
    c.pod = p;
    c.assigned = pod.bound;
    c.phase = pod.phase;
    c.ready = pod.ready();
    c.rank = per_node[pod.bound ? pod.node : kNoNode];
    c.ready_since = pod.ready_since;
    c.restarts = pod.restarts;
    c.created = pod.created;
    c.uid = pod.uid;
    candidates.push_back(c);
  }
  for (const PodId victim : pods_to_delete(std::move(candidates), count, sim_.now())) {
    std::erase(rs.pods, victim);
    // upstream DeletePod: "Deleted pod: %v".
    log(ObjectKind::kReplicaSet, rs.namespace_ + "/" + rs.name, EventReason::kSuccessfulDelete,
        "Deleted pod: " + pods_[index_of(victim)].name);
    delete_pod_object(victim);
  }
}

}  // namespace ksim::cluster
