// The EC2 instance catalog: instance types (vCPUs, memory, arch, ENI limits)
// and their offerings (region, zone, capacity type, price per hour). The
// catalog is data: scenarios/catalog/ec2-instance-types.yaml is compiled into
// the library at build time (the built-in catalog, parsed once); a scenario
// may load its own file instead (`instanceCatalog:`). The file format is
// described in that file's header.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/sim/manifest/load.h"

namespace ksim::scenario {

enum class CapacityType { kOnDemand, kSpot };

/// "on-demand" / "spot" (the values of the karpenter.sh/capacity-type label).
std::string_view to_string(CapacityType type);

/// One way to buy an instance type: in a zone, on-demand or spot, at a price.
struct Offering {
  std::string region;  // "ap-northeast-2"
  std::string zone;    // "ap-northeast-2a"
  CapacityType capacity_type = CapacityType::kOnDemand;
  std::int64_t micro_usd_per_hour = 0;  // price in millionths of a US dollar per hour

  [[nodiscard]] double usd_per_hour() const {
    return static_cast<double>(micro_usd_per_hour) / 1e6;
  }
  friend bool operator==(const Offering&, const Offering&) = default;
};

/// One entry of the catalog.
struct InstanceType {
  std::string name;
  std::int32_t vcpus = 0;
  std::int64_t memory_mib = 0;  // EC2's nominal memory
  std::int32_t enis = 0;        // max interfaces of the default network card
  std::int32_t ipv4_per_eni = 0;
  std::string arch;                 // "amd64" or "arm64" (Graviton)
  std::vector<Offering> offerings;  // in file order: region, then on-demand per zone, then spot
};

using LoadError = manifest::LoadError;

class InstanceCatalog {
 public:
  using Result = std::expected<InstanceCatalog, std::vector<LoadError>>;

  /// Parses catalog YAML read as the file `file_name`. Errors are located
  /// ("file:line: instanceTypes[3].offerings[0].onDemand: must be > 0").
  static Result parse(std::string_view text, std::string_view file_name);
  /// Reads and parses a catalog file.
  static Result load(const std::filesystem::path& file);
  /// The shipped catalog, parsed on first use (thread-safe). Aborts if the
  /// compiled-in data is broken (a build-time invariant, covered by tests).
  static const InstanceCatalog& builtin();

  /// The file the catalog was read from ("<built-in> ..." for the shipped one).
  [[nodiscard]] const std::string& source() const { return source_; }
  [[nodiscard]] const std::vector<InstanceType>& types() const { return types_; }
  /// nullptr for a type the catalog does not list.
  [[nodiscard]] const InstanceType* find(std::string_view name) const;
  /// The offering of `type` in `zone` of `region` for `capacity_type`;
  /// nullopt when the type is unknown or not offered there.
  [[nodiscard]] std::optional<Offering> find_offering(std::string_view type,
                                                      std::string_view region,
                                                      std::string_view zone,
                                                      CapacityType capacity_type) const;
  /// Every offering of `type` (in `region` unless ""), in file order.
  [[nodiscard]] std::vector<Offering> offerings(std::string_view type,
                                                std::string_view region = "") const;
  /// The zones where any type is offered in `region`, sorted.
  [[nodiscard]] std::vector<std::string> zones(std::string_view region) const;

 private:
  std::string source_;
  std::vector<InstanceType> types_;
  std::map<std::string, std::size_t, std::less<>> index_;  // name -> position in types_
};

/// The region of an availability zone name: the zone without its trailing
/// lowercase letters ("ap-northeast-2a" -> "ap-northeast-2"); "" unless the
/// letters follow a digit. Local and Wavelength Zones are not recognised.
std::string region_of_zone(std::string_view zone);

}  // namespace ksim::scenario
