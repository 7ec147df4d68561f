// The Filter plugins of the default profile that read what ksim models, in
// upstream order (apis/config/v1/default_plugins.go): NodeUnschedulable,
// [NodeName: skipped, pods with spec.nodeName bypass the scheduler],
// TaintToleration, NodeAffinity, NodeResourcesFit. Each returns upstream's
// status code and its exact reason strings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/control/scheduler/types.h"

namespace ksim::control::scheduler {

/// upstream: fwk.Code, reduced to what filters return. Unschedulable can be
/// resolved by preemption (NodeResourcesFit); the other rejections cannot.
enum class FilterCode { kSuccess, kUnschedulable, kUnschedulableAndUnresolvable };

/// Plugin names (upstream: plugins/names).
inline constexpr std::string_view kNodeUnschedulable = "NodeUnschedulable";
inline constexpr std::string_view kTaintToleration = "TaintToleration";
inline constexpr std::string_view kNodeAffinity = "NodeAffinity";
inline constexpr std::string_view kNodeResourcesFit = "NodeResourcesFit";

/// Reason strings, verbatim from upstream.
/// nodeunschedulable.ErrReasonUnschedulable
inline constexpr std::string_view kReasonUnschedulable = "node(s) were unschedulable";
/// nodeaffinity.ErrReasonPod
inline constexpr std::string_view kReasonNodeAffinity =
    "node(s) didn't match Pod's node affinity/selector";
/// tainttoleration Filter after kubernetes#134740 (taint hidden from pod status)
inline constexpr std::string_view kReasonUntoleratedTaints = "node(s) had untolerated taint(s)";
/// noderesources fitsRequest
inline constexpr std::string_view kReasonTooManyPods = "Too many pods";
inline constexpr std::string_view kReasonInsufficientCpu = "Insufficient cpu";
inline constexpr std::string_view kReasonInsufficientMemory = "Insufficient memory";

/// One plugin's verdict on one node (upstream: *fwk.Status with its plugin).
struct FilterStatus {
  FilterCode code = FilterCode::kSuccess;
  std::string_view plugin;           // empty on success
  std::vector<std::string> reasons;  // empty on success
  [[nodiscard]] bool ok() const { return code == FilterCode::kSuccess; }
};

/// upstream: nodeunschedulable.Filter. A cordoned node rejects the pod unless
/// it tolerates the node.kubernetes.io/unschedulable:NoSchedule taint.
FilterStatus filter_node_unschedulable(const Pod& pod, const Node& node);

/// upstream: tainttoleration.Filter (NoSchedule and NoExecute taints only).
FilterStatus filter_taint_toleration(const Pod& pod, const Node& node,
                                     const SchedulerConfig& config);

/// upstream: nodeaffinity.Filter (spec.nodeSelector AND required terms).
FilterStatus filter_node_affinity(const Pod& pod, const Node& node);

/// upstream: noderesources.Fit.Filter / fitsRequest: pod count, then cpu, then
/// memory; every insufficient resource is a reason of its own.
FilterStatus filter_node_resources_fit(const Pod& pod, const Node& node);

/// filter_node_resources_fit's reasons as bits (0: the pod fits), for a
/// caller that only counts them: kFitTooManyPods, kFitInsufficientCpu,
/// kFitInsufficientMemory (kReasonTooManyPods, ...).
inline constexpr std::uint8_t kFitTooManyPods = 1;
inline constexpr std::uint8_t kFitInsufficientCpu = 2;
inline constexpr std::uint8_t kFitInsufficientMemory = 4;
std::uint8_t node_resources_fit_bits(const Pod& pod, const Node& node);

/// upstream: frameworkImpl.RunFilterPlugins: the plugins in order, stopping at
/// the first that rejects the node.
FilterStatus run_filters(const Pod& pod, const Node& node, const SchedulerConfig& config);

}  // namespace ksim::control::scheduler
