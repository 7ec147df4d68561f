// The DisruptionInput of now, kept from pass to pass: what the disruption
// controller reads (upstream GetCandidates over the state cluster's nodes,
// with the podevents controller's lastPodEventTime on each NodeClaim).
#include <algorithm>
#include <utility>

#include "ksim/sim/karpenter/controller.h"
#include "ksim/sim/karpenter/convert.h"
#include "ksim/sim/karpenter/snapshot.h"

namespace ksim::karpenter {

namespace k = control::karpenter;

k::DisruptionInput KarpenterController::disruption_input() { return refresh_disruption_input(); }

bool KarpenterController::pdb_blocked(cluster::PodId pod) const {
  const cluster::PodOwner& owner = cluster_.pod_owner(pod);
  return owner.pdbs.size() > 1 ||
         (owner.pdbs.size() == 1 && cluster_.disruptions_allowed(owner.pdbs[0]) <= 0);
}

k::PodView KarpenterController::disruption_pod_view(cluster::PodId pid) const {
  const cluster::Pod& p = cluster_.pod(pid);
  k::PodView v = pod_view(cluster_, pid);
  const cluster::PodOwner& owner = cluster_.pod_owner(pid);
  if (p.owner_kind != cluster::OwnerKind::kNone) {
    v.owner = (p.owner_kind == cluster::OwnerKind::kReplicaSet  ? "ReplicaSet/"
               : p.owner_kind == cluster::OwnerKind::kDaemonSet ? "DaemonSet/"
                                                                : "StatefulSet/") +
              owner.name;
  }
  // karpenter.sh/do-not-disrupt: "true" (the duration form is not modelled).
  // The owner's pod template annotations do not change during a run.
  const auto dnd = owner.pod_annotations.find("karpenter.sh/do-not-disrupt");
  v.do_not_disrupt = dnd != owner.pod_annotations.end() && dnd->second == "true";
  v.pdb_blocked = pdb_blocked(pid);
  return v;
}

// upstream podevents controller, as the model sees it at a refresh: a
// non-daemon pod bound since the last refresh (up to a pass late), a pod
// terminating (its deletionTimestamp), and a bare pod that left the node by
// completing (it went terminal, at that time). Pods deleted outright are
// noted at once by on_pod_gone.
void KarpenterController::note_pod_events(cluster::NodeId id) {
  NodeTrack& t = track(id);
  const Time now = sim_.now();
  const auto later = [&t](Time at) {
    if (!t.last_pod_event || *t.last_pod_event < at) t.last_pod_event = at;
  };
  const std::vector<cluster::PodId>& pods = cluster_.node_pods(id);
  scratch_pods_.assign(pods.begin(), pods.end());
  std::sort(scratch_pods_.begin(), scratch_pods_.end());
  for (const cluster::PodId pid : pods) {
    const cluster::Pod& p = cluster_.pod(pid);
    if (p.owner_kind == cluster::OwnerKind::kDaemonSet) continue;
    if (!std::binary_search(t.seen.begin(), t.seen.end(), pid)) later(now);
    if (!p.active()) later(p.deleted);
  }
  for (const cluster::PodId pid : t.seen) {
    if (std::binary_search(scratch_pods_.begin(), scratch_pods_.end(), pid)) continue;
    const cluster::Pod& p = cluster_.pod(pid);
    if (p.phase == cluster::PodPhase::kSucceeded) later(p.deleted);
  }
  t.seen.swap(scratch_pods_);
}

void KarpenterController::refresh_input_node(cluster::NodeId id, k::ExistingNode& e) {
  note_pod_events(id);
  NodeTrack& t = track(id);
  e.last_pod_event_us.reset();
  if (t.last_pod_event) e.last_pod_event_us = to_us(*t.last_pod_event);
  for (const Execution& x : executions_) {
    if (std::find(x.candidates.begin(), x.candidates.end(), id) != x.candidates.end()) {
      e.marked_for_deletion = true;
    }
  }
  // The active pods, in the node's order: a view already in the input is
  // kept (its PDB verdict renewed), a new one built.
  std::vector<cluster::PodId> active;
  active.reserve(t.input_pods.size() + 1);
  for (const cluster::PodId pid : cluster_.node_pods(id)) {
    if (cluster_.pod(pid).active()) active.push_back(pid);
  }
  if (active == t.input_pods) {
    for (std::size_t i = 0; i < active.size(); ++i) e.pods[i].pdb_blocked = pdb_blocked(active[i]);
    return;
  }
  std::vector<k::PodView> views;
  views.reserve(active.size());
  for (const cluster::PodId pid : active) {
    const auto old = std::find(t.input_pods.begin(), t.input_pods.end(), pid);
    if (old == t.input_pods.end()) {
      views.push_back(disruption_pod_view(pid));
      continue;
    }
    views.push_back(std::move(e.pods[static_cast<std::size_t>(old - t.input_pods.begin())]));
    views.back().pdb_blocked = pdb_blocked(pid);
  }
  e.pods = std::move(views);
  t.input_pods = std::move(active);
}

k::DisruptionInput& KarpenterController::refresh_disruption_input() {
  k::DisruptionInput& in = input_;
  in.now_us = to_us(sim_.now());
  if (in.node_pools.empty()) {
    in.node_pools = pools_;  // neither changes during a run
    in.instance_types = types_;
  }
  in.unavailable = unavailable_offerings();
  in.options = options_.disruption_options;
  in.resume_after.reset();
  in.pending_pods.clear();
  for (const cluster::PodId id : provisionable_pods(cluster_)) {
    in.pending_pods.push_back(pod_view(cluster_, id));
  }
  in.daemonsets = daemonset_views(cluster_);
  in.in_flight.clear();
  refresh_ready_nodes(
      cluster_, in.nodes, input_ids_,
      [this](cluster::NodeId id, k::ExistingNode& e, bool fresh) {
        if (fresh) {
          track(id).input_pods.clear();  // a node Ready again: its views are rebuilt
          if (e.nodepool) {
            if (const k::NodePool* p = pool_named(*e.nodepool)) e.expire_after = p->expire_after;
          }
        }
        refresh_input_node(id, e);
      },
      [this, &in](cluster::NodeId id) {
        const cluster::Node& n = cluster_.node(id);
        if (is_karpenter_node(n) && !n.draining) {
          in.in_flight.push_back(in_flight_claim(cluster_, id));
        }
      });
  return in;
}

}  // namespace ksim::karpenter
