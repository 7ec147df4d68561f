// A small catalog (prices of ap-northeast-2, rounded; allocatable as fact
// sheet A.11 derives it) and builders for Karpenter test tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ksim/control/karpenter/types.h"

namespace ksim::control::karpenter::testing {

inline constexpr std::int64_t kMi = 1024LL * 1024;
inline constexpr std::int64_t kGi = 1024LL * kMi;
inline constexpr const char* kZoneA = "ap-northeast-2a";
inline constexpr const char* kZoneC = "ap-northeast-2c";

inline InstanceType type(std::string name, std::string arch, std::string family, std::int64_t vcpu,
                         std::int64_t mem_gi, std::int64_t alloc_cpu, std::int64_t alloc_mem_mi,
                         std::int64_t pods, double od, double spot_a, double spot_c) {
  InstanceType it;
  it.labels = {{std::string(kLabelArch), arch},
               {std::string(kLabelInstanceFamily), family},
               {std::string(kLabelInstanceCategory), family.substr(0, 1)},
               {std::string(kLabelInstanceSize), name.substr(name.find('.') + 1)},
               {std::string(kLabelInstanceCpu), std::to_string(vcpu)}};
  it.name = std::move(name);
  it.capacity = {vcpu * 1000, mem_gi * kGi, pods};
  it.allocatable = {alloc_cpu, alloc_mem_mi * kMi, pods};
  it.offerings = {{kZoneA, CapacityType::kOnDemand, od, true},
                  {kZoneC, CapacityType::kOnDemand, od, true},
                  {kZoneA, CapacityType::kSpot, spot_a, true},
                  {kZoneC, CapacityType::kSpot, spot_c, true}};
  return it;
}

/// t4g.medium, m7g.large, m7g.xlarge, c7g.large (arm64), m5.large (amd64).
inline std::vector<InstanceType> catalog() {
  return {type("t4g.medium", "arm64", "t4g", 2, 4, 1930, 3187, 17, 0.0336, 0.0101, 0.0110),
          type("m7g.large", "arm64", "m7g", 2, 8, 1930, 6844, 29, 0.0816, 0.0340, 0.0321),
          type("m7g.xlarge", "arm64", "m7g", 4, 16, 3920, 14010, 58, 0.1632, 0.0650, 0.0640),
          type("c7g.large", "arm64", "c7g", 2, 4, 1930, 3055, 29, 0.0725, 0.0300, 0.0290),
          type("m5.large", "amd64", "m5", 2, 8, 1930, 6903, 29, 0.1180, 0.0400, 0.0380)};
}

inline Requirement req(std::string key, Operator op, std::vector<std::string> values = {},
                       std::optional<int> min_values = std::nullopt) {
  return Requirement{std::move(key), op, std::move(values), min_values};
}

inline NodePool pool(std::string name, std::int32_t weight = 0,
                     std::vector<Requirement> reqs = {}) {
  NodePool p;
  p.name = std::move(name);
  p.weight = weight;
  p.requirements = std::move(reqs);
  return p;
}

inline PodView pod(std::string name, std::int64_t cpu_milli, std::int64_t memory,
                   std::int64_t creation_us = 0) {
  PodView p;
  p.namespace_ = "shop";
  p.name = std::move(name);
  p.cpu_milli = cpu_milli;
  p.memory_bytes = memory;
  p.creation_us = creation_us;
  return p;
}

inline std::vector<std::string> names(const std::vector<InstanceType>& its) {
  std::vector<std::string> out;
  for (const auto& it : its) out.push_back(it.name);
  return out;
}

}  // namespace ksim::control::karpenter::testing
