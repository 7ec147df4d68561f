// upstream: pkg/scheduler/framework/plugins/podtopologyspread scoring.go
// (initPreScoreState, PreScore, Score, NormalizeScore, topologyNormalizingWeight,
// scoreForCount) and common.go (buildDefaultConstraints, countPodsMatchSelector,
// matchNodeInclusionPolicies with the default policies: node affinity Honor,
// taints Ignore).
#include "ksim/control/scheduler/topology_spread.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ksim/control/scheduler/selectors.h"

namespace ksim::control::scheduler {
namespace {

bool is_hostname(const SpreadConstraint& c) { return c.topology_key == kLabelHostname; }

// node.Labels[key] as Go reads a map: the empty string when absent.
std::string label_or_empty(const Labels& labels, const std::string& key) {
  const auto it = labels.find(key);
  return it == labels.end() ? std::string() : it->second;
}

}  // namespace

std::int64_t count_matching_pods(const Node& node, const LabelSelector& selector,
                                 const std::string& namespace_) {
  if (selector.empty()) return 0;
  std::int64_t count = 0;
  for (const auto& p : node.pods) {
    if (p.terminating || p.namespace_ != namespace_) continue;  // #87621
    if (selector_matches(selector, p.labels)) ++count;
  }
  return count;
}

std::optional<SpreadState> spread_pre_score(const Pod& pod, const std::vector<Node>& all_nodes,
                                            const std::vector<std::size_t>& feasible,
                                            const SchedulerConfig& config) {
  if (all_nodes.empty()) return std::nullopt;
  // buildDefaultConstraints: no selector from owners means no constraints.
  if (!pod.spread_selector || pod.spread_selector->empty()) return std::nullopt;
  SpreadState s;
  s.constraints = {{std::string(kLabelHostname), config.hostname_max_skew},
                   {std::string(kLabelZone), config.zone_max_skew}};
  s.counts.resize(s.constraints.size());
  // initPreScoreState: the topology values present among the feasible nodes.
  for (const auto i : feasible) {
    for (std::size_t c = 0; c < s.constraints.size(); ++c) {
      if (is_hostname(s.constraints[c])) continue;
      s.counts[c].try_emplace(label_or_empty(all_nodes[i].labels, s.constraints[c].topology_key),
                              0);
    }
  }
  for (std::size_t c = 0; c < s.constraints.size(); ++c) {
    const std::size_t size = is_hostname(s.constraints[c]) ? feasible.size() : s.counts[c].size();
    s.weights.push_back(std::log(static_cast<double>(size + 2)));
  }
  // processAllNode: every node the pod's required node affinity admits adds
  // its matching pods to the count of its topology value, if a feasible node
  // has that value.
  for (const auto& node : all_nodes) {
    if (!required_node_affinity_matches(pod, node.labels)) continue;
    for (std::size_t c = 0; c < s.constraints.size(); ++c) {
      if (is_hostname(s.constraints[c])) continue;
      const auto it = s.counts[c].find(label_or_empty(node.labels, s.constraints[c].topology_key));
      if (it == s.counts[c].end()) continue;
      it->second += count_matching_pods(node, *pod.spread_selector, pod.namespace_);
    }
  }
  return s;
}

std::int64_t spread_score(const SpreadState& state, const Pod& pod, const Node& node) {
  double score = 0;
  for (std::size_t c = 0; c < state.constraints.size(); ++c) {
    const auto& constraint = state.constraints[c];
    const auto label = node.labels.find(constraint.topology_key);
    if (label == node.labels.end()) continue;
    std::int64_t count = 0;
    if (is_hostname(constraint)) {
      count = count_matching_pods(node, *pod.spread_selector, pod.namespace_);
    } else {
      count = state.counts[c].at(label->second);
    }
    // scoreForCount: maxSkew - 1 waters down differences between domains.
    score += static_cast<double>(count) * state.weights[c] +
             static_cast<double>(constraint.max_skew - 1);
  }
  return static_cast<std::int64_t>(std::round(score));
}

void spread_normalize_score(std::vector<std::int64_t>& scores) {
  std::int64_t min_score = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_score = 0;
  for (const auto s : scores) {
    min_score = std::min(min_score, s);
    max_score = std::max(max_score, s);
  }
  for (auto& s : scores) {
    s = max_score == 0 ? kMaxNodeScore : kMaxNodeScore * (max_score + min_score - s) / max_score;
  }
}

}  // namespace ksim::control::scheduler
