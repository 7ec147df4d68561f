// upstream: pkg/scheduler/schedule_one.go schedulePod (ErrNoNodesAvailable,
// the single-feasible-node shortcut), findNodesThatPassFilters (start index,
// numFeasibleNodesToFind), prioritizeNodes and framework/runtime
// RunScorePlugins (PreScore Skip, Score, NormalizeScore, weight), selectHost
// (all nodes at the highest total are candidates).
#include "ksim/control/scheduler/schedule.h"

#include <algorithm>
#include <map>

#include "ksim/control/scheduler/scores.h"
#include "ksim/control/scheduler/topology_spread.h"

namespace ksim::control::scheduler {
namespace {

struct Filtered {
  std::vector<std::size_t> feasible;  // indexes into nodes, ascending
  std::vector<NodeRejection> rejections;
  std::size_t evaluated = 0;
  // What the messages need, counted as nodes are rejected.
  std::map<std::string, std::int64_t> reasons;  // a node counts once per reason it gives
  std::int64_t unresolvable = 0;                // UnschedulableAndUnresolvable nodes
  std::int64_t resolvable = 0;                  // the other rejected nodes
  std::vector<std::string_view> plugins;        // rejecting plugins, first-seen order
};

// A rejection counted for the messages only (kSummary).
void status_counted(Filtered& f, FilterStatus status) {
  if (std::ranges::find(f.plugins, status.plugin) == f.plugins.end()) {
    f.plugins.push_back(status.plugin);
  }
  for (const auto& reason : status.reasons) ++f.reasons[reason];
  ++(status.code == FilterCode::kUnschedulableAndUnresolvable ? f.unresolvable : f.resolvable);
}

Filtered find_feasible(const Pod& pod, const std::vector<Node>& nodes,
                       const SchedulerConfig& config, std::size_t start, RejectionDetail detail) {
  Filtered f;
  const std::size_t n = nodes.size();
  const auto want = static_cast<std::size_t>(num_feasible_nodes_to_find(
      static_cast<std::int32_t>(n), config.percentage_of_nodes_to_score));
  std::int64_t fit_counts[3] = {0, 0, 0};  // kSummary: NodeResourcesFit's reasons by bit
  for (; f.evaluated < n && f.feasible.size() < want; ++f.evaluated) {
    const std::size_t i = (start + f.evaluated) % n;
    if (detail == RejectionDetail::kSummary) {
      // run_filters in its order, the last filter's reasons counted as bits
      // (a full node is the common rejection in a large cluster).
      FilterStatus first = filter_node_unschedulable(pod, nodes[i]);
      if (first.ok()) first = filter_taint_toleration(pod, nodes[i], config);
      if (first.ok()) first = filter_node_affinity(pod, nodes[i]);
      if (first.ok()) {
        const std::uint8_t bits = node_resources_fit_bits(pod, nodes[i]);
        if (bits == 0) {
          f.feasible.push_back(i);
          continue;
        }
        if (std::ranges::find(f.plugins, kNodeResourcesFit) == f.plugins.end()) {
          f.plugins.push_back(kNodeResourcesFit);
        }
        for (int b = 0; b < 3; ++b) fit_counts[b] += (bits >> b) & 1;
        ++f.resolvable;  // NodeResourcesFit rejects with code Unschedulable
        continue;
      }
      status_counted(f, std::move(first));
      continue;
    }
    FilterStatus status = run_filters(pod, nodes[i], config);
    if (status.ok()) {
      f.feasible.push_back(i);
      continue;
    }
    if (std::ranges::find(f.plugins, status.plugin) == f.plugins.end()) {
      f.plugins.push_back(status.plugin);
    }
    for (const auto& reason : status.reasons) ++f.reasons[reason];
    ++(status.code == FilterCode::kUnschedulableAndUnresolvable ? f.unresolvable : f.resolvable);
    if (detail == RejectionDetail::kPerNode) {
      f.rejections.push_back({nodes[i].name, std::move(status)});
    }
  }
  const std::string_view fit_reasons[3] = {kReasonTooManyPods, kReasonInsufficientCpu,
                                           kReasonInsufficientMemory};
  for (int b = 0; b < 3; ++b) {
    if (fit_counts[b] > 0) f.reasons[std::string(fit_reasons[b])] += fit_counts[b];
  }
  std::ranges::sort(f.feasible);
  return f;
}

// preemption_message from the counts (the verdict of each rejected node
// depends only on its code).
std::string preemption_summary(std::size_t num_all_nodes, const Filtered& f) {
  std::map<std::string, std::int64_t> verdicts;
  if (f.unresolvable > 0) verdicts["Preemption is not helpful for scheduling"] = f.unresolvable;
  if (f.resolvable > 0) verdicts["No preemption victims found for incoming pod"] = f.resolvable;
  return "preemption: " + fit_error_message_from(num_all_nodes, verdicts);
}

// One score plugin over the feasible nodes.
struct Column {
  std::string_view plugin;
  std::int64_t weight = 0;
  bool skipped = false;
  std::vector<std::int64_t> raw;
  std::vector<std::int64_t> normalized;
};

template <typename RawFn>
Column scored(std::string_view plugin, std::int64_t weight, std::size_t count, RawFn raw_of) {
  Column c{plugin, weight, false, std::vector<std::int64_t>(count), {}};
  for (std::size_t i = 0; i < count; ++i) c.raw[i] = raw_of(i);
  c.normalized = c.raw;
  return c;
}

Column skipped(std::string_view plugin, std::int64_t weight, std::size_t count) {
  return Column{plugin, weight, true, std::vector<std::int64_t>(count),
                std::vector<std::int64_t>(count)};
}

std::vector<Column> score_columns(const Pod& pod, const std::vector<Node>& nodes,
                                  const std::vector<std::size_t>& feasible,
                                  const SchedulerConfig& config) {
  const std::size_t m = feasible.size();
  const auto& w = config.weights;
  const auto at = [&](std::size_t i) -> const Node& { return nodes[feasible[i]]; };
  std::vector<Column> cols;
  cols.push_back(scored(kTaintToleration, w.taint_toleration, m,
                        [&](std::size_t i) { return taint_toleration_raw(pod, at(i)); }));
  default_normalize_score(cols.back().normalized, /*reverse=*/true);
  if (node_affinity_skipped(pod)) {
    cols.push_back(skipped(kNodeAffinity, w.node_affinity, m));
  } else {
    cols.push_back(scored(kNodeAffinity, w.node_affinity, m,
                          [&](std::size_t i) { return node_affinity_raw(pod, at(i)); }));
    default_normalize_score(cols.back().normalized, /*reverse=*/false);
  }
  cols.push_back(scored(kNodeResourcesFit, w.node_resources_fit, m,
                        [&](std::size_t i) { return least_allocated_score(pod, at(i)); }));
  if (const auto state = spread_pre_score(pod, nodes, feasible, config)) {
    cols.push_back(scored(kPodTopologySpread, w.pod_topology_spread, m,
                          [&](std::size_t i) { return spread_score(*state, pod, at(i)); }));
    spread_normalize_score(cols.back().normalized);
  } else {
    cols.push_back(skipped(kPodTopologySpread, w.pod_topology_spread, m));
  }
  // No pod (anti-)affinity is modelled, so InterPodAffinity.PreScore skips.
  cols.push_back(skipped(kInterPodAffinity, w.inter_pod_affinity, m));
  if (balanced_allocation_skipped(pod, config)) {
    cols.push_back(skipped(kNodeResourcesBalancedAllocation, w.balanced_allocation, m));
  } else {
    cols.push_back(scored(kNodeResourcesBalancedAllocation, w.balanced_allocation, m,
                          [&](std::size_t i) { return balanced_allocation_score(pod, at(i)); }));
  }
  // No image sizes are modelled: ImageLocality scores 0 on every node.
  cols.push_back(scored(kImageLocality, w.image_locality, m, [](std::size_t) { return 0; }));
  return cols;
}

std::vector<NodeScore> score_nodes(const Pod& pod, const std::vector<Node>& nodes,
                                   const std::vector<std::size_t>& feasible,
                                   const SchedulerConfig& config) {
  const auto cols = score_columns(pod, nodes, feasible, config);
  std::vector<NodeScore> out;
  for (std::size_t i = 0; i < feasible.size(); ++i) {
    NodeScore ns{nodes[feasible[i]].name, {}, 0};
    for (const auto& c : cols) {
      const std::int64_t weighted = c.skipped ? 0 : c.weight * c.normalized[i];
      ns.plugins.push_back({c.plugin, c.skipped, c.raw[i], c.normalized[i], c.weight, weighted});
      ns.total += weighted;
    }
    out.push_back(std::move(ns));
  }
  return out;
}

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

void choose_best(ScheduleDecision& d, std::size_t num_nodes) {
  d.best_total = std::ranges::max(d.scores, {}, &NodeScore::total).total;
  for (const auto& s : d.scores) {
    if (s.total == d.best_total) d.best_nodes.push_back(s.node);
  }
  const std::string of = " of " + std::to_string(d.scores.size()) + " feasible nodes (" +
                         std::to_string(num_nodes) + " in the cluster)";
  if (d.best_nodes.size() == 1) {
    d.reason = DecisionReason::kBestNode;
    d.message = d.best_nodes.front() + " has the highest total score, " +
                std::to_string(d.best_total) + "," + of + ".";
  } else {
    d.reason = DecisionReason::kTiedNodes;
    d.message = std::to_string(d.best_nodes.size()) + " nodes tie at the highest total score, " +
                std::to_string(d.best_total) + "," + of + ": " + join(d.best_nodes) +
                "; the scheduler picks one of them uniformly at random.";
  }
}

}  // namespace

ScheduleDecision schedule_pod(const Pod& pod, const std::vector<Node>& nodes,
                              const SchedulerConfig& config, std::size_t start_index,
                              RejectionDetail detail) {
  ScheduleDecision d;
  if (nodes.empty()) {
    d.reason = DecisionReason::kNoNodes;
    d.message = "no nodes available to schedule pods";
    return d;
  }
  Filtered f = find_feasible(pod, nodes, config, start_index % nodes.size(), detail);
  d.rejections = std::move(f.rejections);
  d.rejecting_plugins = std::move(f.plugins);
  d.evaluated_nodes = f.evaluated;
  d.next_start_index = (start_index % nodes.size() + f.evaluated) % nodes.size();
  if (f.feasible.empty()) {
    d.reason = DecisionReason::kUnschedulable;
    d.message = fit_error_message_from(nodes.size(), f.reasons);
    d.event_message = d.message + " " + preemption_summary(nodes.size(), f);
    return d;
  }
  if (f.feasible.size() == 1) {
    d.reason = DecisionReason::kOnlyFeasible;
    d.best_nodes = {nodes[f.feasible.front()].name};
    d.message = d.best_nodes.front() + " is the only node of " + std::to_string(nodes.size()) +
                " that passes the filters; the scheduler binds it without scoring.";
    return d;
  }
  d.scores = score_nodes(pod, nodes, f.feasible, config);
  choose_best(d, nodes.size());
  return d;
}

}  // namespace ksim::control::scheduler
