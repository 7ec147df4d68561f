// upstream: component-helpers resource.PodRequests (regular containers summed;
// applyNonMissing adds the default only where a container sets no request) and
// framework NodeInfo.AddPod / calculateResource.
#include "ksim/control/scheduler/resources.h"

namespace ksim::control::scheduler {

Resource requests(const std::vector<ContainerRequests>& containers) {
  Resource r;
  for (const auto& c : containers) {
    r.milli_cpu += c.cpu_milli.value_or(0);
    r.memory += c.memory_bytes.value_or(0);
  }
  return r;
}

Resource non_zero_requests(const std::vector<ContainerRequests>& containers) {
  Resource r;
  for (const auto& c : containers) {
    r.milli_cpu += c.cpu_milli.value_or(kDefaultMilliCpuRequest);
    r.memory += c.memory_bytes.value_or(kDefaultMemoryRequest);
  }
  return r;
}

Resource node_requested(const Node& node) {
  Resource r;
  if (node.pods_requested) {
    r.milli_cpu = node.pods_requested->first;
    r.memory = node.pods_requested->second;
    return r;
  }
  for (const auto& p : node.pods) {
    const Resource pr = requests(p.containers);
    r.milli_cpu += pr.milli_cpu;
    r.memory += pr.memory;
  }
  return r;
}

Resource node_non_zero_requested(const Node& node) {
  Resource r;
  for (const auto& p : node.pods) {
    const Resource pr = non_zero_requests(p.containers);
    r.milli_cpu += pr.milli_cpu;
    r.memory += pr.memory;
  }
  return r;
}

}  // namespace ksim::control::scheduler
