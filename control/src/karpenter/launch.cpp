// The launch choice; see launch.h for the upstream steps.
#include "ksim/control/karpenter/launch.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <optional>
#include <set>
#include <utility>

namespace ksim::control::karpenter {
namespace {

/// An offering the launch may use: available, not ICE-cached, and allowed by
/// the claim's zone / capacity-type requirements.
bool usable(const InstanceType& it, const Offering& o, const Requirements& reqs,
            const UnavailableOfferings& unavailable) {
  return o.available && reqs.allows(kLabelZone, o.zone) &&
         reqs.allows(kLabelCapacityType, capacity_type_name(o.capacity_type)) &&
         !unavailable.contains(OfferingKey{it.name, o.zone, o.capacity_type});
}

std::optional<double> cheapest(const InstanceType& it, const Requirements& reqs,
                               const UnavailableOfferings& unavailable,
                               std::optional<CapacityType> only = std::nullopt) {
  std::optional<double> best;
  for (const auto& o : it.offerings) {
    if (!usable(it, o, reqs, unavailable) || (only && o.capacity_type != *only)) continue;
    if (!best || o.price_per_hour < *best) best = o.price_per_hour;
  }
  return best;
}

bool offered(const std::vector<InstanceType>& its, const Requirements& reqs,
             const UnavailableOfferings& unavailable, CapacityType c) {
  return std::any_of(its.begin(), its.end(), [&](const InstanceType& it) {
    return cheapest(it, reqs, unavailable, c).has_value();
  });
}

/// The cheapest CreateFleet override of capacity type `c` (types in price order,
/// so equal prices keep the type order; within a type the zone name decides).
std::pair<const InstanceType*, const Offering*> cheapest_override(
    const std::vector<const InstanceType*>& its, CapacityType c, const Requirements& reqs,
    const UnavailableOfferings& unavailable) {
  const Offering* best = nullptr;
  const InstanceType* best_it = nullptr;
  for (const auto* it : its) {
    for (const auto& o : it->offerings) {
      if (o.capacity_type != c || !usable(*it, o, reqs, unavailable)) continue;
      if (best == nullptr || o.price_per_hour < best->price_per_hour ||
          (o.price_per_hour == best->price_per_hour && it == best_it && o.zone < best->zone)) {
        best = &o;
        best_it = it;
      }
    }
  }
  return {best_it, best};
}

}  // namespace

double worst_launch_price(const InstanceType& it, const Requirements& reqs,
                          const UnavailableOfferings& unavailable) {
  for (CapacityType c : {CapacityType::kReserved, CapacityType::kSpot, CapacityType::kOnDemand}) {
    std::optional<double> worst;
    for (const auto& o : it.offerings) {
      if (o.capacity_type != c || !usable(it, o, reqs, unavailable)) continue;
      if (!worst || o.price_per_hour > *worst) worst = o.price_per_hour;
    }
    if (worst) return *worst;
  }
  return std::numeric_limits<double>::infinity();
}

std::optional<double> node_price(const InstanceType& it, const Labels& node_labels) {
  const Requirements reqs = Requirements::of_labels(node_labels);
  std::optional<double> best;
  for (const auto& o : it.offerings) {
    if (!reqs.allows(kLabelZone, o.zone) ||
        !reqs.allows(kLabelCapacityType, capacity_type_name(o.capacity_type))) {
      continue;
    }
    if (!best || o.price_per_hour < *best) best = o.price_per_hour;
  }
  return best;
}

std::optional<std::vector<InstanceType>> remove_by_price(const std::vector<InstanceType>& options,
                                                         const Requirements& reqs, double max_price,
                                                         const UnavailableOfferings& unavailable) {
  std::vector<InstanceType> out;
  for (const auto& it : options) {
    if (worst_launch_price(it, reqs, unavailable) < max_price) out.push_back(it);
  }
  // SatisfiesMinValues over what remains.
  for (const auto& [key, vs] : reqs.entries()) {
    if (!vs.min_values) continue;
    std::set<std::string> seen;
    for (const auto& it : out) {
      const ValueSet* v = it.requirements().get(key);
      if (v != nullptr && !v->complement) seen.insert(v->values.begin(), v->values.end());
    }
    if (static_cast<int>(seen.size()) < *vs.min_values) return std::nullopt;
  }
  return out;
}

std::string format_price(double per_hour) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.4f/h", per_hour);
  return buf;
}

LaunchChoice choose_offering(const std::vector<InstanceType>& options, const Requirements& reqs,
                             const UnavailableOfferings& unavailable) {
  LaunchChoice out;
  const auto allowed = [&](CapacityType c) {
    return reqs.allows(kLabelCapacityType, capacity_type_name(c)) &&
           offered(options, reqs, unavailable, c);
  };
  // getCapacityType: reserved > spot > on-demand (on-demand is the fallback).
  out.capacity_type = allowed(CapacityType::kReserved) ? CapacityType::kReserved
                      : allowed(CapacityType::kSpot)   ? CapacityType::kSpot
                                                       : CapacityType::kOnDemand;
  std::vector<const InstanceType*> its;
  for (const auto& it : options) {
    if (cheapest(it, reqs, unavailable)) its.push_back(&it);
  }
  // filterUnwantedSpot, only for a mixed spot / on-demand launch.
  if (allowed(CapacityType::kSpot) && allowed(CapacityType::kOnDemand)) {
    double od = std::numeric_limits<double>::max();
    for (const auto* it : its) {
      od = std::min(od, cheapest(*it, reqs, unavailable, CapacityType::kOnDemand)
                            .value_or(std::numeric_limits<double>::max()));
    }
    std::erase_if(its,
                  [&](const InstanceType* it) { return *cheapest(*it, reqs, unavailable) > od; });
  }
  // orderInstanceTypesByPrice (cheapest usable offering, then name) and truncation.
  std::stable_sort(its.begin(), its.end(), [&](const InstanceType* a, const InstanceType* b) {
    const double pa = *cheapest(*a, reqs, unavailable);
    const double pb = *cheapest(*b, reqs, unavailable);
    return pa != pb ? pa < pb : a->name < b->name;
  });
  if (its.size() > kMaxFleetInstanceTypes) its.resize(kMaxFleetInstanceTypes);
  out.fitting_types = its.size();
  // CreateFleet overrides: offerings of the chosen capacity type; the cheapest wins.
  const auto [best_it, best] = cheapest_override(its, out.capacity_type, reqs, unavailable);
  if (best == nullptr) {
    out.message = "no capacity offerings are currently available given the constraints (" +
                  std::to_string(options.size()) + " instance type option(s))";
    return out;
  }
  out.ok = true;
  out.instance_type = best_it->name;
  out.zone = best->zone;
  out.price_per_hour = best->price_per_hour;
  out.message = best_it->name + " " + std::string(capacity_type_name(out.capacity_type)) + " in " +
                best->zone + " at " + format_price(best->price_per_hour) + ", cheapest of " +
                std::to_string(out.fitting_types) + " fitting type" +
                (out.fitting_types == 1 ? "" : "s");
  if (out.capacity_type == CapacityType::kOnDemand && reqs.allows(kLabelCapacityType, "spot") &&
      its.size() < kFlexibilityThreshold) {
    out.warning =
        "at least 5 instance types are recommended when flexible to spot but "
        "requesting on-demand, the current provisioning request only has " +
        std::to_string(its.size()) + " instance type options";
  }
  return out;
}

}  // namespace ksim::control::karpenter
