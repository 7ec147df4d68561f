// Value types of Karpenter's provisioning and disruption decisions (upstream
// kubernetes-sigs/karpenter pkg/apis/v1 NodePool, pkg/cloudprovider types.go
// InstanceType / Offering, pkg/controllers/state StateNode; AWS provider
// karpenter-provider-aws pkg/providers/instancetype). Reduced to what the
// decisions read. Units: CPU in millicores, memory in bytes, prices in US
// dollars per hour, durations in whole seconds (the API's granularity).
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/control/karpenter/requirements.h"
#include "ksim/control/scheduler/types.h"

namespace ksim::control::karpenter {

using scheduler::Taint;
using scheduler::TaintEffect;
using scheduler::Toleration;

/// A resource list reduced to cpu, memory and pod slots (upstream
/// corev1.ResourceList as Karpenter's resources.* helpers treat it; a pod
/// counts as one "pods"). Values may go negative in remaining-limit arithmetic.
struct Resources {
  std::int64_t cpu_milli = 0;
  std::int64_t memory_bytes = 0;
  std::int64_t pods = 0;

  Resources& operator+=(const Resources& o);
  Resources& operator-=(const Resources& o);
  friend Resources operator+(Resources a, const Resources& b) { return a += b; }
  friend Resources operator-(Resources a, const Resources& b) { return a -= b; }
  friend bool operator==(const Resources&, const Resources&) = default;
  /// upstream resources.Fits: every quantity of *this <= total's, and no
  /// quantity of total negative.
  [[nodiscard]] bool fits_in(const Resources& total) const;
  /// Component-wise max / min (resources.MaxResources / MinResources).
  static Resources max(const Resources& a, const Resources& b);
  static Resources min(const Resources& a, const Resources& b);
  /// Component-wise max(0, x).
  [[nodiscard]] Resources floored() const;
  /// upstream resources.String: {"cpu":"1100m","memory":"256Mi","pods":"2"}
  /// (zero entries omitted).
  [[nodiscard]] std::string describe() const;
};

enum class CapacityType { kOnDemand, kSpot, kReserved };
/// "on-demand", "spot", "reserved" (karpenter.sh/capacity-type values).
std::string_view capacity_type_name(CapacityType c);

/// One place an instance type can be bought (upstream cloudprovider.Offering).
struct Offering {
  std::string zone;
  CapacityType capacity_type = CapacityType::kOnDemand;
  double price_per_hour = 0.0;
  /// false when the cloud reports no capacity (or the caller's ICE cache does).
  bool available = true;
};

/// An offering the caller's insufficient-capacity cache holds (AWS provider
/// pkg/cache UnavailableOfferings, 3 min TTL kept by the caller).
struct OfferingKey {
  std::string instance_type;
  std::string zone;
  CapacityType capacity_type = CapacityType::kOnDemand;
  friend auto operator<=>(const OfferingKey&, const OfferingKey&) = default;
};
using UnavailableOfferings = std::set<OfferingKey>;

/// An instance type of the catalog (upstream cloudprovider.InstanceType).
/// `allocatable` is computed by the caller the EKS way (capacity minus
/// kube-reserved, system-reserved and the eviction threshold; fact sheet A.11).
struct InstanceType {
  std::string name;  // "m7g.large"
  Resources capacity;
  Resources allocatable;
  /// Per-type labels: kubernetes.io/arch, kubernetes.io/os,
  /// karpenter.k8s.aws/instance-{family,category,size,cpu,memory,generation,...}.
  /// node.kubernetes.io/instance-type is implied by `name`.
  Labels labels;
  std::vector<Offering> offerings;

  /// upstream InstanceType.Requirements: every label as "In [v]", the name as
  /// instance-type, and zone / capacity-type "In" the values of all offerings.
  [[nodiscard]] Requirements requirements() const;
};

/// spec.disruption.consolidationPolicy.
enum class ConsolidationPolicy { kWhenEmpty, kWhenEmptyOrUnderutilized, kBalanced };
/// A budget's reasons (empty = every reason).
enum class DisruptionReason { kUnderutilized, kEmpty, kDrifted };

/// spec.disruption.budgets[]: `nodes` as written ("10%" or "3"), an optional
/// cron schedule (UTC) with its duration; kept as data for the disruption logic.
struct Budget {
  std::string nodes = "10%";
  std::optional<std::string> schedule;
  std::optional<std::chrono::seconds> duration;
  std::vector<DisruptionReason> reasons;
};

/// spec.disruption (defaults as the v1 API).
struct DisruptionSpec {
  ConsolidationPolicy consolidation_policy = ConsolidationPolicy::kWhenEmptyOrUnderutilized;
  /// nullopt = "Never" (no consolidation, no emptiness).
  std::optional<std::chrono::seconds> consolidate_after = std::chrono::seconds{0};
  std::vector<Budget> budgets{Budget{}};
};

/// spec.limits: unset = unlimited.
struct NodePoolLimits {
  std::optional<std::int64_t> cpu_milli;
  std::optional<std::int64_t> memory_bytes;
  std::optional<std::int64_t> nodes;
};

/// A karpenter.sh/v1 NodePool (dynamic; static `replicas` pools are not modelled).
struct NodePool {
  std::string name;
  std::int32_t weight = 0;  // spec.weight, 0 when unset
  Labels labels;            // spec.template.metadata.labels
  std::vector<Requirement> requirements;
  std::vector<Taint> taints;
  /// Applied to new nodes but ignored by provisioning (a daemon removes them).
  std::vector<Taint> startup_taints;
  NodePoolLimits limits;
  DisruptionSpec disruption;
  /// spec.template.spec.expireAfter; nullopt = "Never". Default 720h.
  std::optional<std::chrono::seconds> expire_after = std::chrono::hours{720};
};

/// A pod Karpenter considers: pending (kube-scheduler marked it Unschedulable)
/// or, for the disruption logic, a pod to move. Requests are the pod's
/// effective requests (sum of containers, init/overhead folded in by the caller).
struct PodView {
  std::string namespace_ = "default";
  std::string name;
  std::string uid;               // tie-break of the queue order (defaults to ns/name)
  std::int64_t creation_us = 0;  // metadata.creationTimestamp, µs (queue tie-break)
  std::int64_t cpu_milli = 0;
  std::int64_t memory_bytes = 0;
  Labels node_selector;  // spec.nodeSelector
  /// spec.affinity.nodeAffinity.required...nodeSelectorTerms, ORed; empty =
  /// none. Karpenter uses the first term and relaxes to the next on failure.
  std::vector<std::vector<Requirement>> required_terms;
  std::vector<Toleration> tolerations;
  bool daemonset = false;  // owned by a DaemonSet (never provisioned for)

  // --- read by the disruption logic (disruption.h); provisioning ignores them.
  /// "ReplicaSet/api-7d9c" or empty; carried into reasons only.
  std::string owner;
  std::int32_t priority = 0;       // spec.priority (0 when unset)
  std::int64_t deletion_cost = 0;  // controller.kubernetes.io/pod-deletion-cost
  /// karpenter.sh/do-not-disrupt: "true" (or a duration not yet elapsed; the
  /// caller resolves the duration form against its clock).
  bool do_not_disrupt = false;
  /// Some PodDisruptionBudget forbids evicting this pod now (disruptionsAllowed
  /// 0 for a PDB selecting it, or it is selected by more than one PDB:
  /// upstream pkg/utils/pdb CanEvictPods), evaluated by the caller.
  bool pdb_blocked = false;
  /// Simulation only: the pod is bound and would be moved by a disruption
  /// (upstream !pod.IsPending and not on a deleting node). Such a pod may not
  /// land on a node `under_consolidate_after` (scheduler.go addToExistingNode).
  bool being_moved = false;

  [[nodiscard]] std::string key() const { return namespace_ + "/" + name; }
  [[nodiscard]] Resources requests() const { return {cpu_milli, memory_bytes, 1}; }
};

/// A DaemonSet's pod template, for the overhead every new node carries.
struct DaemonSetView {
  std::string namespace_ = "kube-system";
  std::string name;
  std::int64_t cpu_milli = 0;
  std::int64_t memory_bytes = 0;
  Labels node_selector;
  std::vector<std::vector<Requirement>> required_terms;
  std::vector<Toleration> tolerations;
};

/// A node in the cluster (upstream state.StateNode with a Node): a Karpenter
/// node, or not (managed node group, `nodepool` unset).
struct ExistingNode {
  std::string name;
  std::optional<std::string> nodepool;  // karpenter.sh/nodepool label
  Labels labels;
  /// The taints Karpenter sees (StateNode.Taints: for a node not yet
  /// initialized, startup taints and the ephemeral not-ready/unregistered ones
  /// already left out by the caller).
  std::vector<Taint> taints;
  Resources capacity;  // counts against its NodePool's limits
  Resources allocatable;
  Resources requested;         // sum of requests of pods bound or nominated to it
  Resources daemon_requested;  // the DaemonSet pods' part of `requested`
  bool initialized = true;

  // --- read by the disruption logic (disruption.h); provisioning reads only
  // `under_consolidate_after`.
  /// The pods bound to the node (DaemonSet pods flagged), for candidates'
  /// reschedulable pods, emptiness, PDB and do-not-disrupt checks.
  std::vector<PodView> pods;
  std::int64_t created_us = 0;                 // NodeClaim creationTimestamp, µs
  std::optional<std::int64_t> initialized_us;  // NodeClaim Initialized condition time
  /// NodeClaim status.lastPodEventTime (a non-daemon pod bound, went terminal or
  /// started terminating; upstream podevents controller, deduplicated 10 s).
  std::optional<std::int64_t> last_pod_event_us;
  bool ready = true;                 // Node Ready condition True
  bool marked_for_deletion = false;  // being disrupted / deleted already
  bool nominated = false;            // pods nominated to it in the last 20 s
  bool do_not_disrupt = false;       // node annotation karpenter.sh/do-not-disrupt=true
  /// The NodeClaim's spec.expireAfter (copied at creation); nullopt = Never.
  std::optional<std::chrono::seconds> expire_after = std::chrono::hours{720};
  /// Simulation only: the node's NodeClaim is still inside consolidateAfter,
  /// so pods `being_moved` cannot land on it (set by the disruption logic).
  bool under_consolidate_after = false;
};

/// A NodeClaim launched in an earlier round that has no initialized Node yet
/// (upstream: a StateNode with a NodeClaim, Initialized() false). `labels`
/// carries what the launch resolved (instance-type, zone, capacity-type, arch,
/// nodepool and the template labels).
struct InFlightNodeClaim {
  std::string name;
  std::string nodepool;
  Labels labels;
  std::vector<Taint> taints;  // template taints (startup taints excluded)
  Resources capacity;
  Resources allocatable;
  Resources requested;  // pods already nominated to it
};

}  // namespace ksim::control::karpenter
