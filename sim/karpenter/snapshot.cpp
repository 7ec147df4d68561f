// Karpenter's view of the cluster model's nodes.
#include "ksim/sim/karpenter/snapshot.h"

#include "ksim/sim/karpenter/convert.h"

namespace ksim::karpenter {

namespace k = control::karpenter;
namespace sched = control::scheduler;

namespace {

// The requests of the DaemonSet pods assumed or bound on the node (terminating
// ones included, as Cluster::requested counts them).
k::Resources daemon_requested(const cluster::Cluster& c, cluster::NodeId id) {
  k::Resources sum;
  for (const cluster::PodId pod : c.node_pods(id)) {
    if (c.pod(pod).owner_kind != cluster::OwnerKind::kDaemonSet) continue;
    sum += pod_requests(c, pod);
  }
  return sum;
}

}  // namespace

std::vector<cluster::PodId> provisionable_pods(const cluster::Cluster& c) {
  std::vector<cluster::PodId> out;
  for (const cluster::PodId id : c.unschedulable_pods()) {
    if (c.pod(id).owner_kind != cluster::OwnerKind::kDaemonSet) out.push_back(id);
  }
  return out;
}

std::vector<k::DaemonSetView> daemonset_views(const cluster::Cluster& c) {
  std::vector<k::DaemonSetView> out;
  for (const cluster::DaemonSet& ds : c.daemonsets()) {
    const sched::Pod& tpl = ds.eligibility;
    k::DaemonSetView v;
    v.namespace_ = ds.namespace_;
    v.name = ds.name;
    for (const sched::ContainerRequests& r : tpl.containers) {
      v.cpu_milli += r.cpu_milli.value_or(0);
      v.memory_bytes += r.memory_bytes.value_or(0);
    }
    v.node_selector = k::Labels(tpl.node_selector.begin(), tpl.node_selector.end());
    v.required_terms = required_terms(tpl);
    v.tolerations = tpl.tolerations;
    out.push_back(std::move(v));
  }
  return out;
}

bool is_karpenter_node(const cluster::Node& n) {
  return !n.node_pool.empty() && n.stage != cluster::NodeStage::kGone;
}

k::ExistingNode existing_node(const cluster::Cluster& c, cluster::NodeId id) {
  const cluster::Node& n = c.node(id);
  k::ExistingNode out;
  out.name = n.name;
  if (!n.node_pool.empty()) out.nodepool = n.node_pool;
  out.labels = k::Labels(n.labels.begin(), n.labels.end());
  // Node::taints are the node's for its life; startup and not-ready taints
  // are kept apart by the model, so nothing ephemeral is here.
  for (const scenario::Taint& t : n.taints) out.taints.push_back(to_control(t));
  out.capacity = to_control(n.capacity);
  out.allocatable = to_control(n.allocatable);
  out.created_us = to_us(n.launched);
  refresh_existing_node(c, id, out);
  return out;
}

void refresh_existing_node(const cluster::Cluster& c, cluster::NodeId id, k::ExistingNode& out) {
  const cluster::Node& n = c.node(id);
  out.requested = to_control(c.requested(id));
  out.daemon_requested = daemon_requested(c, id);
  out.initialized = n.stage == cluster::NodeStage::kReady;
  out.ready = n.ready;
  out.initialized_us.reset();
  if (n.stage == cluster::NodeStage::kReady) out.initialized_us = to_us(n.ready_since);
  out.marked_for_deletion = n.draining || n.unschedulable;
}

void refresh_ready_nodes(const cluster::Cluster& c, std::vector<k::ExistingNode>& nodes,
                         std::vector<cluster::NodeId>& ids,
                         const std::function<void(cluster::NodeId, k::ExistingNode&, bool)>& visit,
                         const std::function<void(cluster::NodeId)>& not_ready) {
  std::vector<k::ExistingNode> next;
  std::vector<cluster::NodeId> next_ids;
  next.reserve(nodes.size() + 8);
  next_ids.reserve(nodes.size() + 8);
  std::size_t j = 0;  // ids are never reused, so both lists ascend
  for (const cluster::NodeId id : c.live_nodes()) {
    if (c.node(id).stage != cluster::NodeStage::kReady) {
      not_ready(id);
      continue;
    }
    while (j < ids.size() && ids[j] < id) ++j;
    const bool fresh = j == ids.size() || ids[j] != id;
    if (fresh) {
      next.push_back(existing_node(c, id));
    } else {
      next.push_back(std::move(nodes[j++]));
      refresh_existing_node(c, id, next.back());
    }
    next_ids.push_back(id);
    visit(id, next.back(), fresh);
  }
  nodes = std::move(next);
  ids = std::move(next_ids);
}

k::InFlightNodeClaim in_flight_claim(const cluster::Cluster& c, cluster::NodeId id) {
  const cluster::Node& n = c.node(id);
  k::InFlightNodeClaim out;
  out.name = n.name;
  out.nodepool = n.node_pool;
  out.labels = k::Labels(n.labels.begin(), n.labels.end());
  for (const scenario::Taint& t : n.taints) out.taints.push_back(to_control(t));
  out.capacity = to_control(n.capacity);
  out.allocatable = to_control(n.allocatable);
  out.requested = (to_control(c.requested(id)) - daemon_requested(c, id)).floored();
  return out;
}

}  // namespace ksim::karpenter
