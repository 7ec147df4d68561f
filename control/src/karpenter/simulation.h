// Internal pieces of the scheduling simulation (provisioning.cpp): pod
// requirement attempts, NodeClaim templates and their narrowing
// (upstream scheduling/nodeclaim.go CanAdd, filterInstanceTypesByRequirements,
// InstanceTypeFilterError), existing-node fit (existingnode.go CanAdd).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ksim/control/karpenter/provisioning.h"
#include "ksim/control/karpenter/requirements.h"
#include "ksim/control/karpenter/types.h"

namespace ksim::control::karpenter::detail {

/// The catalog with each type's requirements computed once.
struct Catalog {
  const std::vector<InstanceType>* types = nullptr;
  std::vector<Requirements> reqs;
  const UnavailableOfferings* unavailable = nullptr;
  /// Some available, not ICE-cached offering of type i is allowed by `r`.
  [[nodiscard]] bool has_offering(std::size_t i, const Requirements& r) const;
};
Catalog make_catalog(const std::vector<InstanceType>& types, const UnavailableOfferings& u);

/// One try at placing a pod: its requirements with one required term, and
/// whether PreferNoSchedule taints are tolerated (the last relaxation).
struct Attempt {
  Requirements reqs;
  bool tolerate_prefer_no_schedule = false;
};
/// upstream Preferences.Relax order for what ksim models: the required terms
/// one after another (removeRequiredNodeAffinityTerm), then
/// toleratePreferNoScheduleTaints when some NodePool or node has such a taint.
std::vector<Attempt> attempts(const PodView& pod, bool any_prefer_no_schedule);
/// nodeSelector as "In" plus the expressions of one term (nullptr: none).
Requirements selector_requirements(const Labels& node_selector,
                                   const std::vector<Requirement>* term);

/// The first taint (NoSchedule / NoExecute, and PreferNoSchedule unless
/// tolerated) the tolerations do not tolerate, as "did not tolerate k=v:Effect".
std::optional<std::string> untolerated(const std::vector<Taint>& taints,
                                       const std::vector<Toleration>& tolerations,
                                       bool tolerate_prefer_no_schedule);

/// A NodePool as NodeClaimTemplate: requirements = spec requirements + template
/// labels + karpenter.sh/nodepool; options = catalog types compatible with them
/// that have an offering (and meet minValues under Strict); per-type daemon overhead.
struct Template {
  const NodePool* pool = nullptr;
  Requirements reqs;
  std::vector<std::size_t> options;
  std::vector<Resources> daemon;  // by catalog index
};
std::optional<Template> make_template(const NodePool& pool, const Catalog& catalog,
                                      const std::vector<DaemonSetView>& daemonsets,
                                      bool best_effort);

/// A NodeClaim under construction.
struct Claim {
  const Template* tmpl = nullptr;
  std::string name;
  Requirements reqs;
  std::vector<std::size_t> options;
  Resources requests;  // pods only (daemon overhead added at the end)
  std::vector<std::string> pods;
};

/// The outcome of NodeClaim.CanAdd: the narrowed requirements and types, or
/// the upstream-worded error.
struct ClaimFit {
  bool ok = false;
  Requirements reqs;
  std::vector<std::size_t> options;
  std::string error;
};
ClaimFit claim_can_add(const Claim& claim, const PodView& pod, const Attempt& attempt,
                       const Catalog& catalog, bool best_effort);

/// A node (or in-flight NodeClaim) as the scheduler sees it. Its labels and
/// taints are the input's (which outlives it); the requirements (labels +
/// hostname) are built on first use, since most nodes a pod is tried on
/// fail on resources first and never need them.
struct Node {
  std::string name;
  bool initialized = true;
  bool in_flight = false;
  const Labels* labels = nullptr;
  const std::vector<Taint>* taints = nullptr;
  Resources available;  // allocatable − requested
  Resources requests;   // missing daemon overhead (+ pods added in a decision)
  bool under_consolidate_after = false;
  [[nodiscard]] const Requirements& reqs() const;
  mutable std::optional<Requirements> reqs_cache;  // reqs(), once built
};
/// existingnode.go CanAdd with the node's `requests` so far; nullopt when
/// the pod fits.
std::optional<std::string> node_can_add(const Node& node, const Resources& requests,
                                        const PodView& pod, const Attempt& attempt);
/// Daemon overhead a node still has to make room for: compatible DaemonSets'
/// requests minus the daemon pods already there, floored at 0.
Resources missing_daemon_overhead(const Labels& labels, const std::vector<Taint>& taints,
                                  const Resources& daemon_requested,
                                  const std::vector<DaemonSetView>& daemonsets);

/// A NodePool's remaining limits (scheduler.go remainingResources); unset = unlimited.
struct Remaining {
  std::optional<std::int64_t> cpu, memory, nodes;
  void subtract(std::int64_t c, std::int64_t m) {
    if (cpu) *cpu -= c;
    if (memory) *memory -= m;
    if (nodes) *nodes -= 1;
  }
  /// Undoes subtract (a node left out of a simulation).
  void restore(std::int64_t c, std::int64_t m) {
    if (cpu) *cpu += c;
    if (memory) *memory += m;
    if (nodes) *nodes += 1;
  }
  /// filterByRemainingResources: the type's capacity (one node) fits what remains.
  [[nodiscard]] bool admits(const Resources& cap) const {
    return (!cpu || cap.cpu_milli <= *cpu) && (!memory || cap.memory_bytes <= *memory) &&
           (!nodes || 1 <= *nodes);
  }
};

/// The most free resources (per dimension) over ranges of a node list, in a
/// segment tree: a node whose free resources do not cover a pod's requests
/// rejects it, so a search for the first node with room skips whole ranges
/// of full nodes (O(log n) instead of a scan).
class FreeTree {
 public:
  static constexpr std::size_t kNone = SIZE_MAX;
  /// Free resources that cover no request (a node that cannot take a pod).
  static Resources never();
  void reset(std::size_t n);
  void set(std::size_t i, const Resources& free);
  /// The first index >= from whose free resources cover `want` in every
  /// dimension; kNone if there is none.
  [[nodiscard]] std::size_t first_cover(std::size_t from, const Resources& want) const;

 private:
  [[nodiscard]] std::size_t descend(std::size_t at, std::size_t lo, std::size_t hi,
                                    std::size_t from, const Resources& want) const;
  std::size_t leaves_ = 0;
  std::vector<Resources> max_;
};

/// What a scheduling simulation derives from its nodes, NodePools and
/// catalog before it places a pod: built once, then shared by simulations
/// that differ only in their pods and in nodes left out (disruption
/// simulates one candidate set after another against the same cluster).
/// Points into the inputs it was built from, which must outlive it.
struct ProvisioningBase {
  Catalog catalog;
  std::vector<Template> templates;          // weight order
  std::vector<Node> nodes;                  // initialized first, then by name; in-flight claims too
  std::vector<const ExistingNode*> origin;  // per node; nullptr for an in-flight claim
  std::vector<bool> prefer_no_schedule;     // per node: it has a PreferNoSchedule taint
  std::map<std::string, std::size_t, std::less<>> index;  // node name -> index in `nodes`
  std::map<std::string, Remaining> remaining;             // over every node here
  bool pools_prefer_no_schedule = false;  // some NodePool or in-flight claim has one
  std::size_t nodes_prefer_no_schedule = 0;
  const UnavailableOfferings* unavailable = nullptr;
  bool best_effort = false;
  /// Per node, what is requested on it: the missing daemon overhead, plus
  /// during a simulation the pods it placed there; and the free resources
  /// over ranges of nodes. A simulation changes both and restores them
  /// before it returns (simulations over one base run one at a time).
  mutable std::vector<Resources> requests;
  mutable FreeTree free;
};

/// A pod a simulation places, and whether a disruption would move it
/// (PodView::being_moved for this simulation).
struct SimPod {
  const PodView* pod = nullptr;
  bool being_moved = false;
};

/// One existing node for the base, with the simulation's flag for it.
struct BaseNode {
  const ExistingNode* node = nullptr;
  bool under_consolidate_after = false;
};
ProvisioningBase make_base(const std::vector<BaseNode>& nodes,
                           const std::vector<InFlightNodeClaim>& in_flight,
                           const std::vector<NodePool>& pools,
                           const std::vector<InstanceType>& types, const UnavailableOfferings& u,
                           const std::vector<DaemonSetView>& daemonsets, bool best_effort);
/// provision() over `base` without the nodes at `excluded` (indices into
/// base.nodes): the same result as provision() of an input holding the
/// base's nodes but those, and `pods`.
/// `explain` false leaves the messages of successful placements empty (a
/// caller that reads only where pods went).
ProvisioningResult provision(const ProvisioningBase& base, const std::vector<SimPod>& pods,
                             const std::vector<std::size_t>& excluded, bool explain = true);

}  // namespace ksim::control::karpenter::detail
