// Karpenter's view of the cluster model's nodes.
#include "ksim/sim/karpenter/snapshot.h"

#include "ksim/sim/karpenter/convert.h"

namespace ksim::karpenter {

namespace k = control::karpenter;

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
  out.requested = to_control(c.requested(id));
  out.initialized = n.stage == cluster::NodeStage::kReady;
  out.ready = n.ready;
  out.created_us = to_us(n.launched);
  if (n.stage == cluster::NodeStage::kReady) out.initialized_us = to_us(n.ready_since);
  out.marked_for_deletion = n.draining || n.unschedulable;
  return out;
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
  out.requested = to_control(c.requested(id));
  return out;
}

}  // namespace ksim::karpenter
