// Pod and node resource sums as the scheduler's NodeInfo keeps them (upstream:
// pkg/scheduler/framework types.go NodeInfo.Requested / NonZeroRequested and
// component-helpers resource.PodRequests with NonMissingContainerRequests).
#pragma once

#include <cstdint>
#include <vector>

#include "ksim/control/scheduler/types.h"

namespace ksim::control::scheduler {

/// CPU in millicores, memory in bytes.
struct Resource {
  std::int64_t milli_cpu = 0;
  std::int64_t memory = 0;
  friend bool operator==(const Resource&, const Resource&) = default;
};

/// The sum of the containers' requests, a missing request counting 0 (what
/// NodeResourcesFit filters with and BalancedAllocation scores with).
Resource requests(const std::vector<ContainerRequests>& containers);

/// The same sum where a missing request counts as the non-zero default
/// (100m, 200 MiB) per container (what LeastAllocated scores with).
Resource non_zero_requests(const std::vector<ContainerRequests>& containers);

/// NodeInfo.Requested and NodeInfo.NonZeroRequested: sums over every pod on
/// the node, terminating ones included (they hold their resources until gone).
Resource node_requested(const Node& node);
Resource node_non_zero_requested(const Node& node);

}  // namespace ksim::control::scheduler
