// Nodes that come and go: the address plan, launch_node's lifecycle
// (cluster-facts A.6: NodeClaim Launched -> Registered -> Initialized),
// cordon, the scheduler's view of the nodes, and the accessors a node
// autoscaler and a cost model read.
//
// Upstream behaviour reproduced:
//   registration  the kubelet creates the Node object NotReady; the node
//                 lifecycle controller records "RegisteredNode" and, while
//                 Ready is not True, taints it node.kubernetes.io/not-ready
//                 NoSchedule (TaintNodesByCondition), so no ordinary pod fits
//                 (the pods' default not-ready toleration is NoExecute only);
//                 Karpenter puts the NodeClaim's taints and startupTaints on it
//   Ready         the kubelet records "NodeReady"; the not-ready taint goes;
//                 Karpenter's Initialized needs Ready and every startup taint
//                 removed (lifecycle/initialization.go), which the model does
//                 at one instant (the agent removing startup taints is not
//                 modelled apart)
//   cordon        spec.unschedulable; the kubelet records NodeNotSchedulable /
//                 NodeSchedulable (recordNodeSchedulableEvent)
// Not modelled: Karpenter's karpenter.sh/unregistered NoExecute taint (the
// node is not in the scheduler's view before registration anyway), launch
// and registration timeouts (a node autoscaler decides them), NotReady after
// Ready.
#include <algorithm>

#include "ksim/control/scheduler/resources.h"
#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/kernel/check.h"

namespace ksim::cluster {
namespace sched = control::scheduler;
namespace {

constexpr std::uint32_t kNoSlot = UINT32_MAX;

sched::Taint view_taint(const scenario::Taint& t) {
  sched::Taint out{t.key, t.value, sched::TaintEffect::kNoSchedule};
  if (t.effect == manifest::TaintEffect::kPreferNoSchedule) {
    out.effect = sched::TaintEffect::kPreferNoSchedule;
  } else if (t.effect == manifest::TaintEffect::kNoExecute) {
    out.effect = sched::TaintEffect::kNoExecute;
  }
  return out;
}

// v1.TaintNodeNotReady as the node lifecycle controller sets it.
const sched::Taint kNotReadyTaint{"node.kubernetes.io/not-ready", "",
                                  sched::TaintEffect::kNoSchedule};

// The labels Karpenter and EKS put on a launched node, then the caller's, the
// implied ones winning (as scheduler_node does for a group's nodes).
sched::Labels launch_labels(const NodeLaunch& l, const std::string& name) {
  sched::Labels out(l.labels.begin(), l.labels.end());
  out[std::string(sched::kLabelHostname)] = name;
  out["kubernetes.io/os"] = "linux";
  out["kubernetes.io/arch"] = l.arch;
  if (!l.instance_type.empty()) out["node.kubernetes.io/instance-type"] = l.instance_type;
  if (!l.zone.empty()) out[std::string(sched::kLabelZone)] = l.zone;
  if (!l.node_pool.empty()) {
    out["karpenter.sh/nodepool"] = l.node_pool;
    out["karpenter.sh/capacity-type"] = std::string(capacity_type_label(l.capacity_type));
  }
  if (!l.node_group.empty()) {
    out["eks.amazonaws.com/nodegroup"] = l.node_group;
    out["eks.amazonaws.com/capacityType"] =
        l.capacity_type == CapacityType::kSpot ? "SPOT" : "ON_DEMAND";
  }
  return out;
}

}  // namespace

std::string_view capacity_type_label(CapacityType t) {
  return t == CapacityType::kSpot ? "spot" : "on-demand";
}

// Addresses are stand-ins for the VPC's: node k of the zone with index z is
// 10.0.(z+1).(10+k), named after it like EC2's private DNS ("ip-10-0-1-10");
// nodes without a zone use 10.0.0.x. Past 245 nodes of a zone the second
// octet counts blocks of 245 (10.1.(z+1).x, ...), below the pods' 10.100+.
Cluster::NodeAddress Cluster::allocate_address(const std::string& zone) {
  NodeAddress a;
  a.zone = zone.empty() ? kNoZone : zone_id(zone);
  const std::uint32_t subnet = zone.empty() ? 0 : static_cast<std::uint32_t>(index_of(a.zone)) + 1;
  std::int32_t& count = zone.empty() ? unzoned_nodes_ : zone_node_count_[index_of(a.zone)];
  const auto k = static_cast<std::uint32_t>(count++);
  const std::uint32_t block = k / 245;
  const std::uint32_t host = 10 + k % 245;
  KSIM_CHECK(block < 100 && subnet < 256, "cluster: too many nodes for the address plan");
  a.ip = (10u << 24) | (block << 16) | (subnet << 8) | host;
  a.name =
      "ip-10-" + std::to_string(block) + "-" + std::to_string(subnet) + "-" + std::to_string(host);
  return a;
}

NodeId Cluster::new_node(Node n) {
  const auto id = id_at<NodeId>(nodes_.size());
  nodes_.push_back(std::move(n));
  node_state_.emplace_back();
  return id;
}

void Cluster::register_node(NodeId node, sched::Node view) {
  NodeState& st = node_state_[index_of(node)];
  KSIM_CHECK(st.slot == kNoSlot, "cluster: node registered twice");
  st.slot = static_cast<std::uint32_t>(sched_nodes_.size());
  // The scheduler's cache keeps the node's requested sum as pods come and go
  // (assume, forget_assumed).
  KSIM_CHECK(view.pods.empty(), "cluster: a node registers without pods");
  view.pods_requested.emplace(0, 0);
  sched_nodes_.push_back(std::move(view));
  sched_ids_.push_back(node);
  ++sched_generation_;
}

void Cluster::unregister_node(NodeId node) {
  NodeState& st = node_state_[index_of(node)];
  if (st.slot == kNoSlot) return;
  const std::size_t slot = st.slot;
  sched_nodes_.erase(sched_nodes_.begin() + static_cast<std::ptrdiff_t>(slot));
  ++sched_generation_;
  sched_ids_.erase(sched_ids_.begin() + static_cast<std::ptrdiff_t>(slot));
  st.slot = kNoSlot;
  for (std::size_t i = slot; i < sched_ids_.size(); ++i) {
    node_state_[index_of(sched_ids_[i])].slot = static_cast<std::uint32_t>(i);
  }
}

sched::Node& Cluster::view_of(NodeId node) {
  const std::uint32_t slot = node_state_[index_of(node)].slot;
  KSIM_CHECK(slot != kNoSlot, "cluster: the node is not in the scheduler's view");
  ++sched_generation_;  // the caller may change the view
  return sched_nodes_[slot];
}

const sched::Node* Cluster::scheduler_node(NodeId node) const {
  const std::uint32_t slot = node_state_[index_of(node)].slot;
  return slot == kNoSlot ? nullptr : &sched_nodes_[slot];
}

NodeId Cluster::launch_node(const NodeLaunch& l) {
  KSIM_CHECK(l.registration_delay >= Duration{0} && l.initialization_delay >= Duration{0},
             "launch_node: negative delay");
  KSIM_CHECK(l.node_pool.empty() || l.node_group.empty(),
             "launch_node: a node of both a NodePool and a node group");
  NodeAddress a = allocate_address(l.zone);
  const std::string name = l.name.empty() ? a.name : l.name;
  KSIM_CHECK(std::none_of(
                 nodes_.begin(), nodes_.end(),
                 [&name](const Node& n) { return n.name == name && n.stage != NodeStage::kGone; }),
             "launch_node: a node of that name exists");
  Node n;
  n.name = name;
  n.group = l.node_group;
  n.node_pool = l.node_pool;
  n.zone = a.zone;
  n.ip = a.ip;
  n.labels = launch_labels(l, name);
  n.allocatable = l.allocatable;
  n.capacity = l.capacity;
  n.instance_type = l.instance_type;
  n.capacity_type = l.capacity_type;
  n.taints = l.taints;
  n.startup_taints = l.startup_taints;
  n.stage = NodeStage::kLaunched;
  n.launched = sim_.now();
  const NodeId id = new_node(std::move(n));
  std::string what = l.instance_type.empty() ? std::string("instance") : l.instance_type;
  what += std::string(" ") + std::string(capacity_type_label(l.capacity_type));
  if (!l.zone.empty()) what += " in " + l.zone;
  if (!l.node_pool.empty()) what += " for NodePool " + l.node_pool;
  if (!l.node_group.empty()) what += " for node group " + l.node_group;
  log_node(id, EventReason::kLaunched, "Launched " + what);
  NodeState& st = node_state_[index_of(id)];
  st.initialization_delay = l.initialization_delay;
  st.lifecycle = sim_.schedule_in(l.registration_delay, [this, id] { node_registered(id); });
  return id;
}

// The Node object appears NotReady: in the scheduler's view with the
// not-ready taint, its taints and its startup taints (NodeAdd hints run).
void Cluster::node_registered(NodeId node) {
  Node& n = nodes_[index_of(node)];
  n.stage = NodeStage::kRegistered;
  n.created = sim_.now();
  n.puller_free_at = sim_.now();
  sched::Node view;
  view.name = n.name;
  view.labels = n.labels;
  view.allocatable_cpu_milli = n.allocatable.cpu_milli;
  view.allocatable_memory_bytes = n.allocatable.memory_bytes;
  view.allocatable_pods = n.allocatable.pods;
  view.unschedulable = n.unschedulable;
  for (const scenario::Taint& t : n.taints) view.taints.push_back(view_taint(t));
  for (const scenario::Taint& t : n.startup_taints) view.taints.push_back(view_taint(t));
  view.taints.push_back(kNotReadyTaint);
  register_node(node, std::move(view));
  log_node(node, EventReason::kRegisteredNode, "Registered Node " + n.name + " in Controller");
  log_node(node, EventReason::kRegistered, "Node " + n.name + " registered: NotReady");
  if (n.unschedulable) {
    log_node(node, EventReason::kNodeNotSchedulable,
             "Node " + n.name + " status is now: NodeNotSchedulable");
  }
  NodeState& st = node_state_[index_of(node)];
  st.lifecycle =
      sim_.schedule_in(st.initialization_delay, [this, node] { node_initialized(node); });
  sync_daemon_sets(node);
  on_node_added(node);
}

// Ready: the not-ready and startup taints go; a NodeUpdate whose hints are
// the NodeAdd ones (TaintToleration queues pods the removed taints rejected).
void Cluster::node_initialized(NodeId node) {
  Node& n = nodes_[index_of(node)];
  n.stage = NodeStage::kReady;
  n.ready = true;
  n.ready_since = sim_.now();
  n.startup_taints.clear();
  sched::Node& view = view_of(node);
  view.taints.clear();
  for (const scenario::Taint& t : n.taints) view.taints.push_back(view_taint(t));
  log_node(node, EventReason::kNodeReady, "Node " + n.name + " status is now: NodeReady");
  log_node(node, EventReason::kInitialized,
           "Node " + n.name + " initialized: Ready, startup taints removed");
  sync_daemon_sets(node);
  on_node_added(node);
  notify([node](ClusterObserver& o) { o.on_node_ready(node); });
}

void Cluster::cordon(NodeId node) {
  Node& n = nodes_[index_of(node)];
  if (n.stage == NodeStage::kGone || n.unschedulable) return;
  n.unschedulable = true;
  if (n.stage == NodeStage::kLaunched) return;  // no Node object yet: set when it registers
  view_of(node).unschedulable = true;
  log_node(node, EventReason::kNodeNotSchedulable,
           "Node " + n.name + " status is now: NodeNotSchedulable");
}

void Cluster::uncordon(NodeId node) {
  Node& n = nodes_[index_of(node)];
  if (n.stage == NodeStage::kGone || !n.unschedulable) return;
  n.unschedulable = false;
  if (n.stage == NodeStage::kLaunched) return;
  view_of(node).unschedulable = false;
  log_node(node, EventReason::kNodeSchedulable,
           "Node " + n.name + " status is now: NodeSchedulable");
  on_node_added(node);  // NodeUnschedulable's hint: the node turned schedulable
}

std::vector<NodeId> Cluster::live_nodes() const {
  // One allocation of the right size: with a large, fragmented heap each
  // growth step of a vector this size costs a malloc_consolidate.
  std::size_t live = 0;
  for (const Node& n : nodes_) live += n.stage != NodeStage::kGone ? 1 : 0;
  std::vector<NodeId> out;
  out.reserve(live);
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].stage != NodeStage::kGone) out.push_back(id_at<NodeId>(i));
  }
  return out;
}

const std::vector<PodId>& Cluster::node_pods(NodeId node) const {
  return node_state_[index_of(node)].pods;
}

scenario::Resources Cluster::requested(NodeId node) const {
  const sched::Node* view = scheduler_node(node);
  if (view == nullptr) return {};
  const sched::Resource r = sched::node_requested(*view);
  return scenario::Resources{r.milli_cpu, r.memory, static_cast<std::int32_t>(view->pods.size())};
}

void Cluster::add_observer(ClusterObserver* observer) {
  KSIM_CHECK(observer != nullptr, "add_observer: null observer");
  observers_.push_back(observer);
}

void Cluster::remove_observer(ClusterObserver* observer) { std::erase(observers_, observer); }

}  // namespace ksim::cluster
