// The AWS launch choice (launch.h): capacity-type priority, ICE-cached
// offerings, filterUnwantedSpot, zone requirements, the flexibility warning.
#include "ksim/control/karpenter/launch.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace ksim::control::karpenter {
namespace {

using namespace testing;

const InstanceType& find(const std::vector<InstanceType>& c, const std::string& n) {
  for (const auto& it : c) {
    if (it.name == n) return it;
  }
  throw std::runtime_error(n);
}

Requirements capacity(std::vector<std::string> types) {
  return Requirements::of({req(std::string(kLabelCapacityType), Operator::kIn, std::move(types))});
}

TEST(KarpenterLaunch, SpotBeforeOnDemandWhenBothAllowed) {
  const auto c = catalog();
  const std::vector<InstanceType> opts{find(c, "m7g.large"), find(c, "m7g.xlarge")};
  const auto d = choose_offering(opts, capacity({"spot", "on-demand"}));
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.capacity_type, CapacityType::kSpot);
  EXPECT_EQ(d.instance_type, "m7g.large");
  EXPECT_EQ(d.zone, kZoneC);  // 0.0321 in 2c < 0.0340 in 2a
  EXPECT_DOUBLE_EQ(d.price_per_hour, 0.0321);
  EXPECT_EQ(d.fitting_types, 2u);
  EXPECT_EQ(d.message,
            "m7g.large spot in ap-northeast-2c at $0.0321/h, cheapest of 2 fitting types");
  EXPECT_EQ(d.warning, "");
}

TEST(KarpenterLaunch, OnDemandOnlyTakesTheCheapestOnDemandAndTiesByZoneName) {
  const auto c = catalog();
  const auto d = choose_offering(c, capacity({"on-demand"}));
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.capacity_type, CapacityType::kOnDemand);
  EXPECT_EQ(d.instance_type, "t4g.medium");
  EXPECT_EQ(d.zone, kZoneA);  // same price in both zones
  EXPECT_EQ(d.fitting_types, 5u);
}

TEST(KarpenterLaunch, UnavailableOfferingIsSkipped) {
  const auto c = catalog();
  const std::vector<InstanceType> opts{find(c, "m7g.large")};
  const UnavailableOfferings ice{{"m7g.large", kZoneC, CapacityType::kSpot}};
  const auto d = choose_offering(opts, capacity({"spot", "on-demand"}), ice);
  EXPECT_EQ(d.capacity_type, CapacityType::kSpot);
  EXPECT_EQ(d.zone, kZoneA);
  EXPECT_DOUBLE_EQ(d.price_per_hour, 0.0340);
}

TEST(KarpenterLaunch, AllSpotUnavailableFallsBackToOnDemandWithTheFlexibilityWarning) {
  const auto c = catalog();
  const std::vector<InstanceType> opts{find(c, "m7g.large")};
  const UnavailableOfferings ice{{"m7g.large", kZoneA, CapacityType::kSpot},
                                 {"m7g.large", kZoneC, CapacityType::kSpot}};
  const auto d = choose_offering(opts, capacity({"spot", "on-demand"}), ice);
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.capacity_type, CapacityType::kOnDemand);
  EXPECT_DOUBLE_EQ(d.price_per_hour, 0.0816);
  EXPECT_EQ(d.warning,
            "at least 5 instance types are recommended when flexible to spot but requesting "
            "on-demand, the current provisioning request only has 1 instance type options");
}

TEST(KarpenterLaunch, SpotDearerThanTheCheapestOnDemandIsDropped) {
  const auto c = catalog();
  // m7g.xlarge's cheapest spot (0.0640) > t4g.medium on-demand (0.0336): filtered out.
  const std::vector<InstanceType> opts{find(c, "m7g.xlarge"), find(c, "t4g.medium")};
  const auto d = choose_offering(opts, capacity({"spot", "on-demand"}));
  EXPECT_EQ(d.fitting_types, 1u);
  EXPECT_EQ(d.instance_type, "t4g.medium");
  EXPECT_EQ(d.zone, kZoneA);
  // Spot only: no on-demand to compare with, both stay.
  EXPECT_EQ(choose_offering(opts, capacity({"spot"})).fitting_types, 2u);
}

TEST(KarpenterLaunch, ZoneRequirementRestrictsTheOverrides) {
  const auto c = catalog();
  auto reqs = capacity({"spot"});
  reqs.add(req(std::string(kLabelZone), Operator::kIn, {kZoneA}));
  const auto d = choose_offering({find(c, "m7g.large")}, reqs);
  EXPECT_EQ(d.zone, kZoneA);
  EXPECT_DOUBLE_EQ(d.price_per_hour, 0.0340);
}

TEST(KarpenterLaunch, NothingLeftCannotLaunch) {
  const auto c = catalog();
  const auto d = choose_offering(
      {find(c, "m7g.large")},
      Requirements::of({req(std::string(kLabelZone), Operator::kIn, {"ap-northeast-2b"})}));
  EXPECT_FALSE(d.ok);
  EXPECT_EQ(d.message,
            "no capacity offerings are currently available given the constraints (1 instance "
            "type option(s))");
}

}  // namespace
}  // namespace ksim::control::karpenter
