// What the metrics pipeline reads of a pod's containers: the cumulative CPU
// counter cAdvisor exports. The traffic model implements it (per-pod CPU
// with CFS throttling); tests implement it with constant rates.
#pragma once

#include <cstdint>

#include "ksim/sim/cluster/ids.h"
#include "ksim/sim/kernel/time.h"

namespace ksim::autoscaling {

class CpuUsageSource {
 public:
  virtual ~CpuUsageSource() = default;
  /// Cumulative CPU time, in nanoseconds, the pod's container `container`
  /// (index into its containers) has used up to `now` (cAdvisor's
  /// container_cpu_usage_seconds_total). Monotonic per pod. Called only for
  /// pods whose containers have all started, with `now` = the current
  /// simulated time.
  virtual std::uint64_t cumulative_cpu_ns(cluster::PodId pod, std::uint32_t container,
                                          Time now) = 0;
};

}  // namespace ksim::autoscaling
