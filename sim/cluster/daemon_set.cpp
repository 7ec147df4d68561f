// DaemonSets and the daemon controller (upstream pkg/controller/daemon).
//
// Upstream behaviour reproduced:
//   which nodes   daemon_controller.go NodeShouldRunDaemonPod / predicates:
//                 the pod NewPod makes (the template plus the automatic
//                 tolerations) must match the node (RequiredNodeAffinity:
//                 nodeSelector and required node affinity) and tolerate its
//                 NoSchedule and NoExecute taints (FindMatchingUntoleratedTaint)
//   tolerations   util/daemonset_util.go AddOrUpdateDaemonPodTolerations:
//                 node.kubernetes.io/not-ready and unreachable NoExecute,
//                 disk-pressure, memory-pressure, pid-pressure and
//                 unschedulable NoSchedule, all Exists (network-unavailable
//                 is added for hostNetwork pods only; not modelled). So a
//                 daemon pod runs on a cordoned node, and on a node that has
//                 just registered (not-ready NoSchedule) only when its own
//                 tolerations say so; otherwise it comes when the node turns
//                 Ready, which is when the controller sees the taint go
//   scheduling    the default scheduler places it (ScheduleDaemonSetPods,
//                 GA in 1.17): the controller replaces the pod's required
//                 node affinity by one term, matchFields metadata.name In
//                 [node] (util.ReplaceDaemonSetPodNodeNameNodeAffinity), and
//                 NodeAffinity's PreFilter narrows the cycle to that node;
//                 the model runs the filters and scores over that node alone
//   names         generateName "<daemonset>-" + 5 random characters; labels
//                 the template's plus controller-revision-hash and
//                 pod-template-generation ("1": templates never change here)
//   events        "SuccessfulCreate" "Created pod: %v" on the DaemonSet
//                 (controller.RealPodControl, as for ReplicaSets)
//   replacement   a daemon pod that is gone is replaced on its node if the
//                 node still should run it; a node's daemon pods die with it,
//                 and pending ones pinned to a deleted node are deleted
//                 (the controller deletes pods whose node no longer exists)
// Drains (drain.cpp) skip daemon pods as kubectl drain --ignore-daemonsets
// does; Karpenter's terminator evicts the ones that do not tolerate
// karpenter.sh/disrupted:NoSchedule last (terminator.go Evict: non-daemon
// pods first), and the controller does not bring them back because the node
// is tainted karpenter.sh/disrupted:NoSchedule while it drains.
// Not modelled: rolling updates (templates never change in a run),
// maxUnavailable / maxSurge, minReadySeconds, the controller's burst
// replicas and expectations, failed daemon pods, shouldContinueRunning
// (NoExecute taints added to a node after its pods started).
#include <algorithm>

#include "ksim/control/scheduler/schedule.h"
#include "ksim/control/scheduler/selectors.h"
#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/kernel/check.h"

namespace ksim::cluster {
namespace sched = control::scheduler;
namespace {

// AddOrUpdateDaemonPodTolerations; AddOrUpdateTolerationInPodSpec keeps an
// equal toleration once.
void add_daemon_tolerations(std::vector<sched::Toleration>& tolerations) {
  const auto add = [&tolerations](std::string key, sched::TaintEffect effect) {
    const bool present = std::any_of(
        tolerations.begin(), tolerations.end(), [&key, effect](const sched::Toleration& t) {
          return t.key == key && t.op == sched::TolerationOp::kExists && t.effect == effect;
        });
    if (!present) tolerations.push_back({std::move(key), sched::TolerationOp::kExists, "", effect});
  };
  add("node.kubernetes.io/not-ready", sched::TaintEffect::kNoExecute);
  add("node.kubernetes.io/unreachable", sched::TaintEffect::kNoExecute);
  add("node.kubernetes.io/disk-pressure", sched::TaintEffect::kNoSchedule);
  add("node.kubernetes.io/memory-pressure", sched::TaintEffect::kNoSchedule);
  add("node.kubernetes.io/pid-pressure", sched::TaintEffect::kNoSchedule);
  add("node.kubernetes.io/unschedulable", sched::TaintEffect::kNoSchedule);
}

// The taint Karpenter puts on a node it disrupts (v1.DisruptedNoScheduleTaint).
const sched::Taint kDisruptedTaint{"karpenter.sh/disrupted", "", sched::TaintEffect::kNoSchedule};

}  // namespace

void Cluster::build_daemonsets(const scenario::Scenario& s) {
  for (const manifest::DaemonSet& m : s.manifests.daemon_sets) {
    DaemonSet ds;
    ds.name = m.meta.name;
    ds.namespace_ = m.meta.namespace_;
    ds.pod_labels = m.template_.labels;
    ds.pod_labels["controller-revision-hash"] = controller_revision_hash(m);
    ds.pod_labels["pod-template-generation"] = "1";
    init_pod_owner(ds, m.template_, m.selector);
    add_daemon_tolerations(ds.scheduler_template.tolerations);
    ds.eligibility = ds.scheduler_template;
    // The node's own name replaces the required terms (see the header).
    ds.scheduler_template.required_terms.reset();
    ds.rng = streams_.stream("daemonset/" + ds.namespace_ + "/" + ds.name);
    daemonsets_.push_back(std::move(ds));
  }
  for (const NodeId node : sched_ids_) sync_daemon_sets(node);
}

std::optional<DaemonSetId> Cluster::find_daemonset(std::string_view ns,
                                                   std::string_view name) const {
  for (std::size_t i = 0; i < daemonsets_.size(); ++i) {
    if (daemonsets_[i].namespace_ == ns && daemonsets_[i].name == name) {
      return id_at<DaemonSetId>(i);
    }
  }
  return std::nullopt;
}

bool Cluster::should_run_daemon_pod(DaemonSetId set, NodeId node) const {
  const sched::Node* view = scheduler_node(node);
  if (view == nullptr) return false;
  const DaemonSet& ds = daemonsets_[index_of(set)];
  if (!sched::required_node_affinity_matches(ds.eligibility, view->labels)) return false;
  if (sched::first_untolerated_taint(view->taints, ds.eligibility.tolerations)) return false;
  const NodeState& st = node_state_[index_of(node)];
  const bool disrupted = nodes_[index_of(node)].draining && st.evict_daemon_set_pods;
  return !disrupted || sched::tolerations_tolerate(ds.eligibility.tolerations, kDisruptedTaint);
}

// The controller's sync of every DaemonSet for one node (its node informer's
// add and update handlers enqueue the DaemonSets that should run there).
void Cluster::sync_daemon_sets(NodeId node) {
  for (std::size_t i = 0; i < daemonsets_.size(); ++i) {
    sync_daemon_pod(id_at<DaemonSetId>(i), node);
  }
}

// syncNodes for one (DaemonSet, node): a pod is created where one should
// run and none exists. A pod no longer wanted stays (shouldContinueRunning
// is not modelled).
void Cluster::sync_daemon_pod(DaemonSetId set, NodeId node) {
  DaemonSet& ds = daemonsets_[index_of(set)];
  if (ds.by_node.size() <= index_of(node)) ds.by_node.resize(index_of(node) + 1, kNoPod);
  if (ds.by_node[index_of(node)] != kNoPod || !should_run_daemon_pod(set, node)) return;
  Pod p;
  do {
    p.name = ds.name + "-" + random_suffix(ds.rng);
  } while (pod_name_taken(ds.namespace_, p.name));
  p.replica_set = kNoReplicaSet;
  p.owner_kind = OwnerKind::kDaemonSet;
  p.daemon_set = set;
  p.daemon_node = node;
  const std::string name = p.name;
  ds.by_node[index_of(node)] = create_pod_object(ds, std::move(p));
  log(ObjectKind::kDaemonSet, ds.namespace_ + "/" + ds.name, EventReason::kSuccessfulCreate,
      "Created pod: " + name);
}

// The pod left the API: its node's slot frees, and the controller (hearing
// of it through its pod informer) replaces it at the same instant if the
// node still should run it. A node being deleted is gone by then.
void Cluster::daemon_pod_gone(PodId pod) {
  const Pod& p = pods_[index_of(pod)];
  DaemonSet& ds = daemonsets_[index_of(p.daemon_set)];
  std::erase(ds.pods, pod);
  PodId& slot = ds.by_node[index_of(p.daemon_node)];
  if (slot != pod) return;
  slot = kNoPod;
  const DaemonSetId set = p.daemon_set;
  const NodeId node = p.daemon_node;
  sim_.schedule_in(Duration{0}, [this, set, node] { sync_daemon_pod(set, node); });
}

// A scheduling cycle over the pod's own node only (see the header). While
// that node is not in the scheduler's cache the pod waits as unschedulable.
void Cluster::schedule_daemon_pod(PodId pod) {
  const Pod& p = pods_[index_of(pod)];
  sched::Pod sp = owner_of(p).scheduler_template;
  sp.name = p.name;
  const sched::Node* view = scheduler_node(p.daemon_node);
  std::vector<sched::Node> one;
  if (view != nullptr) one.push_back(*view);
  std::size_t start = 0;
  const sched::ScheduleDecision d = sched::schedule_pod(sp, one, options_.scheduler, start);
  if (d.schedulable()) {
    assume(pod, p.daemon_node);
    return;
  }
  fail_scheduling(pod, d.reason == sched::DecisionReason::kNoNodes ? d.message : d.event_message,
                  0xff);
}

// delete_node: pods pinned to the node that never got onto it are deleted
// (upstream: the controller deletes daemon pods of nodes that no longer
// exist; PodGC deletes unscheduled pods bound by affinity to them).
void Cluster::delete_pending_daemon_pods(NodeId node) {
  for (DaemonSet& ds : daemonsets_) {
    if (ds.by_node.size() <= index_of(node)) continue;
    const PodId pod = ds.by_node[index_of(node)];
    if (pod != kNoPod && pods_[index_of(pod)].stage == PodStage::kPending) delete_pod(pod);
  }
}

// Karpenter's IsWaitingEviction / IsDrainable: every pod but a daemon pod
// left by kubectl (--ignore-daemonsets) or tolerating
// karpenter.sh/disrupted:NoSchedule (ToleratesDisruptedNoScheduleTaint).
bool Cluster::drain_waits_for(NodeId node, PodId pod) const {
  const Pod& p = pods_[index_of(pod)];
  if (p.owner_kind != OwnerKind::kDaemonSet) return true;
  if (!node_state_[index_of(node)].evict_daemon_set_pods) return false;
  return !sched::tolerations_tolerate(owner_of(p).scheduler_template.tolerations, kDisruptedTaint);
}

// terminator.go EvictInOrder: daemon pods are evicted only once no other
// pod is left to evict (the non-daemon ones are gone or terminating).
bool Cluster::drain_may_evict(NodeId node, PodId pod) const {
  if (!drain_waits_for(node, pod)) return false;
  if (pods_[index_of(pod)].owner_kind != OwnerKind::kDaemonSet) return true;
  const std::vector<PodId>& on_node = node_state_[index_of(node)].pods;
  return std::none_of(on_node.begin(), on_node.end(), [this](PodId q) {
    const Pod& other = pods_[index_of(q)];
    return other.owner_kind != OwnerKind::kDaemonSet && other.active();
  });
}

}  // namespace ksim::cluster
