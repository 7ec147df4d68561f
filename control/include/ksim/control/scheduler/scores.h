// Score plugins of the default profile, each as upstream computes its raw node
// score, and the normalizations upstream applies before weighting. Scores are
// integers in 0..kMaxNodeScore after normalization.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ksim/control/scheduler/types.h"

namespace ksim::control::scheduler {

inline constexpr std::string_view kPodTopologySpread = "PodTopologySpread";
inline constexpr std::string_view kInterPodAffinity = "InterPodAffinity";
inline constexpr std::string_view kNodeResourcesBalancedAllocation =
    "NodeResourcesBalancedAllocation";
inline constexpr std::string_view kImageLocality = "ImageLocality";

/// upstream: helper.DefaultNormalizeScore(MaxNodeScore, reverse, scores):
/// scale [0, max] onto [0, 100] with integer division; reverse subtracts from
/// 100; all zero stays 0 (or becomes 100 when reversed).
void default_normalize_score(std::vector<std::int64_t>& scores, bool reverse);

/// upstream: tainttoleration.Score: how many PreferNoSchedule taints of the
/// node no toleration with effect PreferNoSchedule (or none) tolerates.
/// Normalized with default_normalize_score(reverse = true).
std::int64_t taint_toleration_raw(const Pod& pod, const Node& node);

/// upstream: nodeaffinity.PreScore returns Skip when the pod has no preferred terms.
bool node_affinity_skipped(const Pod& pod);
/// upstream: nodeaffinity.Score: the sum of the weights of the matching
/// preferred terms. Normalized with default_normalize_score(reverse = false).
std::int64_t node_affinity_raw(const Pod& pod, const Node& node);

/// upstream: noderesources leastRequestedScore: (capacity - requested) * 100 /
/// capacity, 0 when capacity is 0 or requested exceeds it.
std::int64_t least_requested_score(std::int64_t requested, std::int64_t capacity);

/// upstream: Fit.Score with the default LeastAllocated strategy (cpu 1,
/// memory 1): the weighted average of least_requested_score over the
/// resources the node has, where requested = the node's non-zero requests plus
/// the pod's (missing requests count 100m / 200 MiB). No normalization.
std::int64_t least_allocated_score(const Pod& pod, const Node& node);

/// upstream: balancedResourceScorer: fractions requested/allocatable capped at
/// 1 over the resources with allocatable > 0; with two of them std =
/// |f1 - f2| / 2, with more the population standard deviation, with fewer 0;
/// score = int64((1 - std) * 100).
std::int64_t balanced_resource_score(const std::vector<std::int64_t>& requested,
                                     const std::vector<std::int64_t>& allocatable);

/// upstream: BalancedAllocation.PreScore returns Skip for a pod requesting no
/// cpu and no memory (#130260) when the config says so.
bool balanced_allocation_skipped(const Pod& pod, const SchedulerConfig& config);
/// upstream: BalancedAllocation.Score: balanced_resource_score over cpu and
/// memory of the node's requests plus the pod's (actual requests, no
/// non-zero defaults: useRequested). No normalization.
std::int64_t balanced_allocation_score(const Pod& pod, const Node& node);

}  // namespace ksim::control::scheduler
