// One pass of Karpenter's disruption controller (upstream kubernetes-sigs/karpenter
// pkg/controllers/disruption: controller.go Reconcile / NewMethods, helpers.go
// GetCandidates / BuildDisruptionBudgetMapping / SimulateScheduling,
// emptiness.go, multinodeconsolidation.go, singlenodeconsolidation.go,
// consolidation.go computeConsolidation, validation.go; pkg/utils/disruption
// EvictionCost / LifetimeRemaining). Pure: the caller runs `disrupt` every
// 10 s (pollingPeriod), holds a returned command for 15 s
// (commandValidationDelay, "consolidationTTL" upstream), then calls
// `validate` with the cluster as it is then and executes the command only if
// it is still valid (taint candidates, launch replacements, wait for them to
// initialize, then delete the candidates: orchestration/queue.go).
//
// Methods, in upstream v1.8+ order (NewMethods): Emptiness, StaticDrift, Drift,
// MultiNodeConsolidation, SingleNodeConsolidation; the first method that
// yields a command ends the pass. ksim models Emptiness and the two
// consolidations; drift (needs NodeClaim hashes) and static pools are not
// modelled; expiration is not a disruption method in v1 (a separate forceful
// controller), see `expired_nodes`.
//
// Where ../shared/reference/cluster-facts.md A.8/A.9 is imprecise (checked
// against the upstream files above): the multi-node cap is "100" but
// firstNConsolidationOption's bound lets the prefix reach 101 nodes when more
// than 100 are disruptable (kept here); a single-node command that fails
// validation ends the method (the next candidate is not tried); any
// misconfigured budget zeroes the whole pool for every reason
// (MustGetAllowedDisruptions), not just its own; WorstLaunchPrice prefers
// reserved, then spot, then on-demand; the newest singlenodeconsolidation.go
// sorts by instance price descending (not by SavingsRatio) — ksim keeps the
// v1.0-v1.13 ascending disruption cost for both consolidations.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/control/karpenter/budgets.h"
#include "ksim/control/karpenter/provisioning.h"
#include "ksim/control/karpenter/types.h"

namespace ksim::control::karpenter {

inline constexpr std::chrono::seconds kDisruptionPollingPeriod{10};  // controller.go pollingPeriod
inline constexpr std::chrono::seconds kCommandValidationDelay{15};   // consolidation.go
inline constexpr std::size_t kMultiNodeMaxCandidates = 100;          // multinodeconsolidation.go
/// consolidation.go MinInstanceTypesForSpotToSpotConsolidation.
inline constexpr std::size_t kMinSpotToSpotInstanceTypes = 15;

enum class DisruptionMethod { kEmptiness, kMultiNodeConsolidation, kSingleNodeConsolidation };
/// "emptiness", "multi-node consolidation", "single-node consolidation".
std::string_view disruption_method_name(DisruptionMethod m);

struct DisruptionOptions {
  /// Feature gate SpotToSpotConsolidation (default false).
  bool spot_to_spot_consolidation = false;
  bool min_values_best_effort = false;  // --min-values-policy BestEffort
};

struct DisruptionInput {
  std::int64_t now_us = 0;
  std::vector<NodePool> node_pools;
  /// Every node, Karpenter-managed or not, with its pods and NodeClaim times;
  /// nodes already being disrupted carry `marked_for_deletion`.
  std::vector<ExistingNode> nodes;
  std::vector<InFlightNodeClaim> in_flight;
  std::vector<InstanceType> instance_types;
  UnavailableOfferings unavailable;
  std::vector<DaemonSetView> daemonsets;
  /// Cluster-wide pending (Unschedulable) pods: the simulation places them
  /// too, as upstream SimulateScheduling does, but they need not fit.
  std::vector<PodView> pending_pods;
  /// Skip the methods up to and including this one (upstream, a command
  /// abandoned at validation lets the same pass go on to the next method;
  /// the caller re-runs `disrupt` with this set).
  std::optional<DisruptionMethod> resume_after;
  DisruptionOptions options;
};

/// A node chosen for disruption, with what the decision read.
struct DisruptionCandidate {
  std::string node;
  std::string nodepool;
  std::string instance_type;
  std::string capacity_type;  // karpenter.sh/capacity-type label
  std::string zone;
  double price_per_hour = 0.0;  // 0 when the instance type is unknown
  std::size_t reschedulable_pods = 0;
  /// upstream Candidate.DisruptionCost: Σ EvictionCost(pod) × LifetimeRemaining.
  double disruption_cost = 0.0;
  /// now − (lastPodEventTime, else Initialized time), seconds.
  std::int64_t idle_seconds = 0;
};

enum class CommandDecision { kDelete, kReplace };

struct DisruptionCommand {
  DisruptionMethod method = DisruptionMethod::kEmptiness;
  DisruptionReason reason = DisruptionReason::kEmpty;
  CommandDecision decision = CommandDecision::kDelete;
  std::vector<DisruptionCandidate> candidates;
  /// At most one (consolidation is m -> 1 or m -> 0). Its `instance_types`
  /// are the price-filtered options and `launch` the offering that would be
  /// bought; its requirements are pinned to spot when an on-demand node is
  /// replaced by a claim that allowed both.
  std::vector<NewNodeClaim> replacements;
  double candidates_price_per_hour = 0.0;
  double replacement_price_per_hour = 0.0;  // launch price of the replacement
  double savings_per_hour = 0.0;
  std::int64_t computed_us = 0;
  std::int64_t validate_at_us = 0;  // computed_us + 15 s
  /// "node ip-a empty for 30 s: delete" / "replace 2 x m7g.large by 1 x
  /// m7g.xlarge spot in ap-northeast-2a at $0.0650/h, saves $0.0982/h".
  std::string message;
};

/// Why a node is not a candidate of a method (for `explain` and the trace).
struct NodeVerdict {
  std::string node;
  std::string reason;  // "not consolidatable for 20 s more (consolidateAfter 30 s)"
};

struct DisruptionDecision {
  /// The command pending validation, or none this pass.
  std::optional<DisruptionCommand> command;
  /// The budgets of the method that produced the command (or of the last method tried).
  std::vector<PoolBudget> budgets;
  std::vector<NodeVerdict> not_candidates;
  /// One line per method tried: "emptiness: 2 candidates, command" etc.
  std::vector<std::string> trace;
  std::string summary;
};

/// One pass. Candidates (GetCandidates / NewCandidate / ShouldDisrupt):
/// Karpenter-managed (nodepool set, pool given), initialized, not marked for
/// deletion, not nominated, no node do-not-disrupt annotation, no pod with
/// do-not-disrupt, no pod a PDB forbids evicting; the pool's consolidateAfter
/// not Never, and the node consolidatable: now − (lastPodEventTime, else the
/// Initialized time) ≥ consolidateAfter. Emptiness takes candidates without
/// reschedulable (non-DaemonSet) pods under any policy; the consolidations
/// need WhenEmptyOrUnderutilized (Balanced is treated alike; its scoring is
/// not modelled), a known instance type and price, and skip empty nodes.
/// Budgets per method reason (Empty / Underutilized), see budget_mapping.
DisruptionDecision disrupt(const DisruptionInput& input);

enum class ValidationOutcome { kValid, kInvalid, kNotDue };
struct ValidationResult {
  ValidationOutcome outcome = ValidationOutcome::kInvalid;
  /// "candidate ip-a is no longer empty (1 reschedulable pod)".
  std::string reason;
  /// The command to execute (kValid): the original one; upstream keeps it.
  std::optional<DisruptionCommand> command;
};

/// upstream Validator.Validate after the 15 s wait, against the cluster as it
/// is at `input.now_us` (kNotDue before `cmd.validate_at_us`). Every
/// candidate must still exist and still be a candidate of the method (for
/// emptiness: still empty), not nominated, within the budgets recomputed now;
/// consolidation re-simulates: all moved pods must still fit; a delete stays
/// valid only if no new node is needed, a replace only if exactly one is and
/// the command's instance types are a subset of the new simulation's.
ValidationResult validate(const DisruptionCommand& cmd, const DisruptionInput& input);

/// upstream utils/disruption EvictionCost: 1 + deletion-cost / 2^27 +
/// priority / 2^25, clamped to [−10, 10].
double eviction_cost(const PodView& pod);
/// upstream LifetimeRemaining: (expireAfter − age) / expireAfter clamped to
/// [0, 1]; 1 when expireAfter is Never.
double lifetime_remaining(const ExistingNode& node, std::int64_t now_us);

/// Forceful expiration (nodeclaim/expiration controller, not budgeted): the
/// initialized or not nodes whose age ≥ expireAfter, with a sentence each.
std::vector<NodeVerdict> expired_nodes(const std::vector<ExistingNode>& nodes, std::int64_t now_us);

}  // namespace ksim::control::karpenter
