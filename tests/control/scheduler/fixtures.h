// Builders for scheduler test tables: plain values, no fakes.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ksim/control/scheduler/types.h"

namespace ksim::control::scheduler::testing {

inline constexpr std::int64_t kMi = 1024LL * 1024;
inline constexpr std::int64_t kGi = 1024LL * kMi;

/// One container requesting `cpu_milli` and `memory` (both set, even when 0).
inline std::vector<ContainerRequests> req(std::int64_t cpu_milli, std::int64_t memory) {
  return {ContainerRequests{cpu_milli, memory}};
}

/// A pod with one container requesting cpu/memory.
inline Pod pod(std::int64_t cpu_milli, std::int64_t memory, std::string name = "p") {
  Pod p;
  p.name = std::move(name);
  p.containers = req(cpu_milli, memory);
  return p;
}

/// A pod with one container that sets no request at all (BestEffort).
inline Pod best_effort_pod(std::string name = "p") {
  Pod p;
  p.name = std::move(name);
  p.containers = {ContainerRequests{}};
  return p;
}

/// A bound pod with one container.
inline PlacedPod placed(std::int64_t cpu_milli, std::int64_t memory, Labels labels = {},
                        std::string name = "q") {
  PlacedPod p;
  p.name = std::move(name);
  p.labels = std::move(labels);
  p.containers = req(cpu_milli, memory);
  return p;
}

/// A node labelled with its hostname (and zone when given).
inline Node node(std::string name, std::int64_t cpu_milli, std::int64_t memory,
                 std::int64_t pods = 110, std::string zone = "") {
  Node n;
  n.name = name;
  n.labels[std::string(kLabelHostname)] = name;
  if (!zone.empty()) n.labels[std::string(kLabelZone)] = zone;
  n.allocatable_cpu_milli = cpu_milli;
  n.allocatable_memory_bytes = memory;
  n.allocatable_pods = pods;
  return n;
}

}  // namespace ksim::control::scheduler::testing
