// The kube-scheduler of the cluster model: a scheduling cycle per queued pod
// through control::scheduler::schedule_pod (upstream schedule_one.go), the
// binding after the scenario's scheduling latency, and the queue's moves on
// cluster events with the filter plugins' queueing hints (QueueingHints, on
// by default since 1.32).
#include <chrono>

#include "ksim/control/scheduler/filters.h"
#include "ksim/control/scheduler/resources.h"
#include "ksim/control/scheduler/schedule.h"
#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/kernel/check.h"

namespace ksim::cluster {
namespace sched = control::scheduler;
namespace {

std::uint8_t plugin_bit(std::string_view plugin) {
  if (plugin == sched::kNodeUnschedulable) return kPluginBitNodeUnschedulable;
  if (plugin == sched::kTaintToleration) return kPluginBitTaintToleration;
  if (plugin == sched::kNodeAffinity) return kPluginBitNodeAffinity;
  if (plugin == sched::kNodeResourcesFit) return kPluginBitNodeResourcesFit;
  return 0;
}

// The NodeAdd queueing hints of the plugins that rejected the pod: each
// answers Queue when its own filter passes on the new node (upstream
// isSchedulableAfterNodeChange of NodeResourcesFit, NodeAffinity,
// TaintToleration and NodeUnschedulable). Queue if any says so.
bool node_may_help(const sched::Pod& pod, const sched::Node& node, std::uint8_t plugins,
                   const sched::SchedulerConfig& config) {
  if ((plugins & kPluginBitNodeUnschedulable) && sched::filter_node_unschedulable(pod, node).ok()) {
    return true;
  }
  if ((plugins & kPluginBitTaintToleration) &&
      sched::filter_taint_toleration(pod, node, config).ok()) {
    return true;
  }
  if ((plugins & kPluginBitNodeAffinity) && sched::filter_node_affinity(pod, node).ok()) {
    return true;
  }
  return (plugins & kPluginBitNodeResourcesFit) && sched::filter_node_resources_fit(pod, node).ok();
}

}  // namespace

void Cluster::request_scheduling() {
  if (drain_pending_) return;
  drain_pending_ = true;
  sim_.schedule_in(Duration{0}, [this] { drain_queue(); });
}

// The scheduler's loop (scheduleOne per popped pod). A cycle takes no
// simulated time: pods are decided one after the other at the same instant,
// each seeing the ones assumed before it.
void Cluster::drain_queue() {
  drain_pending_ = false;
  for (;;) {
    const std::optional<PodId> pod = queue_.pop();
    if (!pod.has_value()) break;
    schedule_one(*pod);
  }
  arm_backoff_flush();
  arm_leftover_flush();
}

void Cluster::schedule_one(PodId pod) {
  const Pod& p = pods_[index_of(pod)];
  if (p.owner_kind == OwnerKind::kDaemonSet) {
    schedule_daemon_pod(pod);  // pinned to its node (daemon_set.cpp)
    return;
  }
  // A failed attempt depends only on the owner's template (the pod's name
  // enters no filter and no failure message), the scheduler's view and the
  // start index; a pod of the same owner tried while neither changed (the
  // pods of one shape retried together after a node event) fails the same
  // way, with the same message and the same next start index, so the last
  // failure is replayed instead of filtering every node again.
  const std::size_t owner = p.owner_kind == OwnerKind::kReplicaSet ? index_of(p.replica_set)
                            : p.owner_kind == OwnerKind::kStatefulSet
                                ? index_of(p.stateful_set)
                                : trace_rows_[static_cast<std::size_t>(p.ordinal)].shape;
  FailedAttempt& last = last_failure_;
  if (last.valid && last.generation == sched_generation_ && last.owner_kind == p.owner_kind &&
      last.owner == owner && last.start == next_start_index_) {
    next_start_index_ = last.next_start;
    fail_scheduling(pod, last.message, last.plugins);
    return;
  }
  sched::Pod sp = owner_of(p).scheduler_template;
  sp.name = p.name;
  const std::size_t start = next_start_index_;
  const sched::ScheduleDecision d = sched::schedule_pod(
      sp, sched_nodes_, options_.scheduler, next_start_index_, sched::RejectionDetail::kSummary);
  next_start_index_ = d.next_start_index;
  if (!d.schedulable()) {
    std::uint8_t plugins = 0;
    for (const std::string_view plugin : d.rejecting_plugins) plugins |= plugin_bit(plugin);
    // ErrNoNodesAvailable: any node that joins may help.
    if (d.reason == sched::DecisionReason::kNoNodes) plugins = 0xff;
    last = FailedAttempt{sched_generation_,
                         p.owner_kind,
                         owner,
                         start,
                         next_start_index_,
                         d.reason == sched::DecisionReason::kNoNodes ? d.message : d.event_message,
                         plugins,
                         true};
    fail_scheduling(pod, last.message, plugins);
    return;
  }
  // selectHost: uniformly among the best totals.
  std::size_t pick = 0;
  if (d.best_nodes.size() > 1) pick = scheduler_rng_.below(d.best_nodes.size());
  const std::string& chosen = d.best_nodes[pick];
  for (std::size_t i = 0; i < sched_nodes_.size(); ++i) {
    if (sched_nodes_[i].name == chosen) {
      assume(pod, sched_ids_[i]);
      return;
    }
  }
  KSIM_CHECK(false, "scheduler: the chosen node is not in the cache");
}

// The scheduler assumes the pod on the node (its cache counts it from now on)
// and binds asynchronously; the binding lands after the scheduling latency.
void Cluster::assume(PodId pod, NodeId node) {
  Pod& p = pods_[index_of(pod)];
  const PodOwner& rs = owner_of(p);
  queue_.done(pod);
  p.node = node;
  p.stage = PodStage::kBinding;
  p.unschedulable_message.clear();
  p.unschedulable_plugins = 0;
  clear_unschedulable(pod);
  sched::Node& view = view_of(node);
  view.pods.push_back(sched::PlacedPod{p.name, p.namespace_, rs.scheduler_template.labels,
                                       rs.scheduler_template.containers, false});
  const sched::Resource r = sched::requests(rs.scheduler_template.containers);
  view.pods_requested->first += r.milli_cpu;
  view.pods_requested->second += r.memory;
  node_state_[index_of(node)].pods.push_back(pod);
  const Duration latency = timings_.scheduling_ms.sample_duration(p.rng);
  p.next = sim_.schedule_in(latency, [this, pod] { bind(pod); });
}

void Cluster::bind(PodId pod) {
  Pod& p = pods_[index_of(pod)];
  const Node& n = nodes_[index_of(p.node)];
  p.bound = true;
  p.stage = PodStage::kStarting;
  // The pod sandbox gets its address from the node's zone: a stand-in for the
  // VPC CNI's secondary IPs, 10.(100+z).x.y in the zone's order of binding.
  const std::uint32_t subnet =
      n.zone == kNoZone ? 0 : static_cast<std::uint32_t>(index_of(n.zone)) + 1;
  std::uint32_t& last = n.zone == kNoZone ? unzoned_pod_ips_ : zone_pod_ips_[index_of(n.zone)];
  KSIM_CHECK(last < 0xfffe && subnet < 156, "cluster: too many pods for the address plan");
  p.ip = (10u << 24) | ((100 + subnet) << 16) | ++last;
  // upstream: "Successfully assigned %v/%v to %v".
  log_pod(pod, EventReason::kScheduled,
          "Successfully assigned " + p.namespace_ + "/" + p.name + " to " + n.name);
  start_next_container(pod);
}

// handleSchedulingFailure: PodScheduled=False (reason Unschedulable) with the
// FitError and PostFilter text, a FailedScheduling event, back to the queue.
// The condition's lastTransitionTime only moves when its status changes, so
// a pod failing again keeps its first time.
void Cluster::fail_scheduling(PodId pod, const std::string& message, std::uint8_t plugins) {
  Pod& p = pods_[index_of(pod)];
  queue_.failed(pod, sim_.now());
  p.unschedulable_message = message;
  p.unschedulable_plugins = plugins;
  const bool first = unschedulable_.insert(pod).second;
  if (first) p.unschedulable_since = sim_.now();
  log_pod(pod, EventReason::kFailedScheduling, message);
  if (first) notify([pod](ClusterObserver& o) { o.on_pod_unschedulable(pod); });
}

void Cluster::clear_unschedulable(PodId pod) { unschedulable_.erase(pod); }

void Cluster::forget_assumed(PodId pod) {
  const Pod& p = pods_[index_of(pod)];
  if (p.node == kNoNode) return;
  if (const sched::Node* view = scheduler_node(p.node); view != nullptr) {
    sched::Node& v = view_of(p.node);
    std::erase_if(v.pods, [&p, &v](const sched::PlacedPod& q) {
      if (q.name != p.name) return false;
      const sched::Resource r = sched::requests(q.containers);
      v.pods_requested->first -= r.milli_cpu;
      v.pods_requested->second -= r.memory;
      return true;
    });
  }
  std::erase(node_state_[index_of(p.node)].pods, pod);
}

void Cluster::on_node_added(NodeId node) {
  const sched::Node& n = view_of(node);
  const std::vector<PodId> waiting(queue_.unschedulable().begin(), queue_.unschedulable().end());
  for (const PodId pod : waiting) {
    const Pod& p = pods_[index_of(pod)];
    const sched::Pod& sp = owner_of(p).scheduler_template;
    if (node_may_help(sp, n, p.unschedulable_plugins, options_.scheduler)) {
      queue_.activate(pod, sim_.now());
    }
  }
  if (queue_.has_work()) request_scheduling();
  arm_backoff_flush();
}

// AssignedPodDelete: NodeResourcesFit's hint queues pods it rejected (the
// deleted pod's requests are freed); no other filter plugin here watches pods.
void Cluster::on_assigned_pod_deleted() {
  const std::vector<PodId> waiting(queue_.unschedulable().begin(), queue_.unschedulable().end());
  for (const PodId pod : waiting) {
    if (pods_[index_of(pod)].unschedulable_plugins & kPluginBitNodeResourcesFit) {
      queue_.activate(pod, sim_.now());
    }
  }
  if (queue_.has_work()) request_scheduling();
  arm_backoff_flush();
}

// flushBackoffQCompleted runs every second; it is only scheduled when backoffQ
// has a pod, at the first tick that finds one done.
void Cluster::arm_backoff_flush() {
  const std::optional<Time> at = queue_.next_backoff_flush();
  if (!at) return;
  if (sim_.is_pending(backoff_flush_)) {
    if (backoff_flush_at_ <= *at) return;
    sim_.cancel(backoff_flush_);
  }
  backoff_flush_at_ = *at;
  backoff_flush_ = sim_.schedule_at(*at, [this] {
    if (queue_.flush_backoff_completed(sim_.now()) > 0) request_scheduling();
    arm_backoff_flush();
  });
}

// flushUnschedulablePodsLeftover runs every 30 s from the scheduler's start;
// the timer only runs while some pod is unschedulable.
void Cluster::arm_leftover_flush() {
  if (queue_.unschedulable().empty() || sim_.is_pending(leftover_flush_)) return;
  leftover_flush_ =
      sim_.schedule_periodic(SchedulingQueue::kUnschedulableFlushPeriod, Duration{0}, [this] {
        if (queue_.flush_unschedulable_leftover(sim_.now()) > 0) request_scheduling();
        if (queue_.unschedulable().empty()) sim_.cancel(leftover_flush_);
      });
}

}  // namespace ksim::cluster
