// Resource arithmetic and instance-type requirements; see types.h.
#include "ksim/control/karpenter/types.h"

#include <algorithm>

#include "ksim/control/quantity.h"

namespace ksim::control::karpenter {

Resources& Resources::operator+=(const Resources& o) {
  cpu_milli += o.cpu_milli;
  memory_bytes += o.memory_bytes;
  pods += o.pods;
  return *this;
}

Resources& Resources::operator-=(const Resources& o) {
  cpu_milli -= o.cpu_milli;
  memory_bytes -= o.memory_bytes;
  pods -= o.pods;
  return *this;
}

bool Resources::fits_in(const Resources& total) const {
  if (total.cpu_milli < 0 || total.memory_bytes < 0 || total.pods < 0) return false;
  return cpu_milli <= total.cpu_milli && memory_bytes <= total.memory_bytes && pods <= total.pods;
}

Resources Resources::max(const Resources& a, const Resources& b) {
  return {std::max(a.cpu_milli, b.cpu_milli), std::max(a.memory_bytes, b.memory_bytes),
          std::max(a.pods, b.pods)};
}

Resources Resources::min(const Resources& a, const Resources& b) {
  return {std::min(a.cpu_milli, b.cpu_milli), std::min(a.memory_bytes, b.memory_bytes),
          std::min(a.pods, b.pods)};
}

Resources Resources::floored() const {
  return {std::max<std::int64_t>(cpu_milli, 0), std::max<std::int64_t>(memory_bytes, 0),
          std::max<std::int64_t>(pods, 0)};
}

std::string Resources::describe() const {
  std::string s = "{";
  const auto item = [&](std::string_view name, const std::string& v) {
    if (s.size() > 1) s += ',';
    s += '"';
    s += name;
    s += "\":\"" + v + '"';
  };
  if (cpu_milli != 0) item("cpu", format_milli_quantity(cpu_milli));
  if (memory_bytes != 0) item("memory", format_milli_quantity_binary(memory_bytes * 1000));
  if (pods != 0) item("pods", std::to_string(pods));
  return s + "}";
}

std::string_view capacity_type_name(CapacityType c) {
  switch (c) {
    case CapacityType::kOnDemand:
      return "on-demand";
    case CapacityType::kSpot:
      return "spot";
    case CapacityType::kReserved:
      return "reserved";
  }
  return "?";
}

Requirements InstanceType::requirements() const {
  Requirements r = Requirements::of_labels(labels);
  r.add(Requirement{std::string(kLabelInstanceType), Operator::kIn, {name}, std::nullopt});
  Requirement zones{std::string(kLabelZone), Operator::kIn, {}, std::nullopt};
  Requirement types{std::string(kLabelCapacityType), Operator::kIn, {}, std::nullopt};
  for (const auto& o : offerings) {
    zones.values.push_back(o.zone);
    types.values.emplace_back(capacity_type_name(o.capacity_type));
  }
  r.add(zones);
  r.add(types);
  return r;
}

}  // namespace ksim::control::karpenter
