// The AWS provider's launch choice for one NodeClaim (upstream
// aws/karpenter-provider-aws pkg/providers/instance/instance.go Create:
// filterInstanceTypes, getCapacityType, orderInstanceTypesByPrice, truncation
// to MaxInstanceTypes = 60, then one CreateFleet request of type instant).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "ksim/control/karpenter/requirements.h"
#include "ksim/control/karpenter/types.h"

namespace ksim::control::karpenter {

inline constexpr std::size_t kMaxFleetInstanceTypes = 60;  // instance.go MaxInstanceTypes
/// instance.go instanceTypeFlexibilityThreshold: fewer on-demand options than
/// this while spot was allowed only logs a warning.
inline constexpr std::size_t kFlexibilityThreshold = 5;

struct LaunchChoice {
  bool ok = false;
  std::string instance_type;
  std::string zone;
  CapacityType capacity_type = CapacityType::kOnDemand;
  double price_per_hour = 0.0;
  /// Instance types sent to CreateFleet (after the filters and truncation).
  std::size_t fitting_types = 0;
  /// "m7g.large spot in ap-northeast-2c at $0.0321/h, cheapest of 14 fitting
  /// types", or why nothing can launch.
  std::string message;
  /// upstream checkODFallback's warning, empty when it does not apply.
  std::string warning;
};

/// The offering a NodeClaim launches with. `options` are its remaining
/// instance types (the scheduling simulation's narrowed list); offerings count
/// when available, not in `unavailable`, and compatible with the claim's zone
/// and capacity-type requirements. Steps, as upstream:
/// 1. capacity type: reserved, else spot, else on-demand, the first the
///    requirements allow with an offering left (getCapacityType);
/// 2. when both spot and on-demand are allowed and offered, drop types whose
///    cheapest offering costs more than the cheapest on-demand offering
///    (filterUnwantedSpot);
/// 3. order by cheapest offering, ties by name, keep 60;
/// 4. CreateFleet: on-demand "lowest-price" takes the cheapest (type, zone)
///    override of that capacity type. Spot uses "price-capacity-optimized",
///    which EC2 resolves with pool depth ksim does not know; ksim takes the
///    cheapest spot override too (a ksim assumption, not upstream behaviour).
///    Equal prices: type order, then zone name.
LaunchChoice choose_offering(const std::vector<InstanceType>& options,
                             const Requirements& claim_requirements,
                             const UnavailableOfferings& unavailable = {});

/// upstream Offerings.WorstLaunchPrice (pkg/cloudprovider/types.go): among the
/// type's available, not ICE-cached offerings the requirements allow, the
/// most expensive one of the capacity type a launch would use (reserved, then
/// spot, then on-demand); +infinity (MaxFloat64 upstream) when none.
double worst_launch_price(const InstanceType& it, const Requirements& reqs,
                          const UnavailableOfferings& unavailable = {});

/// The cheapest offering price of `it` compatible with a node's labels (its
/// zone and capacity type): the candidate price of disruption
/// (consolidation.go getCandidatePrices, Offerings.Compatible(labels).Cheapest);
/// nullopt when no offering matches. Availability is not required.
std::optional<double> node_price(const InstanceType& it, const Labels& node_labels);

/// upstream NodeClaim.RemoveInstanceTypeOptionsByPriceAndMinValues
/// (scheduling/nodeclaim.go): keeps the types whose worst launch price is
/// strictly below `max_price`, in order; nullopt when minValues of `reqs` is
/// no longer met by what remains (an error upstream).
std::optional<std::vector<InstanceType>> remove_by_price(
    const std::vector<InstanceType>& options, const Requirements& reqs, double max_price,
    const UnavailableOfferings& unavailable = {});

/// "$0.0321/h": the price with 4 decimals (what the messages print).
std::string format_price(double per_hour);

}  // namespace ksim::control::karpenter
