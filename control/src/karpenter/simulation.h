// Internal pieces of the scheduling simulation (provisioning.cpp): pod
// requirement attempts, NodeClaim templates and their narrowing
// (upstream scheduling/nodeclaim.go CanAdd, filterInstanceTypesByRequirements,
// InstanceTypeFilterError), existing-node fit (existingnode.go CanAdd).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

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

/// A node (or in-flight NodeClaim) as the scheduler sees it.
struct Node {
  std::string name;
  bool initialized = true;
  bool in_flight = false;
  Requirements reqs;  // labels + hostname
  std::vector<Taint> taints;
  Resources available;  // allocatable − requested
  Resources requests;   // missing daemon overhead + pods added in this decision
  bool under_consolidate_after = false;
};
/// existingnode.go CanAdd; nullopt when the pod fits.
std::optional<std::string> node_can_add(const Node& node, const PodView& pod,
                                        const Attempt& attempt);
/// Daemon overhead a node still has to make room for: compatible DaemonSets'
/// requests minus the daemon pods already there, floored at 0.
Resources missing_daemon_overhead(const Labels& labels, const std::vector<Taint>& taints,
                                  const Resources& daemon_requested,
                                  const std::vector<DaemonSetView>& daemonsets);

}  // namespace ksim::control::karpenter::detail
