// upstream: pkg/scheduler/framework/plugins helper/normalize_score.go,
// tainttoleration/taint_toleration.go (Score), nodeaffinity/node_affinity.go
// (PreScore, Score), noderesources/least_allocated.go, resource_allocation.go
// (calculateResourceAllocatableRequest) and balanced_allocation.go.
#include "ksim/control/scheduler/scores.h"

#include <algorithm>
#include <cmath>

#include "ksim/control/scheduler/resources.h"
#include "ksim/control/scheduler/selectors.h"

namespace ksim::control::scheduler {

void default_normalize_score(std::vector<std::int64_t>& scores, bool reverse) {
  std::int64_t max_count = 0;
  for (const auto s : scores) max_count = std::max(max_count, s);
  if (max_count == 0) {
    if (reverse) std::ranges::fill(scores, kMaxNodeScore);
    return;
  }
  for (auto& s : scores) {
    s = kMaxNodeScore * s / max_count;
    if (reverse) s = kMaxNodeScore - s;
  }
}

std::int64_t taint_toleration_raw(const Pod& pod, const Node& node) {
  // getAllTolerationPreferNoSchedule: tolerations with no effect or PreferNoSchedule.
  std::vector<Toleration> prefer;
  for (const auto& t : pod.tolerations) {
    if (!t.effect || *t.effect == TaintEffect::kPreferNoSchedule) prefer.push_back(t);
  }
  std::int64_t intolerable = 0;
  for (const auto& taint : node.taints) {
    if (taint.effect != TaintEffect::kPreferNoSchedule) continue;
    if (!tolerations_tolerate(prefer, taint)) ++intolerable;
  }
  return intolerable;
}

bool node_affinity_skipped(const Pod& pod) { return pod.preferred_terms.empty(); }

std::int64_t node_affinity_raw(const Pod& pod, const Node& node) {
  return preferred_affinity_weight(pod.preferred_terms, node.labels);
}

std::int64_t least_requested_score(std::int64_t requested, std::int64_t capacity) {
  if (capacity == 0 || requested > capacity) return 0;
  return (capacity - requested) * kMaxNodeScore / capacity;
}

std::int64_t least_allocated_score(const Pod& pod, const Node& node) {
  const Resource used = node_non_zero_requested(node);
  const Resource want = non_zero_requests(pod.containers);
  // Resources in config order (cpu, memory), each weight 1; a resource the
  // node has none of is left out of both sums (leastResourceScorer).
  const std::int64_t requested[] = {used.milli_cpu + want.milli_cpu, used.memory + want.memory};
  const std::int64_t allocatable[] = {node.allocatable_cpu_milli, node.allocatable_memory_bytes};
  std::int64_t node_score = 0;
  std::int64_t weight_sum = 0;
  for (int i = 0; i < 2; ++i) {
    if (allocatable[i] == 0) continue;
    node_score += least_requested_score(requested[i], allocatable[i]);
    weight_sum += 1;
  }
  return weight_sum == 0 ? 0 : node_score / weight_sum;
}

std::int64_t balanced_resource_score(const std::vector<std::int64_t>& requested,
                                     const std::vector<std::int64_t>& allocatable) {
  std::vector<double> fractions;
  double total = 0;
  for (std::size_t i = 0; i < requested.size(); ++i) {
    if (allocatable[i] == 0) continue;
    const double f =
        std::min(1.0, static_cast<double>(requested[i]) / static_cast<double>(allocatable[i]));
    total += f;
    fractions.push_back(f);
  }
  double std_dev = 0;
  if (fractions.size() == 2) {
    std_dev = std::abs((fractions[0] - fractions[1]) / 2);
  } else if (fractions.size() > 2) {
    const double mean = total / static_cast<double>(fractions.size());
    double sum = 0;
    for (const double f : fractions) sum = sum + (f - mean) * (f - mean);
    std_dev = std::sqrt(sum / static_cast<double>(fractions.size()));
  }
  // Go's int64(x) truncates toward zero; x is within [0, 100] here.
  return static_cast<std::int64_t>((1 - std_dev) * static_cast<double>(kMaxNodeScore));
}

bool balanced_allocation_skipped(const Pod& pod, const SchedulerConfig& config) {
  if (!config.balanced_skips_best_effort) return false;
  const Resource want = requests(pod.containers);
  return want.milli_cpu == 0 && want.memory == 0;
}

std::int64_t balanced_allocation_score(const Pod& pod, const Node& node) {
  const Resource used = node_requested(node);
  const Resource want = requests(pod.containers);
  return balanced_resource_score({used.milli_cpu + want.milli_cpu, used.memory + want.memory},
                                 {node.allocatable_cpu_milli, node.allocatable_memory_bytes});
}

}  // namespace ksim::control::scheduler
