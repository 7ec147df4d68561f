// PodDisruptionBudgets: the arithmetic of disruption.h, and the Cluster's
// side of the disruption controller (upstream: pkg/controller/disruption
// disruption.go trySync): the pods each budget selects and the counts its
// status is computed from. Nothing evicts pods yet; an eviction API will
// check disruptions_allowed().
#include "ksim/sim/cluster/disruption.h"

#include <algorithm>
#include <set>
#include <utility>

#include "ksim/sim/cluster/cluster.h"

namespace ksim::cluster {

PdbStatus pdb_status(const std::optional<manifest::IntOrString>& min_available,
                     const std::optional<manifest::IntOrString>& max_unavailable,
                     const PdbCounts& counts) {
  PdbStatus s;
  if (max_unavailable) {
    s.expected_pods = counts.controller_scale;
    const std::int32_t max = manifest::scaled_value(*max_unavailable, s.expected_pods, true);
    s.desired_healthy = std::max(0, s.expected_pods - max);
  } else if (min_available) {
    if (min_available->is_string) {
      s.expected_pods = counts.controller_scale;
      s.desired_healthy = manifest::scaled_value(*min_available, s.expected_pods, true);
    } else {
      s.expected_pods = counts.selected;
      s.desired_healthy = min_available->int_value;
    }
  }
  s.current_healthy = counts.healthy;
  // updatePdbStatus: expectedCount > 0 is required, so that a budget whose
  // pods are not there yet blocks evictions.
  s.disruptions_allowed = s.current_healthy - s.desired_healthy;
  if (s.expected_pods <= 0 || s.disruptions_allowed <= 0) s.disruptions_allowed = 0;
  return s;
}

void Cluster::build_pdbs(const scenario::Scenario& s) {
  for (const manifest::PodDisruptionBudget& m : s.manifests.pdbs) {
    pdbs_.push_back(PodDisruptionBudget{
        m.meta.name, m.meta.namespace_, m.min_available, m.max_unavailable, m.selector, {}});
  }
}

// getExpectedScale finds each selected pod's controller and adds up their
// scales once each: a Deployment's spec.replicas for its ReplicaSet's pods
// (getPodDeployment), a StatefulSet's spec.replicas for its pods.
PdbStatus Cluster::pdb_status(PdbId pdb) const {
  const PodDisruptionBudget& b = pdbs_[index_of(pdb)];
  PdbCounts counts;
  std::set<std::pair<OwnerKind, std::uint32_t>> controllers;
  for (const PodId id : b.pods) {
    const Pod& p = pods_[index_of(id)];
    ++counts.selected;
    // countHealthyPods: a pod being deleted is not healthy, whatever its
    // Ready condition says.
    if (p.ready()) ++counts.healthy;
    if (p.owner_kind == OwnerKind::kStatefulSet) {
      if (controllers.emplace(p.owner_kind, static_cast<std::uint32_t>(p.stateful_set)).second) {
        counts.controller_scale += statefulsets_[index_of(p.stateful_set)].replicas;
      }
    } else if (p.owner_kind == OwnerKind::kDaemonSet) {
      // Upstream finds no scale for a DaemonSet's pod (it has no scale
      // subresource) and the sync fails where the expected scale is needed
      // (percentages, maxUnavailable); here the DaemonSet counts its pods.
      if (controllers.emplace(p.owner_kind, static_cast<std::uint32_t>(p.daemon_set)).second) {
        counts.controller_scale +=
            static_cast<std::int32_t>(daemonsets_[index_of(p.daemon_set)].pods.size());
      }
    } else {
      const DeploymentId d = replica_sets_[index_of(p.replica_set)].deployment;
      if (controllers.emplace(p.owner_kind, static_cast<std::uint32_t>(d)).second) {
        counts.controller_scale += deployments_[index_of(d)].replicas;
      }
    }
  }
  return ksim::cluster::pdb_status(b.min_available, b.max_unavailable, counts);
}

}  // namespace ksim::cluster
