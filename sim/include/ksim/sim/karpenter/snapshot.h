// The cluster as Karpenter's state (upstream pkg/controllers/state Cluster)
// sees it, for provisioning and disruption: existing nodes and in-flight
// NodeClaims built from the cluster model.
#pragma once

#include <vector>

#include "ksim/control/karpenter/types.h"
#include "ksim/sim/cluster/cluster.h"

namespace ksim::karpenter {

/// The live node as an ExistingNode: labels, taints (startup and not-ready
/// ones left out), capacity, allocatable, the scheduler's requested, its
/// NodePool (karpenter.sh/nodepool, unset for a node-group node), times
/// (created = launched, initialized = Ready), ready, marked_for_deletion
/// (draining or cordoned). Pods are not filled (disruption does that).
control::karpenter::ExistingNode existing_node(const cluster::Cluster& c, cluster::NodeId node);

/// A Karpenter node launched or registered but not yet Ready, as an
/// in-flight NodeClaim (its requested: what the scheduler placed on it).
control::karpenter::InFlightNodeClaim in_flight_claim(const cluster::Cluster& c,
                                                      cluster::NodeId node);

/// True for a node Karpenter launched (a NodePool's), not gone.
bool is_karpenter_node(const cluster::Node& n);

}  // namespace ksim::karpenter
