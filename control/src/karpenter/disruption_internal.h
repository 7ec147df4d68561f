// Internal pieces of the disruption pass (disruption.cpp, consolidation.cpp):
// candidates (helpers.go NewCandidate, statenode.go ValidateNodeDisruptable /
// ValidatePodsDisruptable), the scheduling simulation (helpers.go
// SimulateScheduling) and computeConsolidation (consolidation.go).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ksim/control/karpenter/disruption.h"
#include "simulation.h"

namespace ksim::control::karpenter::detail {

struct DisruptionContext {
  const DisruptionInput& in;
  std::map<std::string, const InstanceType*, std::less<>> types;
  std::map<std::string, const NodePool*, std::less<>> pools;
  explicit DisruptionContext(const DisruptionInput& input);
  /// The nodes not marked for deletion, the in-flight claims, NodePools and
  /// catalog prepared once for every simulate() of this pass (built on first
  /// use): each simulation then leaves its candidates out of it.
  [[nodiscard]] const ProvisioningBase& base() const;

 private:
  mutable std::optional<ProvisioningBase> base_;
};

struct Cand {
  const ExistingNode* node = nullptr;
  const NodePool* pool = nullptr;
  const InstanceType* type = nullptr;         // nullptr: unknown instance type
  std::optional<double> price;                // nullopt: no offering matches the labels
  std::vector<const PodView*> reschedulable;  // non-DaemonSet pods
  DisruptionCandidate view;
};

/// The checks every method shares; nullopt with `why` when the node is not a candidate.
std::optional<Cand> make_candidate(const DisruptionContext& ctx, const ExistingNode& node,
                                   std::string& why);
/// Emptiness.ShouldDisrupt (plus "no reschedulable pods").
bool emptiness_should(const Cand& c, std::string& why);
/// consolidation.ShouldDisrupt.
bool consolidation_should(const Cand& c, std::string& why);

/// When the node stops being inside consolidateAfter (µs), nullopt = never
/// (consolidateAfter Never or no pool).
std::optional<std::int64_t> consolidatable_at(const DisruptionContext& ctx,
                                              const ExistingNode& node);

struct Simulation {
  ProvisioningResult result;
  std::optional<std::string> failure;  // a pod that must move cannot
};
/// SimulateScheduling: the candidates' pods (moved), deleting nodes' pods and
/// pending pods onto the other nodes, in-flight claims and new NodeClaims.
Simulation simulate(const DisruptionContext& ctx, const std::vector<const Cand*>& cands);

struct Consolidation {
  bool ok = false;
  CommandDecision decision = CommandDecision::kDelete;
  std::optional<NewNodeClaim> replacement;
  std::vector<InstanceType> options;  // the replacement's types (price-filtered), by price
  Requirements reqs;                  // the replacement's requirements
  double candidates_price = 0.0;
  std::string why_not;
};
/// computeConsolidation for these candidates (one: single-node; several: multi-node).
Consolidation compute_consolidation(const DisruptionContext& ctx,
                                    const std::vector<const Cand*>& cands);
/// Chooses the offering of the (filtered) replacement and fills `replacement`.
bool finish_replacement(const DisruptionContext& ctx, Consolidation& c);

/// "2 x m7g.large + 1 x c7g.large".
std::string describe_types(const std::vector<const Cand*>& cands);

}  // namespace ksim::control::karpenter::detail
