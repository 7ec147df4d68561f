// Stabilization windows and scale-event storage, transcribed from upstream
// horizontal_test.go: TestConvertDesiredReplicasWithRules,
// TestNormalizeDesiredReplicas, TestNormalizeDesiredReplicasWithBehavior and
// TestStoreScaleEvents. Expected values are upstream's.
#include <gtest/gtest.h>

#include "ksim/control/hpa/normalization.h"
#include "upstream_fixture.h"

namespace ksim::control::hpa::upstream {
namespace {

TEST(NormalizationUpstream, ConvertDesiredReplicasWithRules) {
  // The legacy path with the tests' scaleUpLimitFactor 8: calculateScaleUpLimit(3) = 24.
  ControllerConfig cfg;
  cfg.legacy_scale_up_limit_factor = 8;
  struct Row {
    std::int32_t current, desired, min, max, want;
    const char* condition;
  };
  const Row rows[] = {{5, 7, 3, 8, 7, "DesiredWithinRange"},
                      {3, 1, 2, 8, 2, "TooFewReplicas"},
                      {1, 0, 0, 10, 0, "DesiredWithinRange"},
                      {20, 1000, 1, 10, 10, "TooManyReplicas"},
                      {3, 1000, 1, 2000, 24, "ScaleUpLimit"}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.desired);
    std::vector<Recommendation> recs;
    const Normalized n =
        normalize_legacy(row.current, row.desired, row.min, row.max, cfg, recs, now());
    EXPECT_EQ(n.desired, row.want);
    EXPECT_EQ(to_string(n.limit), row.condition);
  }
}

std::vector<Recommendation> recs_ago(std::initializer_list<std::pair<int, Duration>> r) {
  std::vector<Recommendation> out;
  for (const auto& [replicas, age] : r) out.push_back({replicas, now() - age - 1ms});
  return out;
}

TEST(NormalizationUpstream, NormalizeDesiredReplicas) {
  // stabilizeRecommendation with the 5 min window: stabilized value and log length.
  struct Row {
    const char* name;
    std::vector<Recommendation> recs;
    std::int32_t desired, want;
    std::size_t log_length;
  };
  const Row rows[] = {
      {"empty log", {}, 5, 5, 1},
      {"stabilize", recs_ago({{4, 2min}, {5, 1min}}), 3, 5, 3},
      {"no stabilize", recs_ago({{1, 2min}, {2, 1min}}), 3, 3, 3},
      {"no stabilize - old recommendations", recs_ago({{10, 10min}, {9, 9min}}), 3, 3, 2},
      {"stabilize - old recommendations", recs_ago({{10, 10min}, {4, 1min}, {5, 2min}, {9, 9min}}),
       3, 5, 4},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    std::vector<Recommendation> recs = row.recs;
    const Normalized n = normalize_legacy(10, row.desired, 1, 100, ControllerConfig{}, recs, now());
    EXPECT_EQ(n.stabilized, row.want);
    EXPECT_EQ(recs.size(), row.log_length);
  }
}

TEST(NormalizationUpstream, NormalizeDesiredReplicasWithBehavior) {
  struct Row {
    const char* name;
    std::vector<Recommendation> recs;
    std::int32_t current, desired, want;
    std::vector<std::int32_t> want_recs;  // empty: not checked
    std::int32_t up_window = 0, down_window = 0;
  };
  const Row rows[] = {
      {"empty recommendations for scaling down", {}, 100, 5, 5, {5}},
      {"simple scale down stabilization",
       recs_ago({{4, 2min}, {5, 1min}}),
       100,
       3,
       5,
       {4, 5, 3},
       0,
       180},
      {"simple scale up stabilization", recs_ago({{4, 2min}, {5, 1min}}), 1, 7, 4, {4, 5, 7}, 300},
      {"no scale down stabilization", recs_ago({{1, 2min}, {2, 1min}}), 100, 3, 3, {1, 2, 3}, 300},
      {"no scale up stabilization", recs_ago({{4, 2min}, {5, 1min}}), 1, 3, 3, {4, 5, 3}, 0, 300},
      {"no scale down stabilization, reuse recommendation element",
       recs_ago({{10, 10min}, {9, 9min}}),
       100,
       3,
       3,
       {10, 3}},
      {"no scale up stabilization, reuse recommendation element",
       recs_ago({{10, 10min}, {9, 9min}}),
       1,
       100,
       100,
       {10, 100}},
      {"scale down stabilization, reuse one of obsolete recommendation element",
       recs_ago({{10, 10min}, {4, 1min}, {5, 2min}, {9, 9min}}),
       100,
       3,
       5,
       {10, 4, 5, 3},
       0,
       180},
      {"scale up stabilization, reuse one of obsolete recommendation element",
       recs_ago({{10, 100min}, {6, 1min}, {5, 2min}, {9, 3min}}),
       1,
       100,
       5,
       {100, 6, 5, 9},
       300},
      {"do not scale up when prenormalized rec goes down",
       recs_ago({{2, 100min}, {3, 3min}}),
       2,
       1,
       2,
       {},
       300,
       300},
      {"do not scale down when prenormalized rec goes up",
       recs_ago({{2, 100min}, {1, 3min}}),
       2,
       3,
       2,
       {},
       300,
       300},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    ResolvedBehavior b = resolve_behavior(Behavior{}, 5min);
    b.scale_up.stabilization_window_seconds = row.up_window;
    b.scale_down.stabilization_window_seconds = row.down_window;
    std::vector<Recommendation> recs = row.recs;
    const Normalized n = normalize_with_behavior(row.current, row.desired, 1, 1000, b, recs,
                                                 ControllerState{}, now());
    EXPECT_EQ(n.stabilized, row.want);
    if (row.want_recs.empty()) continue;
    std::vector<std::int32_t> got;
    for (const Recommendation& r : recs) got.push_back(r.replicas);
    EXPECT_EQ(got, row.want_recs);
  }
}

std::vector<ScaleEvent> events_ago(std::initializer_list<std::pair<int, Duration>> e) {
  std::vector<ScaleEvent> out;
  for (const auto& [change, age] : e) out.push_back({change, now() - age - 1ms, false});
  return out;
}

// getReplicasChangePerPeriod(60, events) through a zero-pod policy: the limit
// is current minus the change of the last 60 s.
std::int32_t change_in_last_minute(const std::vector<ScaleEvent>& events) {
  ResolvedRules r;
  r.policies = {{PolicyType::kPods, 0, 60}};
  return 10 - scale_up_limit_with_rules(10, events, {}, r, now());
}

TEST(NormalizationUpstream, StoreScaleEvents) {
  struct Row {
    const char* name;
    std::vector<ScaleEvent> prev;
    std::vector<std::pair<int, bool>> want;  // replicaChange, outdated
    std::optional<ScalingRules> rules;
    std::int32_t change;
  };
  const auto r = scaling_rules;
  const Row rows[] = {
      {"empty entries with default behavior", {}, {}, {}, 0},
      {"empty entries with two-policy-behavior", {}, {{5, false}}, r(10, 60, 100, 60, 0), 0},
      {"one outdated entry to be kept untouched without behavior",
       events_ago({{7, 61s}}),
       {{7, false}},
       {},
       0},
      {"one outdated entry to be replaced with behavior",
       events_ago({{7, 61s}}),
       {{5, false}},
       r(10, 60, 100, 60, 0),
       0},
      {"one actual entry to be not touched with behavior",
       events_ago({{7, 58s}}),
       {{7, false}, {5, false}},
       r(10, 60, 100, 60, 0),
       7},
      {"two entries, one of them to be replaced",
       events_ago({{7, 61s}, {6, 59s}}),
       {{5, false}, {6, false}},
       r(10, 60, 0, 0, 0),
       6},
      {"replace one entry, use policies with different periods",
       events_ago({{8, 29s}, {6, 59s}, {7, 61s}, {9, 61s}}),
       {{8, false}, {6, false}, {7, true}, {5, false}},
       r(10, 60, 100, 30, 0),
       14},
      {"two entries, both actual",
       events_ago({{7, 58s}, {6, 59s}}),
       {{7, false}, {6, false}, {5, false}},
       r(10, 120, 100, 30, 0),
       13},
  };
  for (const Row& row : rows) {
    for (const bool up : {true, false}) {
      SCOPED_TRACE(std::string(row.name) + (up ? " (up)" : " (down)"));
      EXPECT_EQ(change_in_last_minute(row.prev), row.change);
      ControllerState st;
      (up ? st.scale_up_events : st.scale_down_events) = row.prev;
      if (row.rules) {  // storeScaleEvent returns at once for a nil behavior
        Behavior b;
        (up ? b.scale_up : b.scale_down) = row.rules;
        store_scale_event(resolve_behavior(b, 5min), 10, up ? 15 : 5, st, now());
      }
      std::vector<std::pair<int, bool>> got;
      for (const ScaleEvent& e : up ? st.scale_up_events : st.scale_down_events) {
        got.emplace_back(e.replica_change, e.outdated);
      }
      EXPECT_EQ(got, row.want);
    }
  }
}

}  // namespace
}  // namespace ksim::control::hpa::upstream
