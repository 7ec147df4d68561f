// upstream: pkg/scheduler/framework/plugins nodeunschedulable/node_unschedulable.go,
// tainttoleration/taint_toleration.go, nodeaffinity/node_affinity.go,
// noderesources/fit.go (Filter, fitsRequest) and framework/runtime
// framework.go RunFilterPlugins.
#include "ksim/control/scheduler/filters.h"

#include <utility>

#include "ksim/control/scheduler/resources.h"
#include "ksim/control/scheduler/selectors.h"

namespace ksim::control::scheduler {
namespace {

FilterStatus reject(FilterCode code, std::string_view plugin, std::vector<std::string> reasons) {
  return FilterStatus{code, plugin, std::move(reasons)};
}

}  // namespace

FilterStatus filter_node_unschedulable(const Pod& pod, const Node& node) {
  // v1.TaintNodeUnschedulable with effect NoSchedule: a pod tolerating it also
  // tolerates spec.unschedulable.
  if (!node.unschedulable) return {};  // (no taint object built per schedulable node)
  const Taint unschedulable_taint{"node.kubernetes.io/unschedulable", "", TaintEffect::kNoSchedule};
  if (!tolerations_tolerate(pod.tolerations, unschedulable_taint)) {
    return reject(FilterCode::kUnschedulableAndUnresolvable, kNodeUnschedulable,
                  {std::string(kReasonUnschedulable)});
  }
  return {};
}

FilterStatus filter_taint_toleration(const Pod& pod, const Node& node,
                                     const SchedulerConfig& config) {
  const auto taint = first_untolerated_taint(node.taints, pod.tolerations);
  if (!taint) return {};
  // Before #134740 the reason named the taint: "{%s: %s}" of key and value.
  std::string reason = config.taint_details_in_reason ? "node(s) had untolerated taint {" +
                                                            taint->key + ": " + taint->value + "}"
                                                      : std::string(kReasonUntoleratedTaints);
  return reject(FilterCode::kUnschedulableAndUnresolvable, kTaintToleration, {std::move(reason)});
}

FilterStatus filter_node_affinity(const Pod& pod, const Node& node) {
  if (required_node_affinity_matches(pod, node.labels)) return {};
  return reject(FilterCode::kUnschedulableAndUnresolvable, kNodeAffinity,
                {std::string(kReasonNodeAffinity)});
}

std::uint8_t node_resources_fit_bits(const Pod& pod, const Node& node) {
  std::uint8_t bits = 0;
  if (static_cast<std::int64_t>(node.pods.size()) + 1 > node.allocatable_pods) {
    bits |= kFitTooManyPods;
  }
  const Resource want = requests(pod.containers);
  // A pod requesting nothing is checked for the pod count only.
  if (want.milli_cpu == 0 && want.memory == 0) return bits;
  const Resource used = node_requested(node);
  if (want.milli_cpu > 0 && want.milli_cpu > node.allocatable_cpu_milli - used.milli_cpu) {
    bits |= kFitInsufficientCpu;
  }
  if (want.memory > 0 && want.memory > node.allocatable_memory_bytes - used.memory) {
    bits |= kFitInsufficientMemory;
  }
  return bits;
}

FilterStatus filter_node_resources_fit(const Pod& pod, const Node& node) {
  const std::uint8_t bits = node_resources_fit_bits(pod, node);
  if (bits == 0) return {};
  std::vector<std::string> reasons;
  if ((bits & kFitTooManyPods) != 0) reasons.emplace_back(kReasonTooManyPods);
  if ((bits & kFitInsufficientCpu) != 0) reasons.emplace_back(kReasonInsufficientCpu);
  if ((bits & kFitInsufficientMemory) != 0) reasons.emplace_back(kReasonInsufficientMemory);
  return reject(FilterCode::kUnschedulable, kNodeResourcesFit, std::move(reasons));
}

FilterStatus run_filters(const Pod& pod, const Node& node, const SchedulerConfig& config) {
  if (auto s = filter_node_unschedulable(pod, node); !s.ok()) return s;
  if (auto s = filter_taint_toleration(pod, node, config); !s.ok()) return s;
  if (auto s = filter_node_affinity(pod, node); !s.ok()) return s;
  return filter_node_resources_fit(pod, node);
}

}  // namespace ksim::control::scheduler
