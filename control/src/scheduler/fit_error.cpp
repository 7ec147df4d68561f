// upstream: pkg/scheduler/framework/types.go FitError.Error (NoNodeAvailableMsg
// "0/%v nodes are available", sortReasonsHistogram, the PostFilter message
// appended after a space), plugins/defaultpreemption PostFilter and schedule_one.go
// numFeasibleNodesToFind (minFeasibleNodesToFind 100,
// minFeasibleNodesPercentageToFind 5).
#include <algorithm>
#include <map>

#include "ksim/control/scheduler/schedule.h"

namespace ksim::control::scheduler {

std::string fit_error_message(std::size_t num_all_nodes,
                              const std::vector<NodeRejection>& rejections) {
  std::map<std::string, std::int64_t> histogram;  // a node counts once per reason it gives
  for (const auto& r : rejections) {
    for (const auto& reason : r.status.reasons) ++histogram[reason];
  }
  return fit_error_message_from(num_all_nodes, histogram);
}

std::string fit_error_message_from(std::size_t num_all_nodes,
                                   const std::map<std::string, std::int64_t>& histogram) {
  std::string msg = "0/" + std::to_string(num_all_nodes) + " nodes are available:";
  std::vector<std::string> lines;
  for (const auto& [reason, count] : histogram)
    lines.push_back(std::to_string(count) + " " + reason);
  // sort.Strings compares bytes; std::string's operator< compares chars as
  // unsigned char (char_traits<char>::lt), which is the same order.
  std::ranges::sort(lines);
  if (!lines.empty()) {
    msg += " ";
    for (std::size_t i = 0; i < lines.size(); ++i) msg += (i == 0 ? "" : ", ") + lines[i];
    msg += ".";
  }
  return msg;
}

std::string preemption_message(std::size_t num_all_nodes,
                               const std::vector<NodeRejection>& rejections) {
  // upstream: preemption.Evaluator.Preempt (nodesWherePreemptionMightHelp,
  // SelectVictimsOnNode) rendered by FitError.Error, prefixed by PostFilter.
  std::vector<NodeRejection> verdicts;
  for (const auto& r : rejections) {
    const bool unresolvable = r.status.code == FilterCode::kUnschedulableAndUnresolvable;
    verdicts.push_back(
        {r.node, FilterStatus{FilterCode::kUnschedulableAndUnresolvable,
                              "DefaultPreemption",
                              {unresolvable ? "Preemption is not helpful for scheduling"
                                            : "No preemption victims found for incoming pod"}}});
  }
  return "preemption: " + fit_error_message(num_all_nodes, verdicts);
}

std::int32_t num_feasible_nodes_to_find(std::int32_t num_all_nodes, std::int32_t percentage) {
  constexpr std::int32_t kMinFeasibleNodesToFind = 100;
  constexpr std::int32_t kMinFeasibleNodesPercentageToFind = 5;
  if (num_all_nodes < kMinFeasibleNodesToFind) return num_all_nodes;
  if (percentage == 0) {
    percentage = std::max(50 - num_all_nodes / 125, kMinFeasibleNodesPercentageToFind);
  }
  const std::int32_t num_nodes = num_all_nodes * percentage / 100;
  return std::max(num_nodes, kMinFeasibleNodesToFind);
}

std::string_view reason_name(DecisionReason r) {
  switch (r) {
    case DecisionReason::kBestNode:
      return "BestNode";
    case DecisionReason::kTiedNodes:
      return "TiedNodes";
    case DecisionReason::kOnlyFeasible:
      return "OnlyFeasible";
    case DecisionReason::kUnschedulable:
      return "Unschedulable";
    case DecisionReason::kNoNodes:
      return "NoNodes";
  }
  return "";
}

}  // namespace ksim::control::scheduler
