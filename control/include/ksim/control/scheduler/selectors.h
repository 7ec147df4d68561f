// Label, node-selector and toleration matching as the scheduler's helpers do it
// (upstream: apimachinery labels.Requirement.Matches and labels.NewRequirement
// validation; component-helpers scheduling/corev1/nodeaffinity; core/v1
// Toleration.ToleratesTaint and helper FindMatchingUntoleratedTaint).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ksim/control/scheduler/types.h"

namespace ksim::control::scheduler {

/// Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits only.
std::optional<std::int64_t> parse_int64(std::string_view s);

/// labels.NewRequirement's checks of the operator/values shape: In and NotIn
/// need values, Exists and DoesNotExist none, Gt and Lt exactly one integer;
/// every value a valid label value. (The key's syntax is not checked.)
bool requirement_valid(const Requirement& r);

/// labels.Requirement.Matches for a valid requirement. NotIn and DoesNotExist
/// match a missing label; Gt/Lt need the label to parse as an integer.
bool requirement_matches(const Requirement& r, const Labels& labels);

/// nodeSelectorTerm.match: all expressions hold. A term with an invalid
/// expression matches nothing (the lazy parse error of upstream), and so does a
/// term without expressions.
bool term_matches(const NodeSelectorTerm& term, const Labels& labels);

/// RequiredNodeAffinity.Match: spec.nodeSelector (every pair present) AND the
/// required terms (ORed), each part only when set.
bool required_node_affinity_matches(const Pod& pod, const Labels& node_labels);

/// PreferredSchedulingTerms.Score: the sum of the weights of the matching
/// terms (weight-0 and empty terms are dropped, as NewPreferredSchedulingTerms does).
std::int64_t preferred_affinity_weight(const std::vector<PreferredTerm>& terms,
                                       const Labels& node_labels);

/// metav1.LabelSelectorAsSelector(s).Matches(labels).
bool selector_matches(const LabelSelector& s, const Labels& labels);

/// Toleration.ToleratesTaint.
bool tolerates(const Toleration& t, const Taint& taint);
/// TolerationsTolerateTaint: some toleration tolerates the taint.
bool tolerations_tolerate(const std::vector<Toleration>& tolerations, const Taint& taint);

/// FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc: the first
/// NoSchedule or NoExecute taint, in node order, that no toleration tolerates.
std::optional<Taint> first_untolerated_taint(const std::vector<Taint>& taints,
                                             const std::vector<Toleration>& tolerations);

std::string_view effect_name(TaintEffect e);

}  // namespace ksim::control::scheduler
