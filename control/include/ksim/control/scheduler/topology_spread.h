// PodTopologySpread scoring with the system default constraints (the pod has
// no topologySpreadConstraints of its own): kubernetes.io/hostname maxSkew 3
// and topology.kubernetes.io/zone maxSkew 5, both ScheduleAnyway, counting the
// pods the pod's Service/ReplicaSet/StatefulSet selector matches (upstream:
// plugins/podtopologyspread plugin.go systemDefaultConstraints, common.go,
// scoring.go).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ksim/control/scheduler/types.h"

namespace ksim::control::scheduler {

struct SpreadConstraint {
  std::string topology_key;
  std::int32_t max_skew = 1;
};

/// upstream: podtopologyspread preScoreState for system-defaulted
/// constraints (no node is ignored: requireAllTopologies is false).
struct SpreadState {
  std::vector<SpreadConstraint> constraints;
  /// Per constraint: matching pods per topology value of the feasible nodes
  /// (a feasible node without the label contributes the value ""). Hostname
  /// constraints keep no counts here: Score counts the node's own pods.
  std::vector<std::map<std::string, std::int64_t>> counts;
  /// Per constraint: log(number of topology values + 2).
  std::vector<double> weights;
};

/// upstream: PodTopologySpread.PreScore. nullopt = Skip (no nodes, or the pod
/// has no spread selector). `feasible` are indexes into `all_nodes`.
std::optional<SpreadState> spread_pre_score(const Pod& pod, const std::vector<Node>& all_nodes,
                                            const std::vector<std::size_t>& feasible,
                                            const SchedulerConfig& config);

/// upstream: PodTopologySpread.Score: Σ over the constraints whose key the node
/// has of count × weight + (maxSkew − 1), rounded half away from zero.
std::int64_t spread_score(const SpreadState& state, const Pod& pod, const Node& node);

/// upstream: PodTopologySpread.NormalizeScore: 100 × (max + min − s) / max,
/// or 100 for every node when max is 0. Fewer matching pods score higher.
void spread_normalize_score(std::vector<std::int64_t>& scores);

/// upstream: countPodsMatchSelector: pods of the pod's namespace on the node
/// that the selector matches, terminating pods excluded.
std::int64_t count_matching_pods(const Node& node, const LabelSelector& selector,
                                 const std::string& namespace_);

}  // namespace ksim::control::scheduler
