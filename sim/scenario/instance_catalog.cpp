// Lookups in the instance catalog, and the EKS allocatable formula
// (cluster-facts A.11 and G; KA pkg/providers/instancetype/types.go). The
// catalog's data is scenarios/catalog/ec2-instance-types.yaml (read in
// catalog_reader.cpp); nothing about instance types is compiled in here.
#include "ksim/sim/scenario/instance_catalog.h"

#include <algorithm>
#include <cctype>

#include "ksim/control/karpenter/requirements.h"
#include "ksim/sim/scenario/node_group.h"

namespace ksim::scenario {
namespace {

constexpr std::int64_t kMiB = std::int64_t{1024} * 1024;

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

std::string_view to_string(CapacityType type) {
  return type == CapacityType::kSpot ? "spot" : "on-demand";
}

std::string region_of_zone(std::string_view zone) {
  std::size_t end = zone.size();
  while (end > 0 && std::islower(static_cast<unsigned char>(zone[end - 1]))) --end;
  if (end == zone.size() || end == 0 || !std::isdigit(static_cast<unsigned char>(zone[end - 1]))) {
    return "";
  }
  return std::string(zone.substr(0, end));
}

const InstanceType* InstanceCatalog::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &types_[it->second];
}

std::optional<Offering> InstanceCatalog::find_offering(std::string_view type,
                                                       std::string_view region,
                                                       std::string_view zone,
                                                       CapacityType capacity_type) const {
  const InstanceType* t = find(type);
  if (t == nullptr) return std::nullopt;
  for (const Offering& o : t->offerings) {
    if (o.region == region && o.zone == zone && o.capacity_type == capacity_type) return o;
  }
  return std::nullopt;
}

std::vector<Offering> InstanceCatalog::offerings(std::string_view type,
                                                 std::string_view region) const {
  std::vector<Offering> out;
  if (const InstanceType* t = find(type)) {
    std::copy_if(t->offerings.begin(), t->offerings.end(), std::back_inserter(out),
                 [&](const Offering& o) { return region.empty() || o.region == region; });
  }
  return out;
}

std::vector<std::string> InstanceCatalog::zones(std::string_view region) const {
  std::vector<std::string> out;
  for (const InstanceType& t : types_) {
    for (const Offering& o : t.offerings) {
      if (o.region == region) out.push_back(o.zone);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

const InstanceType* find_instance_type(std::string_view name) {
  return InstanceCatalog::builtin().find(name);
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

manifest::LabelMap karpenter_instance_labels(const InstanceType& type) {
  namespace k = control::karpenter;
  // "m7g.large": family "m7g", category the leading letters, generation the
  // digits after them, size after the dot.
  const std::size_t dot = type.name.find('.');
  const std::string family = type.name.substr(0, dot);
  std::size_t i = 0;
  while (i < family.size() && std::isalpha(static_cast<unsigned char>(family[i])) != 0) ++i;
  std::size_t j = i;
  while (j < family.size() && std::isdigit(static_cast<unsigned char>(family[j])) != 0) ++j;
  manifest::LabelMap out = {
      {std::string(k::kLabelArch), type.arch},
      {std::string(k::kLabelOs), "linux"},
      {std::string(k::kLabelInstanceFamily), family},
      {std::string(k::kLabelInstanceCategory), family.substr(0, i)},
      {std::string(k::kLabelInstanceGeneration), family.substr(i, j - i)},
      {std::string(k::kLabelInstanceCpu), std::to_string(type.vcpus)},
      {std::string(k::kLabelInstanceMemory), std::to_string(type.memory_mib)}};
  if (dot != std::string::npos) out[std::string(k::kLabelInstanceSize)] = type.name.substr(dot + 1);
  return out;
}

}  // namespace ksim::scenario
