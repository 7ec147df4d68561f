// Node autoscaling of a scenario (`nodeAutoscaling:`): which node autoscaler
// runs (Karpenter from the manifests' NodePools, or the Cluster Autoscaler
// over the managed node groups' min/max), how long a new node takes to be
// Ready, the Cluster Autoscaler's flags; and the faults (`faults:`) the run
// injects into EC2: spot interruptions and insufficient capacity.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ksim/sim/kernel/time.h"
#include "ksim/sim/scenario/distribution.h"
#include "ksim/sim/scenario/instance_catalog.h"

namespace ksim::scenario {

enum class NodeAutoscalerKind {
  kAuto,               // Karpenter when the manifests hold a NodePool, else none
  kNone,               // node counts stay as they are
  kKarpenter,          // provisioning and disruption from the NodePools
  kClusterAutoscaler,  // the managed node groups between their min and max
};

/// "auto", "none", "karpenter", "cluster-autoscaler".
std::string_view node_autoscaler_name(NodeAutoscalerKind k);
/// The inverse of node_autoscaler_name (nullopt for another string).
std::optional<NodeAutoscalerKind> parse_node_autoscaler(std::string_view s);

struct NodeAutoscaling {
  NodeAutoscalerKind autoscaler = NodeAutoscalerKind::kAuto;
  /// A new node's launch -> the Node object exists (kubelet up, registered),
  /// ms, then registered -> Ready (Karpenter: Initialized), ms. Launch to
  /// Ready about 35-60 s with a tail (cluster-facts A.6), for Karpenter's
  /// NodeClaims and the Cluster Autoscaler's nodes alike.
  Distribution registration_ms =
      Distribution::create({.kind = DistributionKind::kLogNormal, .mean = 30'000, .sd = 8'000})
          .value();
  Distribution initialization_ms = Distribution::constant(10'000);
  /// Cluster Autoscaler flags (cluster-facts B; upstream FAQ defaults).
  Duration ca_scan_interval = std::chrono::seconds{10};  // --scan-interval
  double ca_scale_down_utilization_threshold = 0.5;      // --scale-down-utilization-threshold
  Duration ca_scale_down_unneeded_time = std::chrono::minutes{10};  // --scale-down-unneeded-time
  Duration ca_scale_down_delay_after_add =
      std::chrono::minutes{10};  // --scale-down-delay-after-add
};

enum class FaultKind {
  /// EC2 reclaims spot instances: a 2-minute interruption notice, then the
  /// instance is terminated.
  kSpotInterruption,
  /// EC2 has no capacity for matching offerings for a while: launches of
  /// them fail with InsufficientInstanceCapacity.
  kInsufficientCapacity,
  /// Instances launched while it lasts never join the cluster (a broken
  /// AMI, user data or network path): Karpenter deletes their NodeClaims
  /// after its registration timeout (15 min).
  kRegistrationFailure,
};

/// "spotInterruption", "insufficientCapacity", "registrationFailure".
std::string_view fault_name(FaultKind k);

/// One `faults[]` entry. Empty filters match anything.
struct Fault {
  FaultKind kind = FaultKind::kSpotInterruption;
  Duration at{};  // from the run's start
  /// kSpotInterruption: how many matching spot nodes (the longest-running
  /// first) get the notice.
  std::int32_t nodes = 1;
  /// kSpotInterruption: notice -> termination (AWS: 2 minutes).
  Duration notice = std::chrono::minutes{2};
  /// kInsufficientCapacity, kRegistrationFailure: how long launches fail.
  Duration duration = std::chrono::minutes{30};
  std::string node_pool;   // kSpotInterruption: the nodes' NodePool
  std::string node_group;  // kSpotInterruption: the nodes' managed node group
  std::string instance_type;
  std::string zone;
  /// kInsufficientCapacity: which purchase option lacks capacity (nullopt:
  /// both).
  std::optional<CapacityType> capacity_type;
  int line = 0;

  /// kInsufficientCapacity: whether a launch of this offering at `t` (from
  /// the run's start) fails.
  [[nodiscard]] bool denies(std::string_view type, std::string_view in_zone, CapacityType ct,
                            Duration t) const;
  /// kRegistrationFailure: whether an instance of `type` launched in
  /// `in_zone` at `t` never registers.
  [[nodiscard]] bool breaks(std::string_view type, std::string_view in_zone, Duration t) const;
};

}  // namespace ksim::scenario
