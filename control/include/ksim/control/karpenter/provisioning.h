// Karpenter's provisioning decision for one batch of pending pods (upstream
// kubernetes-sigs/karpenter pkg/controllers/provisioning/provisioner.go
// Schedule / NewScheduler and scheduling/scheduler.go Solve, queue.go,
// existingnode.go, nodeclaim.go, nodeclaimtemplate.go), followed by the AWS
// provider's launch choice per new NodeClaim (launch.h). Pure: the batch, the
// cluster snapshot and the catalog come in; placements and NodeClaims with
// their reasons come out.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ksim/control/karpenter/launch.h"
#include "ksim/control/karpenter/requirements.h"
#include "ksim/control/karpenter/types.h"

namespace ksim::control::karpenter {

struct ProvisioningInput {
  /// Pods kube-scheduler marked Unschedulable, collected over a batch window
  /// (batcher.h). DaemonSet pods are skipped, as upstream IsProvisionable does.
  std::vector<PodView> pods;
  /// Nodes not marked for deletion, Karpenter-managed or not.
  std::vector<ExistingNode> nodes;
  std::vector<InFlightNodeClaim> in_flight;
  /// Ready NodePools (any order: they are ordered by weight here).
  std::vector<NodePool> node_pools;
  /// The cloud provider's catalog; each NodePool keeps the types its
  /// requirements allow.
  std::vector<InstanceType> instance_types;
  UnavailableOfferings unavailable;
  std::vector<DaemonSetView> daemonsets;
  /// --min-values-policy: false = Strict (default), true = BestEffort.
  bool min_values_best_effort = false;
};

enum class PlacementKind {
  kExistingNode,   // nominated to a node (initialized or not) that has room
  kInFlightClaim,  // nominated to a NodeClaim launched in an earlier round
  kNewNodeClaim,   // packed into a NodeClaim created by this decision
  kUnschedulable,  // fits nowhere: the pod stays Pending with `message`
};

struct PodPlacement {
  std::string pod;  // namespace/name
  PlacementKind kind = PlacementKind::kUnschedulable;
  std::string target;  // node, in-flight NodeClaim, or new NodeClaim name
  /// kUnschedulable: the FailedScheduling event text, "Failed to schedule pod,
  /// <error>"; otherwise one sentence naming the target.
  std::string message;
};

/// A NodeClaim this decision creates.
struct NewNodeClaim {
  std::string name;  // "<nodepool>-<n>", n counting from 1 in this decision
  std::string nodepool;
  std::vector<std::string> pods;  // namespace/name, in the order they were added
  /// Template requirements intersected with every pod's (hostname dropped).
  Requirements requirements;
  /// The instance types that still hold all its pods plus daemon overhead, in
  /// catalog order (upstream InstanceTypeOptions).
  std::vector<std::string> instance_types;
  Resources pod_requests;     // sum of its pods' requests
  Resources daemon_overhead;  // the smallest over the remaining types (FinalizeScheduling)
  LaunchChoice launch;
  /// "pods shop/a, shop/b unschedulable: new NodeClaim from NodePool default:
  /// m7g.large spot in ap-northeast-2c at $0.0321/h, cheapest of 14 fitting types"
  std::string message;
};

struct ProvisioningResult {
  /// One entry per provisionable pod, in the order the queue decided them.
  std::vector<PodPlacement> placements;
  std::vector<NewNodeClaim> new_claims;
  std::size_t unschedulable = 0;
  std::string summary;
};

/// Runs the scheduling simulation and the launch choice:
/// - NodePools ordered by weight, descending; equal weights by name descending
///   (upstream nodepool.OrderByWeight: "the NodePool with the name later in the
///   alphabet will come first"). A pool whose requirements leave no instance
///   type with an offering is skipped.
/// - Pods ordered by CPU request descending, then memory descending, then
///   creation time, then UID (queue.go byCPUAndMemoryDescending); a pod that
///   fails is pushed back and the loop stops when a full pass places nothing.
/// - Each pod, first its required terms as written, then relaxed one term at a
///   time, then tolerating PreferNoSchedule (preferences.go Relax), tries:
///   1. existing nodes and in-flight NodeClaims: initialized first, then by
///      name; the first that tolerates, matches and has room (allocatable −
///      requested − missing daemon overhead) wins;
///   2. NodeClaims created in this decision, fewest pods first;
///   3. a new NodeClaim from the first NodePool (in weight order) whose limits
///      leave an instance type and whose narrowed types can hold the pod.
/// - Limits: remaining = limits − capacity of the pool's nodes and in-flight
///   claims; exhausted "nodes" skips the pool; types whose capacity exceeds
///   what remains are dropped; a new NodeClaim subtracts the largest capacity
///   among its types (scheduler.go subtractMax).
/// - Then choose_offering per new NodeClaim.
ProvisioningResult provision(const ProvisioningInput& input);

/// upstream nodepool.OrderByWeight, as names.
std::vector<std::string> nodepool_order(const std::vector<NodePool>& pools);

/// upstream NewQueue's order, as namespace/name.
std::vector<std::string> pod_order(std::vector<PodView> pods);

/// The summed requests of the DaemonSets whose pods could run on a node of
/// `pool` with type `it` (scheduler.go isDaemonPodCompatible: the pool's
/// taints tolerated, PreferNoSchedule always; the pool's requirements
/// compatible and the type's intersecting, trying each required term).
Resources daemon_overhead(const NodePool& pool, const InstanceType& it,
                          const std::vector<DaemonSetView>& daemonsets);

std::string_view placement_kind_name(PlacementKind k);

}  // namespace ksim::control::karpenter
