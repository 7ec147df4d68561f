// Disruption budgets and the cron matcher (budgets.h) on hand-computed tables.
#include "ksim/control/karpenter/budgets.h"

#include <gtest/gtest.h>

#include "disruption_fixtures.h"

namespace ksim::control::karpenter {
namespace {

using namespace testing;

// 2024-01-01 00:00:00 UTC was a Monday.
constexpr std::int64_t kMonday = 1704067200LL * kSec;
constexpr std::int64_t kHour = 3600 * kSec;

Budget budget(std::string nodes, std::optional<std::string> schedule = std::nullopt,
              std::optional<std::int64_t> hours = std::nullopt) {
  Budget b;
  b.nodes = std::move(nodes);
  b.schedule = std::move(schedule);
  if (hours) b.duration = std::chrono::hours{*hours};
  return b;
}

TEST(KarpenterBudgets, PercentagesRoundUpAgainstTheNodeCount) {
  struct Row {
    std::string nodes;
    std::int64_t num_nodes;
    std::optional<std::int64_t> allowed;
  };
  const Row rows[] = {
      {"10%", 15, 2},
      {"10%", 5, 1},
      {"10%", 10, 1},
      {"10%", 11, 2},
      {"10%", 0, 0},
      {"50%", 3, 2},
      {"100%", 7, 7},
      {"0", 15, 0},
      {"3", 15, 3},
      {"0%", 9, 0},
      {"abc", 5, std::nullopt},
      {"101%", 5, std::nullopt},
      {"-1", 5, std::nullopt},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(budget_allows(budget(r.nodes), r.num_nodes, kMonday), r.allowed)
        << r.nodes << " of " << r.num_nodes;
  }
}

TEST(KarpenterBudgets, CronWindowIsActiveFromTheHitForTheDuration) {
  const Budget b = budget("0", "0 9 * * 1-5", 8);  // weekdays 09:00-17:00 UTC
  struct Row {
    std::int64_t at;
    bool active;
  };
  const Row rows[] = {
      {kMonday + 9 * kHour - 60 * kSec, false},        // 08:59
      {kMonday + 9 * kHour, true},                     // the hit itself
      {kMonday + 17 * kHour - 1, true},                // 16:59:59.999999
      {kMonday + 17 * kHour, false},                   // duration elapsed
      {kMonday + 5 * 24 * kHour + 10 * kHour, false},  // Saturday 10:00
      {kMonday + 4 * 24 * kHour + 12 * kHour, true},   // Friday 12:00
  };
  for (const auto& r : rows) {
    EXPECT_EQ(budget_active(b, r.at), r.active) << (r.at - kMonday) / kSec;
  }
  EXPECT_EQ(budget_allows(b, 10, kMonday + 10 * kHour), 0);
  EXPECT_EQ(budget_allows(b, 10, kMonday + 18 * kHour), kUnboundedDisruptions);
}

TEST(KarpenterBudgets, CronFieldsStepsListsNamesAndDescriptors) {
  const auto c = CronSchedule::parse("*/15 0,12 * JAN-mar sun");
  ASSERT_TRUE(c.has_value());
  const std::int64_t sunday = kMonday + 6 * 24 * kHour;  // 2024-01-07
  EXPECT_TRUE(c->matches_minute(sunday + 12 * kHour + 45 * 60 * kSec));
  EXPECT_FALSE(c->matches_minute(sunday + 12 * kHour + 50 * 60 * kSec));
  EXPECT_FALSE(c->matches_minute(sunday + 13 * kHour));
  EXPECT_FALSE(c->matches_minute(kMonday + 12 * kHour));  // a Monday
  // Day-of-month and day-of-week both restricted: either matches.
  const auto either = CronSchedule::parse("0 0 1 * 0");
  EXPECT_TRUE(either->matches_minute(kMonday));  // the 1st (a Monday)
  EXPECT_TRUE(either->matches_minute(sunday));   // a Sunday (the 7th)
  EXPECT_FALSE(either->matches_minute(kMonday + 24 * kHour));
  EXPECT_TRUE(CronSchedule::parse("@daily")->matches_minute(kMonday));
  EXPECT_FALSE(CronSchedule::parse("0 9 * *").has_value());
  EXPECT_FALSE(CronSchedule::parse("60 * * * *").has_value());
  EXPECT_FALSE(CronSchedule::parse("0 0 * * 7").has_value());  // robfig: 0-6
}

TEST(KarpenterBudgets, MinimumOverMatchingReasonsAndMisconfiguredFailsClosed) {
  NodePool p = pool("default");
  p.disruption.budgets = {budget("10%"), budget("1")};
  p.disruption.budgets[1].reasons = {DisruptionReason::kEmpty};
  EXPECT_EQ(allowed_disruptions(p, 30, DisruptionReason::kUnderutilized, kMonday), 3);
  EXPECT_EQ(allowed_disruptions(p, 30, DisruptionReason::kEmpty, kMonday), 1);
  p.disruption.budgets.push_back(budget("5", "not a cron", 1));
  EXPECT_EQ(allowed_disruptions(p, 30, DisruptionReason::kUnderutilized, kMonday), 0);
}

TEST(KarpenterBudgets, MappingCountsInitializedNodesAndSubtractsDisrupting) {
  std::vector<ExistingNode> nodes;
  for (int i = 0; i < 15; ++i) {
    nodes.push_back(knode("n" + std::to_string(i), "m7g.large", "on-demand", {}));
  }
  nodes[0].marked_for_deletion = true;  // counts in the 15 and consumes one
  nodes.push_back(knode("booting", "m7g.large", "on-demand", {}));
  nodes.back().initialized = false;  // not counted: 15 nodes, 10% -> 2
  const auto m = budget_mapping({pool("default")}, nodes, DisruptionReason::kEmpty, kMonday);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].num_nodes, 15);
  EXPECT_EQ(m[0].allowed_by_budgets, 2);
  EXPECT_EQ(m[0].disrupting, 1);
  EXPECT_EQ(m[0].allowed, 1);
}

}  // namespace
}  // namespace ksim::control::karpenter
