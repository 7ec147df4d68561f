// Cluster Autoscaler's scan loop over the cluster model.
#include "ksim/sim/karpenter/cluster_autoscaler.h"

#include <algorithm>
#include <utility>

#include "ksim/control/scheduler/selectors.h"
#include "ksim/sim/karpenter/convert.h"
#include "ksim/sim/karpenter/snapshot.h"
#include "ksim/sim/kernel/check.h"

namespace ksim::karpenter {

namespace ca = control::cluster_autoscaler;

std::string_view ca_action_name(CaAction a) {
  return a == CaAction::kScaleUp ? "scale-up" : "scale-down";
}

ClusterAutoscalerController::ClusterAutoscalerController(Simulator& sim, cluster::Cluster& cluster,
                                                         const scenario::Scenario& scenario,
                                                         CaControllerOptions options)
    : sim_(sim),
      cluster_(cluster),
      options_(std::move(options)),
      launch_rng_(RandomStreams(scenario.seed).stream("cluster-autoscaler/launch")) {
  KSIM_CHECK(options_.scan_interval.count() > 0,
             "ClusterAutoscalerController: the scan interval must be positive");
  // The managed node groups (a `nodePool:` group's nodes are Karpenter's).
  for (const scenario::NodeGroup& g : scenario.node_groups) {
    if (g.node_pool.empty()) groups_.push_back(g);
  }
  // The group's nodes at the start took zones[i % size] for i < count.
  for (const scenario::NodeGroup& g : groups_)
    next_zone_.push_back(static_cast<std::size_t>(g.count));
  // The periodic event fires first at its own start (one interval from now).
  const Duration period = options_.scan_interval;
  timer_ = sim_.schedule_in(period, [this, period] {
    const Duration phase{to_us(sim_.now()) % period.count()};
    timer_ = sim_.schedule_periodic(period, phase, [this] { scan(); });
  });
}

ClusterAutoscalerController::~ClusterAutoscalerController() { sim_.cancel(timer_); }

namespace {

ca::PodView ca_pod(const cluster::Cluster& c, cluster::PodId id) {
  const control::karpenter::PodView v = pod_view(c, id);
  ca::PodView p;
  p.namespace_ = v.namespace_;
  p.name = v.name;
  p.cpu_milli = v.cpu_milli;
  p.memory_bytes = v.memory_bytes;
  p.node_selector = ca::Labels(v.node_selector.begin(), v.node_selector.end());
  p.tolerations = v.tolerations;
  p.daemonset = v.daemonset;
  const cluster::PodOwner& owner = c.pod_owner(id);
  p.not_movable = owner.pdbs.size() > 1 ||
                  (owner.pdbs.size() == 1 && c.disruptions_allowed(owner.pdbs[0]) <= 0);
  return p;
}

// The DaemonSet pods a new node of the group would run (upstream
// simulator.BuildNodeInfoForNode adds daemonset.GetDaemonSetPodsForNode of the
// template node: the daemon controller's predicate on the group's labels and
// taints, not-ready taints aside since the template is a Ready node).
void add_daemon_overhead(const cluster::Cluster& c, ca::NodeGroup& g) {
  namespace sched = control::scheduler;
  for (const cluster::DaemonSet& ds : c.daemonsets()) {
    if (!sched::required_node_affinity_matches(ds.eligibility, g.labels)) continue;
    if (sched::first_untolerated_taint(g.taints, ds.eligibility.tolerations)) continue;
    for (const sched::ContainerRequests& r : ds.eligibility.containers) {
      g.daemon_cpu_milli += r.cpu_milli.value_or(0);
      g.daemon_memory_bytes += r.memory_bytes.value_or(0);
    }
  }
}

}  // namespace

ca::CaInput ClusterAutoscalerController::input() const {
  ca::CaInput in;
  in.now_us = to_us(sim_.now());
  in.options = options_.ca;
  in.state = state_;
  const std::vector<cluster::NodeId> live = cluster_.live_nodes();
  for (const scenario::NodeGroup& g : groups_) {
    ca::NodeGroup out;
    out.name = g.name;
    out.min_size = g.min;
    out.max_size = g.max;
    out.target_size = static_cast<int>(std::count_if(live.begin(), live.end(), [&](auto id) {
      const cluster::Node& n = cluster_.node(id);
      return n.group == g.name && !n.draining;
    }));
    out.capacity_cpu_milli = g.capacity.cpu_milli;
    out.capacity_memory_bytes = g.capacity.memory_bytes;
    out.allocatable_cpu_milli = g.allocatable.cpu_milli;
    out.allocatable_memory_bytes = g.allocatable.memory_bytes;
    out.max_pods = g.allocatable.pods;
    out.labels = ca::Labels(g.labels.begin(), g.labels.end());
    out.labels["kubernetes.io/arch"] = g.arch;
    out.labels["kubernetes.io/os"] = "linux";
    if (!g.instance_type.empty()) out.labels["node.kubernetes.io/instance-type"] = g.instance_type;
    for (const scenario::Taint& t : g.taints) out.taints.push_back(to_control(t));
    add_daemon_overhead(cluster_, out);
    in.groups.push_back(std::move(out));
  }
  for (const cluster::NodeId id : live) {
    const cluster::Node& n = cluster_.node(id);
    // A group's node launched but not yet Ready is an upcoming node: upstream
    // injects it into the scale-up simulation as a template node, so the
    // pods it will take do not trigger a second scale-up. It is not a
    // scale-down candidate until it is Ready.
    const bool upcoming = n.stage != cluster::NodeStage::kReady;
    if (upcoming && n.group.empty()) continue;
    ca::NodeView v;
    v.name = n.name;
    if (!n.group.empty()) v.group = n.group;
    v.allocatable_cpu_milli = n.allocatable.cpu_milli;
    v.allocatable_memory_bytes = n.allocatable.memory_bytes;
    v.max_pods = n.allocatable.pods;
    v.labels = ca::Labels(n.labels.begin(), n.labels.end());
    for (const scenario::Taint& t : n.taints) v.taints.push_back(to_control(t));
    for (const cluster::PodId pid : cluster_.node_pods(id)) {
      if (cluster_.pod(pid).active()) v.pods.push_back(ca_pod(cluster_, pid));
    }
    v.ready = true;
    v.scale_down_disabled = upcoming;
    v.being_deleted = n.draining || n.unschedulable;
    in.nodes.push_back(std::move(v));
  }
  for (const cluster::PodId id : provisionable_pods(cluster_)) {
    in.unschedulable.push_back(ca_pod(cluster_, id));
  }
  return in;
}

void ClusterAutoscalerController::scan() {
  ++scans_;
  last_ = ca::autoscale(input());
  state_ = last_.next_state;
  if (last_.scale_up) scale_up(*last_.scale_up);
  for (const ca::ScaleDown& d : last_.scale_down) scale_down(d);
}

void ClusterAutoscalerController::scale_up(const ca::ScaleUp& up) {
  std::size_t gi = 0;
  while (gi < groups_.size() && groups_[gi].name != up.group) ++gi;
  KSIM_CHECK(gi < groups_.size(), "ClusterAutoscalerController: scale-up of an unknown group");
  const scenario::NodeGroup& g = groups_[gi];
  CaRecord r;
  r.at = sim_.now();
  r.action = CaAction::kScaleUp;
  r.group = g.name;
  r.delta = up.delta;
  r.pods = up.pods;
  r.message = up.message;
  for (int i = 0; i < up.delta; ++i) {
    cluster::NodeLaunch l;
    l.instance_type = g.instance_type;
    if (!g.zones.empty()) l.zone = g.zones[next_zone_[gi]++ % g.zones.size()];
    l.arch = g.arch;
    l.node_group = g.name;
    if (g.capacity_type == scenario::CapacityType::kSpot)
      l.capacity_type = cluster::CapacityType::kSpot;
    l.labels = g.labels;
    l.taints = g.taints;
    l.capacity = g.capacity;
    l.allocatable = g.allocatable;
    l.registration_delay = options_.registration.sample_duration(launch_rng_);
    l.initialization_delay = options_.initialization.sample_duration(launch_rng_);
    r.nodes.push_back(cluster_.node(cluster_.launch_node(l)).name);
  }
  if (options_.on_action) options_.on_action(r);
}

void ClusterAutoscalerController::scale_down(const ca::ScaleDown& down) {
  for (const cluster::NodeId id : cluster_.live_nodes()) {
    if (cluster_.node(id).name != down.node) continue;
    cluster::DrainOptions o;
    o.delete_when_drained = true;
    cluster_.drain(id, o);
    CaRecord r;
    r.at = sim_.now();
    r.action = CaAction::kScaleDown;
    r.group = down.group;
    r.delta = -1;
    r.nodes = {down.node};
    r.utilization = down.utilization;
    r.message = down.message;
    if (options_.on_action) options_.on_action(r);
    return;
  }
}

}  // namespace ksim::karpenter
