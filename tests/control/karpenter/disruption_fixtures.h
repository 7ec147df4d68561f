// Builders for disruption tables: Karpenter nodes with pods and NodeClaim times.
#pragma once

#include <string>
#include <vector>

#include "fixtures.h"
#include "ksim/control/karpenter/disruption.h"

namespace ksim::control::karpenter::testing {

inline constexpr std::int64_t kSec = 1'000'000;

/// A Karpenter node of catalog type `type_name`, initialized at t = 0, with
/// its pods, last pod event at `last_event_s`.
inline ExistingNode knode(const std::string& name, const std::string& type_name,
                          const std::string& capacity_type, std::vector<PodView> pods,
                          std::int64_t last_event_s = 0, std::string pool_name = "default") {
  ExistingNode n;
  n.name = name;
  n.nodepool = pool_name;
  for (const auto& it : catalog()) {
    if (it.name != type_name) continue;
    n.labels = it.labels;
    n.capacity = it.capacity;
    n.allocatable = it.allocatable;
  }
  n.labels[std::string(kLabelInstanceType)] = type_name;
  n.labels[std::string(kLabelCapacityType)] = capacity_type;
  n.labels[std::string(kLabelZone)] = kZoneA;
  n.labels[std::string(kLabelNodePool)] = pool_name;
  for (const auto& p : pods) n.requested += p.requests();
  n.pods = std::move(pods);
  n.created_us = 0;
  n.initialized_us = 0;
  n.last_pod_event_us = last_event_s * kSec;
  return n;
}

/// A managed-node-group node (not Karpenter's) with `free_cpu` millicores free.
inline ExistingNode mng_node(const std::string& name, std::int64_t free_cpu) {
  ExistingNode n;
  n.name = name;
  n.labels = {{std::string(kLabelArch), "arm64"}};
  n.capacity = {2000, 8 * kGi, 29};
  n.allocatable = {1930, 6844 * kMi, 29};
  n.requested = {1930 - free_cpu, 1 * kGi, 3};
  return n;
}

inline NodePool dpool(std::string name, std::vector<Requirement> reqs,
                      std::int64_t consolidate_after_s) {
  NodePool p = pool(std::move(name), 0, std::move(reqs));
  p.disruption.consolidate_after = std::chrono::seconds{consolidate_after_s};
  return p;
}

inline DisruptionInput dinput(std::int64_t now_s, std::vector<NodePool> pools,
                              std::vector<ExistingNode> nodes) {
  DisruptionInput in;
  in.now_us = now_s * kSec;
  in.node_pools = std::move(pools);
  in.nodes = std::move(nodes);
  in.instance_types = catalog();
  return in;
}

}  // namespace ksim::control::karpenter::testing
