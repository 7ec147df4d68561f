// The kube-scheduler's decision for one pod (upstream: pkg/scheduler
// schedule_one.go schedulePod: findNodesThatFitPod, prioritizeNodes,
// selectHost; framework FitError.Error()). Pure: the nodes and the pods on them
// come in, a decision with its reason comes out. The random tie-break of
// selectHost is left to the caller: every node with the highest total is
// returned, and upstream picks one of them uniformly at random.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/control/scheduler/filters.h"
#include "ksim/control/scheduler/types.h"

namespace ksim::control::scheduler {

/// One score plugin's contribution to one node's total.
struct PluginScore {
  std::string_view plugin;
  bool skipped = false;         // PreScore returned Skip: no contribution
  std::int64_t raw = 0;         // Score before NormalizeScore
  std::int64_t normalized = 0;  // 0..100
  std::int64_t weight = 0;
  std::int64_t weighted = 0;  // weight × normalized
};

/// A feasible node with its per-plugin scores, in upstream plugin order:
/// TaintToleration, NodeAffinity, NodeResourcesFit, PodTopologySpread,
/// InterPodAffinity, NodeResourcesBalancedAllocation, ImageLocality.
struct NodeScore {
  std::string node;
  std::vector<PluginScore> plugins;
  std::int64_t total = 0;
};

/// An infeasible node and the status of the first filter that rejected it.
struct NodeRejection {
  std::string node;
  FilterStatus status;
};

enum class DecisionReason {
  kBestNode,       // one feasible node has the highest total
  kTiedNodes,      // several share the highest total: the caller picks uniformly
  kOnlyFeasible,   // one node passed the filters: upstream binds it without scoring
  kUnschedulable,  // no node passed the filters (FitError)
  kNoNodes,        // the cluster has no nodes (ErrNoNodesAvailable)
};

struct ScheduleDecision {
  DecisionReason reason = DecisionReason::kNoNodes;
  /// One sentence. For kUnschedulable it is upstream's FitError text
  /// ("0/4 nodes are available: 1 Insufficient cpu, 3 node(s) were unschedulable.");
  /// for kNoNodes upstream's "no nodes available to schedule pods".
  std::string message;
  /// kUnschedulable only: the FailedScheduling event and PodScheduled
  /// condition text, `message` followed by DefaultPreemption's PostFilter
  /// verdict, assuming every pod has the same priority (no victims):
  /// "... 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption
  /// is not helpful for scheduling, 2 No preemption victims found for incoming pod."
  std::string event_message;
  /// The nodes with the highest total, in input order (one for kOnlyFeasible).
  std::vector<std::string> best_nodes;
  std::int64_t best_total = 0;
  /// Every feasible node with its scores, in input order (empty for kOnlyFeasible).
  std::vector<NodeScore> scores;
  /// Every rejected node, in the order the filters saw them (empty with
  /// RejectionDetail::kSummary).
  std::vector<NodeRejection> rejections;
  /// The filter plugins that rejected some node, each once, in the order
  /// first seen (both details).
  std::vector<std::string_view> rejecting_plugins;
  std::size_t evaluated_nodes = 0;   // nodes run through the filters
  std::size_t next_start_index = 0;  // where the next cycle starts filtering
  [[nodiscard]] bool schedulable() const { return !best_nodes.empty(); }
};

/// Schedules `pod` onto one of `nodes`. Filtering starts at `start_index`
/// (upstream nextStartNodeIndex) and, in clusters of 100 nodes or more, stops
/// once num_feasible_nodes_to_find nodes passed, as upstream does (upstream
/// filters in parallel; this checks nodes in order).
/// What a decision keeps of the rejected nodes: each one (kPerNode), or only
/// what the messages and rejecting_plugins need (kSummary: the same texts,
/// without a record per node; a cluster of a thousand nodes where a pod fits
/// nowhere makes a thousand of them per attempt).
enum class RejectionDetail { kPerNode, kSummary };

ScheduleDecision schedule_pod(const Pod& pod, const std::vector<Node>& nodes,
                              const SchedulerConfig& config = {}, std::size_t start_index = 0,
                              RejectionDetail detail = RejectionDetail::kPerNode);

/// upstream: FitError.Error(): "0/<all> nodes are available: " then the
/// histogram of reasons over the rejected nodes, each "<count> <reason>",
/// sorted as strings (sort.Strings: byte order, so "10 x" sorts before "2 y"),
/// joined with ", ", ending in ".".
std::string fit_error_message(std::size_t num_all_nodes,
                              const std::vector<NodeRejection>& rejections);
/// The same from the histogram of reasons (reason -> rejected nodes giving it).
std::string fit_error_message_from(std::size_t num_all_nodes,
                                   const std::map<std::string, std::int64_t>& histogram);

/// upstream: DefaultPreemption.PostFilter when no pod on any node has a lower
/// priority than the pod: "preemption: " + a FitError over the same nodes where
/// each node rejected as UnschedulableAndUnresolvable is "Preemption is not
/// helpful for scheduling" and each other one "No preemption victims found for
/// incoming pod" (SelectVictimsOnNode without potential victims).
std::string preemption_message(std::size_t num_all_nodes,
                               const std::vector<NodeRejection>& rejections);

/// upstream: Scheduler.numFeasibleNodesToFind: every node below 100 nodes;
/// else percentage (or, when 0, max(5, 50 − nodes/125)) % of them, at least 100.
std::int32_t num_feasible_nodes_to_find(std::int32_t num_all_nodes, std::int32_t percentage);

std::string_view reason_name(DecisionReason r);

}  // namespace ksim::control::scheduler
