// Stabilization and limits: spec sections 7, 8 (TestScalingWithRules numbers).
#include "ksim/control/hpa/normalization.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace ksim::control::hpa {
namespace {

using namespace testing;

ResolvedBehavior defaults() { return resolve_behavior(Behavior{}, 5min); }

std::vector<ScaleEvent> events_ago(std::initializer_list<std::pair<int, int>> change_and_secs) {
  std::vector<ScaleEvent> out;
  for (auto [change, secs] : change_and_secs) {
    out.push_back(ScaleEvent{change, t0() - std::chrono::seconds(secs), false});
  }
  return out;
}

TEST(BehaviorDefaults, ApiDefaultsAndControllerWindow) {
  const ResolvedBehavior b = defaults();
  EXPECT_EQ(b.scale_up.stabilization_window_seconds, 0);
  EXPECT_EQ(b.scale_up.select_policy, SelectPolicy::kMax);
  ASSERT_EQ(b.scale_up.policies.size(), 2u);
  EXPECT_EQ(b.scale_up.policies[0].value, 4);
  EXPECT_EQ(b.scale_up.policies[1].value, 100);
  EXPECT_EQ(b.scale_down.stabilization_window_seconds, 300);
  ASSERT_EQ(b.scale_down.policies.size(), 1u);
  EXPECT_EQ(b.scale_down.policies[0].type, PolicyType::kPercent);
  EXPECT_EQ(resolve_behavior(Behavior{}, 60s).scale_down.stabilization_window_seconds, 60);
}

struct RateCase {
  const char* name;
  std::int32_t current;
  std::vector<ScaleEvent> up;
  std::vector<ScaleEvent> down;
  ScalingRules rules;
  bool scale_up;
  std::int32_t want;
};

TEST(RateLimits, WorkedExamples) {
  const auto pods = [](int v, int p) { return ScalingPolicy{PolicyType::kPods, v, p}; };
  const auto pct = [](int v, int p) { return ScalingPolicy{PolicyType::kPercent, v, p}; };
  const RateCase cases[] = {
      // Current 10, default behavior: max(10 + 4, 2 x 10) = 20.
      {"default up", 10, {}, {}, ScalingRules{}, true, 20},
      // Up events 1, 5, 9 at 100, 60, 20 s ago; Pods 150 / 120 s: start 85 -> 235.
      {"pods 150 over events",
       100,
       events_ago({{1, 100}, {5, 60}, {9, 20}}),
       {},
       ScalingRules{0, SelectPolicy::kMax, std::vector{pods(150, 120)}, {}},
       true,
       235},
      // Same events, Pods 5 / 120 s: 85 + 5 = 90 (< current, caller clamps).
      {"pods 5 over events",
       100,
       events_ago({{1, 100}, {5, 60}, {9, 20}}),
       {},
       ScalingRules{0, SelectPolicy::kMax, std::vector{pods(5, 120)}, {}},
       true,
       90},
      // Down events 2, 4, 6, Percent 50 / 120 s: start 112 -> floor 56.
      {"percent 50 down",
       100,
       {},
       events_ago({{2, 100}, {4, 60}, {6, 20}}),
       ScalingRules{300, SelectPolicy::kMax, std::vector{pct(50, 120)}, {}},
       false,
       56},
      // S9: 80 replicas, Pods 4 / 60 s and Percent 10 / 60 s, Max: min(76, 72) = 72.
      {"S9 first step",
       80,
       {},
       {},
       ScalingRules{300, SelectPolicy::kMax, std::vector{pods(4, 60), pct(10, 60)}, {}},
       false,
       72},
      // The removal of 8 still counts inside the 60 s period: start 80 -> 72 again.
      {"S9 second step inside period",
       72,
       {},
       events_ago({{8, 30}}),
       ScalingRules{300, SelectPolicy::kMax, std::vector{pods(4, 60), pct(10, 60)}, {}},
       false,
       72},
      // Once the event is older than 60 s: trunc(72 x 0.9) = 64.
      {"S9 second step after period",
       72,
       {},
       events_ago({{8, 61}}),
       ScalingRules{300, SelectPolicy::kMax, std::vector{pods(4, 60), pct(10, 60)}, {}},
       false,
       64},
      // An event exactly one period old no longer counts (strictly after now - P).
      {"period boundary is strict",
       72,
       {},
       events_ago({{8, 60}}),
       ScalingRules{300, SelectPolicy::kMax, std::vector{pods(4, 60), pct(10, 60)}, {}},
       false,
       64},
      {"Min picks least change up",
       10,
       {},
       {},
       ScalingRules{0, SelectPolicy::kMin, std::vector{pods(4, 15), pct(100, 15)}, {}},
       true,
       14},
      {"Min picks least change down",
       80,
       {},
       {},
       ScalingRules{0, SelectPolicy::kMin, std::vector{pods(4, 60), pct(10, 60)}, {}},
       false,
       76},
      {"Disabled up", 10, {}, {}, ScalingRules{0, SelectPolicy::kDisabled, {}, {}}, true, 10},
      {"percent up rounds up",
       3,
       {},
       {},
       ScalingRules{0, SelectPolicy::kMax, std::vector{pct(10, 60)}, {}},
       true,
       4},
      {"percent down truncates",
       3,
       {},
       {},
       ScalingRules{0, SelectPolicy::kMax, std::vector{pct(10, 60)}, {}},
       false,
       2},
  };
  for (const RateCase& c : cases) {
    Behavior b;
    (c.scale_up ? b.scale_up : b.scale_down) = c.rules;
    const ResolvedBehavior rb = resolve_behavior(b, 5min);
    const std::int32_t got =
        c.scale_up ? scale_up_limit_with_rules(c.current, c.up, c.down, rb.scale_up, t0())
                   : scale_down_limit_with_rules(c.current, c.up, c.down, rb.scale_down, t0());
    EXPECT_EQ(got, c.want) << c.name;
  }
}

TEST(NormalizeWithBehavior, LimitReasons) {
  std::vector<Recommendation> recs;
  ControllerState ev;
  Normalized n = normalize_with_behavior(10, 50, 1, 100, defaults(), recs, ev, t0());
  EXPECT_EQ(n.desired, 20);
  EXPECT_EQ(n.limit, LimitReason::kScaleUpLimit);
  EXPECT_TRUE(n.limited);
  recs.clear();
  n = normalize_with_behavior(10, 50, 1, 15, defaults(), recs, ev, t0());
  EXPECT_EQ(n.desired, 15);
  EXPECT_EQ(n.limit, LimitReason::kTooManyReplicas);
  // Pods 5 / 120 s with events: limit 90 < current -> current: stays 100.
  ControllerState e2;
  e2.scale_up_events = events_ago({{1, 100}, {5, 60}, {9, 20}});
  Behavior b;
  b.scale_up = ScalingRules{
      0, SelectPolicy::kMax, std::vector{ScalingPolicy{PolicyType::kPods, 5, 120}}, {}};
  recs.clear();
  n = normalize_with_behavior(100, 150, 1, 1000, resolve_behavior(b, 5min), recs, e2, t0());
  EXPECT_EQ(n.desired, 100);
  EXPECT_EQ(n.limit, LimitReason::kScaleUpLimit);
  // Scale-down to below minReplicas with 100 % policy: TooFewReplicas.
  Behavior d;
  d.scale_down = ScalingRules{0, {}, {}, {}};
  recs.clear();
  n = normalize_with_behavior(10, 1, 3, 20, resolve_behavior(d, 5min), recs, ev, t0());
  EXPECT_EQ(n.desired, 3);
  EXPECT_EQ(n.limit, LimitReason::kTooFewReplicas);
}

TEST(NormalizeWithBehavior, StabilizationWindows) {
  Behavior b;
  b.scale_up = ScalingRules{60, {}, {}, {}};
  b.scale_down = ScalingRules{120, {}, {}, {}};
  const ResolvedBehavior rb = resolve_behavior(b, 5min);
  ControllerState ev;
  // Scale-up only as high as the lowest recent proposal.
  std::vector<Recommendation> recs{{6, t0() - 30s}, {8, t0() - 90s}};
  Normalized n = normalize_with_behavior(4, 10, 1, 100, rb, recs, ev, t0());
  EXPECT_EQ(n.stabilized, 6);
  EXPECT_EQ(n.stabilization, StabilizationReason::kScaleUpStabilized);
  // Scale-down only as low as the highest recent proposal (within 120 s).
  recs = {{9, t0() - 100s}, {12, t0() - 121s}};
  n = normalize_with_behavior(10, 5, 1, 100, rb, recs, ev, t0());
  EXPECT_EQ(n.stabilized, 9);
  EXPECT_EQ(n.stabilization, StabilizationReason::kScaleDownStabilized);
  // The record older than both windows was replaced by the raw proposal.
  EXPECT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].replicas, 5);
  EXPECT_EQ(recs[1].time, t0());
  // Proposals on both sides of current: nothing changes.
  recs = {{3, t0() - 10s}, {20, t0() - 10s}};
  n = normalize_with_behavior(10, 10, 1, 100, rb, recs, ev, t0());
  EXPECT_EQ(n.desired, 10);
  EXPECT_EQ(n.stabilization, StabilizationReason::kReadyForNewScale);
}

TEST(NormalizeLegacy, StabilizeThenClamp) {
  ControllerConfig cfg;
  cfg.legacy_scale_up_limit_factor = 8;  // the upstream tests' factor
  // Highest proposal of the last 5 min holds a scale-down.
  std::vector<Recommendation> recs{{7, t0() - 4min}, {9, t0() - 6min}};
  Normalized n = normalize_legacy(8, 3, 1, 20, cfg, recs, t0());
  EXPECT_EQ(n.desired, 7);
  EXPECT_EQ(n.stabilization, StabilizationReason::kScaleDownStabilized);
  EXPECT_EQ(recs[1].replicas, 3);  // the expired record was replaced
  // A record exactly W old still counts (not strictly before now - W).
  recs = {{7, t0() - 5min}};
  EXPECT_EQ(normalize_legacy(8, 3, 1, 20, cfg, recs, t0()).desired, 7);
  // Scale-up cap max(8 x 2, 4) = 16 < max 100.
  recs.clear();
  n = normalize_legacy(2, 50, 1, 100, cfg, recs, t0());
  EXPECT_EQ(n.desired, 16);
  EXPECT_EQ(n.limit, LimitReason::kScaleUpLimit);
  // Production factor 2, minimum 4: from 1 replica the cap is 4.
  recs.clear();
  n = normalize_legacy(1, 10, 1, 100, ControllerConfig{}, recs, t0());
  EXPECT_EQ(n.desired, 4);
  recs.clear();
  n = normalize_legacy(5, 0, 2, 10, cfg, recs, t0());
  EXPECT_EQ(n.desired, 2);
  EXPECT_EQ(n.limit, LimitReason::kTooFewReplicas);
  recs.clear();
  n = normalize_legacy(5, 30, 2, 10, cfg, recs, t0());
  EXPECT_EQ(n.desired, 10);
  EXPECT_EQ(n.limit, LimitReason::kTooManyReplicas);
}

TEST(StoreScaleEvent, ReusesOutdatedEntries) {
  const ResolvedBehavior b = defaults();  // longest scale-up period 15 s
  ControllerState s;
  s.scale_up_events = events_ago({{2, 30}, {3, 10}});
  store_scale_event(b, 4, 8, s, t0());
  ASSERT_EQ(s.scale_up_events.size(), 2u);
  EXPECT_EQ(s.scale_up_events[0].replica_change, 4);  // the outdated one was overwritten
  EXPECT_FALSE(s.scale_up_events[0].outdated);
  store_scale_event(b, 8, 6, s, t0());
  ASSERT_EQ(s.scale_down_events.size(), 1u);
  EXPECT_EQ(s.scale_down_events[0].replica_change, 2);
  store_scale_event(b, 8, 9, s, t0());
  EXPECT_EQ(s.scale_up_events.size(), 3u);  // nothing outdated: appended
}

}  // namespace
}  // namespace ksim::control::hpa
