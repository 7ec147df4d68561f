// The built-in instance catalog and the EKS allocatable formula (cluster-facts
// A.11 and G: figures from karpenter-provider-aws zz_generated.vpclimits.go).
#include <algorithm>
#include <array>

#include "ksim/sim/scenario/node_group.h"

namespace ksim::scenario {
namespace {

constexpr std::int64_t kMiB = std::int64_t{1024} * 1024;

// name, vCPUs, EC2 MiB, ENIs, IPv4 per ENI, arch.
constexpr std::array<InstanceType, 11> kCatalog = {{
    {"t4g.medium", 2, 4096, 3, 6, "arm64"},
    {"t4g.large", 2, 8192, 3, 12, "arm64"},
    {"m6g.large", 2, 8192, 3, 10, "arm64"},
    {"m7g.large", 2, 8192, 3, 10, "arm64"},
    {"c6g.large", 2, 4096, 3, 10, "arm64"},
    {"c7g.large", 2, 4096, 3, 10, "arm64"},
    {"m6g.xlarge", 4, 16384, 4, 15, "arm64"},
    {"m7g.xlarge", 4, 16384, 4, 15, "arm64"},
    {"c7g.xlarge", 4, 8192, 4, 15, "arm64"},
    {"m7g.2xlarge", 8, 32768, 4, 15, "arm64"},
    {"m5.large", 2, 8192, 3, 10, "amd64"},
}};

// Graviton's contiguous memory allocator reservation (KA types.go `memory`).
constexpr std::int64_t kArmCmaMiB = 64;
// Default evictionHard memory.available (KA types.go `evictionThreshold`).
constexpr std::int64_t kEvictionMiB = 100;

// kube-reserved CPU in millicores for `cores` (KA types.go kubeReservedResources):
// per-core percentages of 1000m, in thousandths of a millicore.
std::int64_t kube_reserved_cpu_milli(std::int64_t cores) {
  std::int64_t micro = 0;  // thousandths of a millicore
  for (std::int64_t c = 1; c <= cores; ++c) {
    micro += c == 1 ? 60'000 : (c == 2 ? 10'000 : (c <= 4 ? 5'000 : 2'500));
  }
  return micro / 1000;
}

}  // namespace

std::optional<InstanceType> find_instance_type(std::string_view name) {
  const auto* it = std::find_if(kCatalog.begin(), kCatalog.end(),
                                [name](const InstanceType& t) { return t.name == name; });
  if (it == kCatalog.end()) return std::nullopt;
  return *it;
}

Resources eks_capacity(const InstanceType& type) {
  std::int64_t mib = type.memory_mib - (type.arch == "arm64" ? kArmCmaMiB : 0);
  // Karpenter's --vm-memory-overhead-percent default 0.075 (KA options.go),
  // rounded up, in integers: ceil(mib * 75 / 1000).
  mib -= (mib * 75 + 999) / 1000;
  return Resources{
      .cpu_milli = type.vcpus * std::int64_t{1000},
      .memory_bytes = mib * kMiB,
      .pods = type.enis * (type.ipv4_per_eni - 1) + 2,
  };
}

Resources eks_allocatable(const Resources& capacity) {
  const std::int64_t cores = (capacity.cpu_milli + 999) / 1000;
  const std::int64_t reserved_mib = 11 * std::int64_t{capacity.pods} + 255 + kEvictionMiB;
  return Resources{
      .cpu_milli = std::max<std::int64_t>(0, capacity.cpu_milli - kube_reserved_cpu_milli(cores)),
      .memory_bytes = std::max<std::int64_t>(0, capacity.memory_bytes - reserved_mib * kMiB),
      .pods = capacity.pods,
  };
}

}  // namespace ksim::scenario
