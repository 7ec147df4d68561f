// The cluster as Karpenter's state (upstream pkg/controllers/state Cluster)
// sees it, for provisioning and disruption: existing nodes and in-flight
// NodeClaims built from the cluster model.
#pragma once

#include <functional>
#include <vector>

#include "ksim/control/karpenter/types.h"
#include "ksim/sim/cluster/cluster.h"

namespace ksim::karpenter {

/// The live node as an ExistingNode: labels, taints (startup and not-ready
/// ones left out), capacity, allocatable, the scheduler's requested, its
/// NodePool (karpenter.sh/nodepool, unset for a node-group node), times
/// (created = launched, initialized = Ready), ready, marked_for_deletion
/// (draining or cordoned), daemon_requested (the requests of the DaemonSet
/// pods on it). Pods are not filled (disruption does that).
control::karpenter::ExistingNode existing_node(const cluster::Cluster& c, cluster::NodeId node);

/// Sets what changes over a node's life in an ExistingNode that
/// existing_node built for the same node: requested, daemon_requested,
/// initialized, ready, initialized_us and marked_for_deletion. (Its name,
/// labels, taints, capacity, allocatable and creation time are the node's
/// for its life.)
void refresh_existing_node(const cluster::Cluster& c, cluster::NodeId node,
                           control::karpenter::ExistingNode& out);

/// Keeps `nodes` the ExistingNodes of the cluster's Ready nodes, in node id
/// order (`ids` holds their ids), from one call to the next: an entry of a
/// node no longer Ready is dropped, a node newly Ready is built whole
/// (existing_node), and every entry's changing part is refreshed
/// (refresh_existing_node). Then `visit(id, entry, fresh)` is called for
/// each entry and `not_ready(id)` for each live node that is not Ready, in
/// id order. Copying every node's labels at every decision was most of the
/// time of a 1,200-node run.
void refresh_ready_nodes(
    const cluster::Cluster& c, std::vector<control::karpenter::ExistingNode>& nodes,
    std::vector<cluster::NodeId>& ids,
    const std::function<void(cluster::NodeId, control::karpenter::ExistingNode&, bool)>& visit,
    const std::function<void(cluster::NodeId)>& not_ready);

/// A Karpenter node launched or registered but not yet Ready, as an
/// in-flight NodeClaim (its requested: what the scheduler placed on it but
/// DaemonSet pods, which the DaemonSet overhead of the claim counts).
control::karpenter::InFlightNodeClaim in_flight_claim(const cluster::Cluster& c,
                                                      cluster::NodeId node);

/// The pods a node autoscaler provisions for: Cluster::unschedulable_pods()
/// but DaemonSet pods (Karpenter pod.IsProvisionable: !IsOwnedByDaemonSet;
/// the Cluster Autoscaler's FilterOutDaemonSetPodListProcessor), in id order.
std::vector<cluster::PodId> provisionable_pods(const cluster::Cluster& c);

/// The DaemonSets as Karpenter's provisioner lists them (getDaemonSetPods:
/// a live pod of the DaemonSet, so with the daemon controller's automatic
/// tolerations, its required node affinity put back to the template's): the
/// requests summed over containers, nodeSelector, required node-affinity
/// terms and tolerations.
std::vector<control::karpenter::DaemonSetView> daemonset_views(const cluster::Cluster& c);

/// True for a node Karpenter launched (a NodePool's), not gone.
bool is_karpenter_node(const cluster::Node& n);

}  // namespace ksim::karpenter
