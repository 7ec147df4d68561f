// PodTopologySpread with the system default constraints (topology_spread.h):
// counts, weights log(values + 2), Score and NormalizeScore with numbers.
#include "ksim/control/scheduler/topology_spread.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fixtures.h"

namespace ksim::control::scheduler {
namespace {

using namespace testing;
using Scores = std::vector<std::int64_t>;

const Labels kWeb{{"app", "web"}};

Pod web_pod() {
  Pod p = pod(100, 128 * kMi, "web-new");
  p.labels = kWeb;
  p.spread_selector = LabelSelector{kWeb, {}};
  return p;
}

// Two zones: a (n1, n2) and b (n3, n4); web pods 1, 1, 0, 0.
std::vector<Node> two_zones() {
  std::vector<Node> nodes{node("n1", 2000, 8 * kGi, 110, "a"), node("n2", 2000, 8 * kGi, 110, "a"),
                          node("n3", 2000, 8 * kGi, 110, "b"), node("n4", 2000, 8 * kGi, 110, "b")};
  nodes[0].pods = {placed(100, 128 * kMi, kWeb, "web-1")};
  nodes[1].pods = {placed(100, 128 * kMi, kWeb, "web-2")};
  return nodes;
}

Scores raw_scores(const SpreadState& s, const Pod& p, const std::vector<Node>& nodes,
                  const std::vector<std::size_t>& feasible) {
  Scores out;
  for (const auto i : feasible) out.push_back(spread_score(s, p, nodes[i]));
  return out;
}

TEST(PodTopologySpread, SkippedWithoutSelectorOrNodes) {
  const SchedulerConfig config;
  Pod p = pod(100, kMi);
  EXPECT_FALSE(spread_pre_score(p, two_zones(), {0, 1, 2, 3}, config).has_value());
  p.spread_selector = LabelSelector{};  // an empty selector selects nothing to spread
  EXPECT_FALSE(spread_pre_score(p, two_zones(), {0, 1, 2, 3}, config).has_value());
  EXPECT_FALSE(spread_pre_score(web_pod(), {}, {}, config).has_value());
}

TEST(PodTopologySpread, PrefersTheEmptierZone) {
  const auto nodes = two_zones();
  const Pod p = web_pod();
  const auto s = spread_pre_score(p, nodes, {0, 1, 2, 3}, SchedulerConfig{});
  ASSERT_TRUE(s.has_value());
  ASSERT_EQ(s->constraints.size(), 2u);
  EXPECT_EQ(s->constraints[0].topology_key, "kubernetes.io/hostname");
  EXPECT_EQ(s->constraints[0].max_skew, 3);
  EXPECT_EQ(s->constraints[1].topology_key, "topology.kubernetes.io/zone");
  EXPECT_EQ(s->constraints[1].max_skew, 5);
  EXPECT_DOUBLE_EQ(s->weights[0], std::log(6.0));  // 4 feasible hostnames
  EXPECT_DOUBLE_EQ(s->weights[1], std::log(4.0));  // 2 zones
  EXPECT_EQ(s->counts[1], (std::map<std::string, std::int64_t>{{"a", 2}, {"b", 0}}));
  // n1: 1 x log 6 + (3 - 1) + 2 x log 4 + (5 - 1) = 10.56 -> 11; n3: 0 + 2 + 0 + 4 = 6.
  Scores scores = raw_scores(*s, p, nodes, {0, 1, 2, 3});
  EXPECT_EQ(scores, (Scores{11, 11, 6, 6}));
  // 100 x (max + min - s) / max: n1 100 x 6 / 11 = 54; n3 100 x 11 / 11 = 100.
  spread_normalize_score(scores);
  EXPECT_EQ(scores, (Scores{54, 54, 100, 100}));
}

TEST(PodTopologySpread, CountsEveryNodeTheAffinityAdmitsNotJustFeasibleOnes) {
  auto nodes = two_zones();
  // n5 in zone b is cordoned (not feasible) but its three web pods count for zone b.
  nodes.push_back(node("n5", 2000, 8 * kGi, 110, "b"));
  nodes.back().unschedulable = true;
  for (int i = 0; i < 3; ++i) nodes.back().pods.push_back(placed(100, kMi, kWeb));
  // n6 in zone c is not feasible either: zone c is not a candidate value, not counted.
  nodes.push_back(node("n6", 2000, 8 * kGi, 110, "c"));
  nodes.back().pods = {placed(100, kMi, kWeb)};
  const Pod p = web_pod();
  const std::vector<std::size_t> feasible{0, 1, 2, 3};
  const auto s = spread_pre_score(p, nodes, feasible, SchedulerConfig{});
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->counts[1], (std::map<std::string, std::int64_t>{{"a", 2}, {"b", 3}}));
  // n1: log 6 + 2 + 2 log 4 + 4 = 10.56 -> 11; n3: 0 + 2 + 3 log 4 + 4 = 10.16 -> 10.
  EXPECT_EQ(raw_scores(*s, p, nodes, feasible), (Scores{11, 11, 10, 10}));
}

TEST(PodTopologySpread, PodsOutsideTheSelectorNamespaceOrTerminatingDoNotCount) {
  auto nodes = two_zones();
  nodes[2].pods = {placed(100, kMi, {{"app", "api"}}),  // another app
                   placed(100, kMi, kWeb)};
  nodes[2].pods.back().namespace_ = "other";  // same labels, other namespace
  nodes[3].pods = {placed(100, kMi, kWeb)};
  nodes[3].pods.back().terminating = true;
  EXPECT_EQ(count_matching_pods(nodes[2], LabelSelector{kWeb, {}}, "default"), 0);
  EXPECT_EQ(count_matching_pods(nodes[3], LabelSelector{kWeb, {}}, "default"), 0);
  EXPECT_EQ(count_matching_pods(nodes[0], LabelSelector{kWeb, {}}, "default"), 1);
}

TEST(PodTopologySpread, NodeWithoutZoneLabelStillSpreadsByHostname) {
  std::vector<Node> nodes{node("n1", 2000, 8 * kGi, 110, "a"), node("n2", 2000, 8 * kGi)};
  nodes[1].pods = {placed(100, kMi, kWeb), placed(100, kMi, kWeb)};
  const Pod p = web_pod();
  const auto s = spread_pre_score(p, nodes, {0, 1}, SchedulerConfig{});
  ASSERT_TRUE(s.has_value());
  // Zone values among feasible nodes: "a" and "" (n2 has no label): log(2 + 2).
  EXPECT_DOUBLE_EQ(s->weights[1], std::log(4.0));
  // n1: 0 x log 4 + 2 + 0 x log 4 + 4 = 6; n2: 2 x log 4 + 2 (no zone term) = 4.77 -> 5.
  Scores scores = raw_scores(*s, p, nodes, {0, 1});
  EXPECT_EQ(scores, (Scores{6, 5}));
  spread_normalize_score(scores);
  EXPECT_EQ(scores, (Scores{83, 100}));  // 100 x (6 + 5 - 6) / 6 = 83
}

TEST(PodTopologySpread, NormalizeAllZeroGivesEveryNode100) {
  Scores s{0, 0};
  spread_normalize_score(s);
  EXPECT_EQ(s, (Scores{100, 100}));
}

}  // namespace
}  // namespace ksim::control::scheduler
