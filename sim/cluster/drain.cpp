// The Eviction API, drain and node deletion (cluster-facts A.10, B, F.3).
//
// Upstream behaviour reproduced:
//   evict        pkg/registry/core/pod/storage/eviction.go: canIgnorePDB
//                (phase Pending, or being deleted) deletes without a check;
//                more than one PDB is an error; a pod that is not Ready
//                goes while its budget is otherwise met (unhealthyPod
//                EvictionPolicy IfHealthyBudget, the default); else
//                checkAndDecrement refuses at disruptionsAllowed 0 with 429
//                "Cannot evict pod as it would violate the pod's disruption
//                budget.". The budget is computed now from the pods' state,
//                and an accepted eviction makes its pod terminating at once,
//                which is what upstream's DisruptedPods bookkeeping achieves.
//   drain        k8s.io/kubectl/pkg/drain drain.go evictPods: every pod is
//                evicted at once; a 429 is retried after 5 s ("will retry
//                after 5s"). Karpenter's terminator (terminator.go,
//                eviction.go) evicts through the same API, records
//                "Evicted" and, on a 429, "FailedDraining"; with the
//                NodePool's terminationGracePeriod it deletes each pod left
//                at deadline - its terminationGracePeriodSeconds, granting
//                the time left ("Disrupted"), and the node at the deadline.
//                Karpenter retries evictions with the controller's
//                exponential backoff rather than kubectl's fixed 5 s; the
//                interval is DrainOptions::eviction_retry.
//                DaemonSet pods: kubectl drain --ignore-daemonsets leaves
//                them ("ignoring DaemonSet-managed Pods") and does not wait
//                for them; Karpenter v1's terminator does not drain pods
//                tolerating karpenter.sh/disrupted:NoSchedule
//                (podutil.IsDrainable, IsEvictable) and evicts the other
//                daemon pods after every non-daemon pod (Evict:
//                EvictInOrder(nonCriticalNonDaemon, nonCriticalDaemon, ...)),
//                waiting for them too (daemon_set.cpp).
//   delete_node  the instance is terminated: containers die with it and
//                PodGC force-deletes the pods bound to a node that no longer
//                exists; the node lifecycle controller records
//                "RemovingNode".
// Not modelled: the eviction order by priority class (non-critical first),
// VolumeAttachments, PodGC's 40 s quarantine before it deletes orphaned pods.
#include <algorithm>

#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/kernel/check.h"

namespace ksim::cluster {
namespace {

constexpr std::string_view kPdbViolation =
    "Cannot evict pod as it would violate the pod's disruption budget.";
constexpr std::string_view kMultiplePdbs =
    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not "
    "support.";

}  // namespace

std::optional<std::string> Cluster::evict(PodId pod) {
  const Pod& p = pods_[index_of(pod)];
  if (p.stage == PodStage::kGone) return "pods \"" + p.name + "\" not found";
  if (!p.active()) return std::nullopt;  // already being deleted: nothing more to do
  if (p.phase != PodPhase::kPending) {
    const std::vector<PdbId>& pdbs = owner_of(p).pdbs;
    if (pdbs.size() > 1) return std::string(kMultiplePdbs);
    if (pdbs.size() == 1) {
      const PdbStatus s = pdb_status(pdbs[0]);
      const bool unhealthy_goes =
          !p.ready() && s.current_healthy >= s.desired_healthy && s.desired_healthy > 0;
      if (!unhealthy_goes && s.disruptions_allowed <= 0) return std::string(kPdbViolation);
    }
  }
  log_pod(pod, EventReason::kEvicted, "Evicted pod");
  delete_pod(pod);
  return std::nullopt;
}

void Cluster::drain(NodeId node, DrainOptions options) {
  Node& n = nodes_[index_of(node)];
  if (n.stage == NodeStage::kGone) return;
  KSIM_CHECK(options.eviction_retry > Duration{0}, "drain: eviction_retry must be positive");
  cordon(node);
  n.draining = true;
  NodeState& st = node_state_[index_of(node)];
  st.delete_when_drained = options.delete_when_drained;
  st.evict_daemon_set_pods = options.evict_daemon_set_pods;
  st.eviction_retry = options.eviction_retry;
  sim_.cancel(st.drain_deadline);
  st.deadline.reset();
  if (options.termination_grace_period) {
    KSIM_CHECK(*options.termination_grace_period >= Duration{0},
               "drain: negative terminationGracePeriod");
    st.deadline = sim_.now() + *options.termination_grace_period;
    st.drain_deadline = sim_.schedule_at(*st.deadline, [this, node] { delete_node(node); });
  }
  drain_round(node);
}

// One pass over the node's pods the drain waits for, the DaemonSet pods
// last: the ones past their forced-deletion time are deleted, the others
// evicted (daemon pods once no other is left to evict); the next pass comes
// after the retry interval if any eviction was refused, or at the next
// forced deletion.
void Cluster::drain_round(NodeId node) {
  NodeState& st = node_state_[index_of(node)];
  sim_.cancel(st.drain_round);
  const Time now = sim_.now();
  std::optional<Time> next;
  const auto at = [&next](Time t) { next = next ? std::min(*next, t) : t; };
  std::vector<PodId> pods = st.pods;
  std::stable_partition(pods.begin(), pods.end(), [this](PodId pod) {
    return pods_[index_of(pod)].owner_kind != OwnerKind::kDaemonSet;
  });
  for (const PodId pod : pods) {
    const Pod& p = pods_[index_of(pod)];
    if (!p.active() || !drain_waits_for(node, pod)) continue;
    if (st.deadline) {
      const Duration grace = owner_of(p).grace;
      const Time force_at = *st.deadline - grace;
      if (now >= force_at) {
        const Duration left = *st.deadline - now;
        log_pod(pod, EventReason::kDisrupted,
                "Deleting the pod to accommodate the terminationTime " + format_time(*st.deadline) +
                    " of the node. The pod was granted " + format_duration(left) +
                    " of grace-period of its " + format_duration(grace) +
                    " terminationGracePeriodSeconds. This bypasses the PDB of the pod and the "
                    "do-not-disrupt annotation.");
        remove_pod(pod, left);
        if (nodes_[index_of(node)].stage == NodeStage::kGone) return;
        continue;
      }
      at(force_at);
    }
    if (!drain_may_evict(node, pod)) continue;  // a later round, once the others went
    const std::optional<std::string> refused = evict(pod);
    if (nodes_[index_of(node)].stage == NodeStage::kGone) return;
    if (!refused) continue;
    at(now + st.eviction_retry);
    if (st.refused.insert(pod).second) {
      const Pod& q = pods_[index_of(pod)];
      log_node(
          node, EventReason::kFailedDraining,
          "Failed to drain node, evicting pod " + q.namespace_ + "/" + q.name + ": " + *refused);
    }
  }
  if (next) st.drain_round = sim_.schedule_at(*next, [this, node] { drain_round(node); });
  check_drained(node);
}

void Cluster::check_drained(NodeId node) {
  if (node == kNoNode) return;
  const Node& n = nodes_[index_of(node)];
  if (!n.draining || n.stage == NodeStage::kGone) return;
  const std::vector<PodId>& pods = node_state_[index_of(node)].pods;
  if (std::any_of(pods.begin(), pods.end(),
                  [this, node](PodId pod) { return drain_waits_for(node, pod); })) {
    return;
  }
  finish_drain(node);
}

// Nothing is left on the node: the drain is over. The node goes now when
// asked to, else at the deadline if there is one, else when the caller says.
void Cluster::finish_drain(NodeId node) {
  Node& n = nodes_[index_of(node)];
  NodeState& st = node_state_[index_of(node)];
  n.draining = false;
  sim_.cancel(st.drain_round);
  st.refused.clear();
  if (st.delete_when_drained) delete_node(node);
}

// The pod dies with its instance: no grace, whatever was left of it.
void Cluster::force_gone(PodId pod) {
  Pod& p = pods_[index_of(pod)];
  if (p.active()) {
    const OwnerKind kind = p.owner_kind;
    const ReplicaSetId rsid = p.replica_set;
    std::erase(owner_of(p).pods, pod);
    if (p.ready()) {
      remove_endpoints(pod);
      propagate(pod, false);
    }
    p.stage = PodStage::kTerminating;
    p.deleted = sim_.now();
    sim_.cancel(p.next);
    pod_gone(pod, true);
    if (kind == OwnerKind::kReplicaSet) sync_replica_set(rsid);
    return;
  }
  sim_.cancel(p.next);
  pod_gone(pod, true);
}

void Cluster::delete_node(NodeId node) {
  Node& n = nodes_[index_of(node)];
  if (n.stage == NodeStage::kGone) return;
  NodeState& st = node_state_[index_of(node)];
  sim_.cancel(st.lifecycle);
  sim_.cancel(st.drain_round);
  sim_.cancel(st.drain_deadline);
  n.draining = false;
  const std::vector<PodId> pods = st.pods;
  bool requeued = false;
  for (const PodId pod : pods) {
    Pod& p = pods_[index_of(pod)];
    if (p.stage == PodStage::kBinding) {
      // The binding to a node that no longer exists fails: the scheduler
      // forgets the pod and queues it again.
      sim_.cancel(p.next);
      forget_assumed(pod);
      p.node = kNoNode;
      p.stage = PodStage::kPending;
      queue_.add(pod, sim_.now());
      requeued = true;
      continue;
    }
    force_gone(pod);
  }
  delete_pending_daemon_pods(node);
  const bool registered = n.stage != NodeStage::kLaunched;
  n.stage = NodeStage::kGone;
  n.ready = false;
  n.deleted = sim_.now();
  st.refused.clear();
  st.deadline.reset();
  if (registered) {
    unregister_node(node);
    log_node(node, EventReason::kRemovingNode, "Removing Node " + n.name + " from Controller");
  }
  notify([node](ClusterObserver& o) { o.on_node_gone(node); });
  if (requeued) request_scheduling();
}

}  // namespace ksim::cluster
