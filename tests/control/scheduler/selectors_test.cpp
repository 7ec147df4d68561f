// Label, node-selector and toleration matching (selectors.h). The node affinity
// table reproduces upstream nodeaffinity TestNodeAffinity cases by name; the
// toleration table follows core/v1 TestTolerationToleratesTaint.
#include "ksim/control/scheduler/selectors.h"

#include <gtest/gtest.h>

#include <limits>
#include <optional>

namespace ksim::control::scheduler {
namespace {

TEST(ParseInt64, GoStrconvParseIntBase10) {
  EXPECT_EQ(parse_int64("0206"), 206);
  EXPECT_EQ(parse_int64("+7"), 7);
  EXPECT_EQ(parse_int64("-7"), -7);
  EXPECT_EQ(parse_int64("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_int64("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(parse_int64("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_int64(""), std::nullopt);
  EXPECT_EQ(parse_int64("+"), std::nullopt);
  EXPECT_EQ(parse_int64("+-1"), std::nullopt);
  EXPECT_EQ(parse_int64("1_000"), std::nullopt);
  EXPECT_EQ(parse_int64(" 1"), std::nullopt);
  EXPECT_EQ(parse_int64("1.5"), std::nullopt);
}

struct AffinityCase {
  const char* name;  // upstream TestNodeAffinity case name
  Labels node_selector;
  std::optional<std::vector<NodeSelectorTerm>> terms;
  Labels node_labels;
  bool want;
};

Requirement in(std::string key, std::vector<std::string> values) {
  return {std::move(key), SelectorOp::kIn, std::move(values)};
}

TEST(RequiredNodeAffinity, UpstreamTestNodeAffinityCases) {
  const AffinityCase cases[] = {
      {"missing labels", {{"foo", "bar"}}, std::nullopt, {}, false},
      {"same labels", {{"foo", "bar"}}, std::nullopt, {{"foo", "bar"}}, true},
      {"node labels are superset",
       {{"foo", "bar"}},
       std::nullopt,
       {{"foo", "bar"}, {"baz", "blah"}},
       true},
      {"node labels are subset",
       {{"foo", "bar"}, {"baz", "blah"}},
       std::nullopt,
       {{"foo", "bar"}},
       false},
      {"Pod with matchExpressions using In operator that matches the existing node",
       {},
       std::vector{NodeSelectorTerm{{in("foo", {"bar", "value2"})}}},
       {{"foo", "bar"}},
       true},
      {"Pod with matchExpressions using Gt operator that matches the existing node",
       {},
       std::vector{NodeSelectorTerm{{{"kernel-version", SelectorOp::kGt, {"0204"}}}}},
       {{"kernel-version", "0206"}},
       true},
      {"Pod with matchExpressions using NotIn operator that matches the existing node",
       {},
       std::vector{NodeSelectorTerm{{{"mem-type", SelectorOp::kNotIn, {"DDR", "DDR2"}}}}},
       {{"mem-type", "DDR3"}},
       true},
      {"Pod with matchExpressions using Exists operator that matches the existing node",
       {},
       std::vector{NodeSelectorTerm{{{"GPU", SelectorOp::kExists, {}}}}},
       {{"GPU", "NVIDIA-GRID-K1"}},
       true},
      {"Pod with affinity that don't match node's labels won't schedule onto the node",
       {},
       std::vector{NodeSelectorTerm{{in("foo", {"value1", "value2"})}}},
       {{"foo", "bar"}},
       false},
      {"Pod with empty MatchExpressions is not a valid value will match no objects",
       {},
       std::vector{NodeSelectorTerm{}},
       {{"foo", "bar"}},
       false},
      {"Pod with no Affinity will schedule onto a node", {}, std::nullopt, {{"foo", "bar"}}, true},
      {"Pod with multiple matchExpressions ANDed that matches the existing node",
       {},
       std::vector{NodeSelectorTerm{
           {{"GPU", SelectorOp::kExists, {}}, {"GPU", SelectorOp::kNotIn, {"AMD", "INTER"}}}}},
       {{"GPU", "NVIDIA-GRID-K1"}},
       true},
      {"Pod with multiple matchExpressions ANDed that doesn't match the existing node",
       {},
       std::vector{
           NodeSelectorTerm{{{"GPU", SelectorOp::kExists, {}}, in("GPU", {"AMD", "INTER"})}}},
       {{"GPU", "NVIDIA-GRID-K1"}},
       false},
      {"Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels",
       {},
       std::vector{NodeSelectorTerm{{in("foo", {"bar", "value2"})}},
                   NodeSelectorTerm{{in("diffkey", {"wrong", "value2"})}}},
       {{"foo", "bar"}},
       true},
      {"Pod with an Affinity and a PodSpec.NodeSelector both are satisfied",
       {{"foo", "bar"}},
       std::vector{NodeSelectorTerm{{{"foo", SelectorOp::kExists, {}}}}},
       {{"foo", "bar"}},
       true},
      {"Pod with an Affinity matches node's labels but the PodSpec.NodeSelector is not satisfied",
       {{"foo", "bar"}},
       std::vector{NodeSelectorTerm{{{"foo", SelectorOp::kExists, {}}}}},
       {{"foo", "barrrrrr"}},
       false},
      {"Pod with an invalid value in Affinity term won't be scheduled onto the node",
       {},
       std::vector{NodeSelectorTerm{{{"foo", SelectorOp::kNotIn, {"invalid value: ___@#$%^"}}}}},
       {{"foo", "bar"}},
       false},
      // Beyond upstream's table: a required affinity with no terms selects nothing.
      {"required affinity without terms",
       {},
       std::vector<NodeSelectorTerm>{},
       {{"foo", "bar"}},
       false},
      {"invalid term skipped, next term matches",
       {},
       std::vector{NodeSelectorTerm{{{"n", SelectorOp::kGt, {"x"}}}},
                   NodeSelectorTerm{{in("foo", {"bar"})}}},
       {{"foo", "bar"}, {"n", "5"}},
       true},
  };
  for (const auto& c : cases) {
    Pod p;
    p.node_selector = c.node_selector;
    p.required_terms = c.terms;
    EXPECT_EQ(required_node_affinity_matches(p, c.node_labels), c.want) << c.name;
  }
}

TEST(Requirement, OperatorsOnMissingAndNonIntegerLabels) {
  const Labels labels{{"n", "10"}, {"s", "abc"}};
  EXPECT_TRUE(requirement_matches({"x", SelectorOp::kNotIn, {"a"}}, labels));  // missing key
  EXPECT_TRUE(requirement_matches({"x", SelectorOp::kDoesNotExist, {}}, labels));
  EXPECT_FALSE(requirement_matches({"x", SelectorOp::kGt, {"1"}}, labels));
  EXPECT_FALSE(requirement_matches({"s", SelectorOp::kGt, {"1"}}, labels));  // not an integer
  EXPECT_TRUE(requirement_matches({"n", SelectorOp::kGt, {"9"}}, labels));
  EXPECT_FALSE(requirement_matches({"n", SelectorOp::kGt, {"10"}}, labels));
  EXPECT_TRUE(requirement_matches({"n", SelectorOp::kLt, {"11"}}, labels));
  EXPECT_FALSE(requirement_matches({"n", SelectorOp::kLt, {"10"}}, labels));
  EXPECT_FALSE(requirement_valid({"n", SelectorOp::kGt, {"1", "2"}}));
  EXPECT_FALSE(requirement_valid({"n", SelectorOp::kIn, {}}));
  EXPECT_FALSE(requirement_valid({"n", SelectorOp::kExists, {"a"}}));
  EXPECT_FALSE(requirement_valid({"n", SelectorOp::kIn, {"-a"}}));  // must begin alphanumeric
  EXPECT_TRUE(requirement_valid({"n", SelectorOp::kIn, {""}}));     // the empty value is valid
}

TEST(PreferredAffinity, SumsWeightsOfMatchingTermsOnly) {
  const std::vector<PreferredTerm> terms{
      {5, NodeSelectorTerm{{in("zone", {"a"})}}},
      {3, NodeSelectorTerm{{{"ssd", SelectorOp::kExists, {}}}}},
      {0, NodeSelectorTerm{{in("zone", {"a"})}}},  // weight 0: dropped
      {7, NodeSelectorTerm{}},                     // empty term: dropped
  };
  EXPECT_EQ(preferred_affinity_weight(terms, {{"zone", "a"}, {"ssd", "1"}}), 8);
  EXPECT_EQ(preferred_affinity_weight(terms, {{"zone", "b"}, {"ssd", "1"}}), 3);
  EXPECT_EQ(preferred_affinity_weight(terms, {}), 0);
}

TEST(LabelSelector, MatchLabelsAndExpressionsAnded) {
  const LabelSelector s{{{"app", "web"}}, {{"tier", SelectorOp::kIn, {"a", "b"}}}};
  EXPECT_TRUE(selector_matches(s, {{"app", "web"}, {"tier", "a"}}));
  EXPECT_FALSE(selector_matches(s, {{"app", "web"}}));
  EXPECT_FALSE(selector_matches(s, {{"app", "api"}, {"tier", "a"}}));
}

struct TolerationCase {
  const char* name;
  Toleration toleration;
  Taint taint;
  bool want;
};

TEST(Toleration, ToleratesTaint) {
  const Taint foo_bar{"foo", "bar", TaintEffect::kNoSchedule};
  const TolerationCase cases[] = {
      {"same key, value and effect",
       {"foo", TolerationOp::kEqual, "bar", TaintEffect::kNoSchedule},
       foo_bar,
       true},
      {"different key",
       {"bar", TolerationOp::kEqual, "bar", TaintEffect::kNoSchedule},
       foo_bar,
       false},
      {"Exists ignores the value",
       {"foo", TolerationOp::kExists, "", TaintEffect::kNoSchedule},
       foo_bar,
       true},
      {"different effect",
       {"foo", TolerationOp::kEqual, "bar", TaintEffect::kNoExecute},
       foo_bar,
       false},
      {"empty effect matches all effects",
       {"foo", TolerationOp::kEqual, "bar", std::nullopt},
       foo_bar,
       true},
      {"empty key with Exists matches all taints",
       {"", TolerationOp::kExists, "", std::nullopt},
       foo_bar,
       true},
      {"Equal with a different value",
       {"foo", TolerationOp::kEqual, "baz", std::nullopt},
       foo_bar,
       false},
  };
  for (const auto& c : cases) EXPECT_EQ(tolerates(c.toleration, c.taint), c.want) << c.name;
}

TEST(Toleration, FirstUntoleratedSkipsPreferNoSchedule) {
  const std::vector<Taint> taints{{"soft", "", TaintEffect::kPreferNoSchedule},
                                  {"a", "1", TaintEffect::kNoSchedule},
                                  {"b", "2", TaintEffect::kNoExecute}};
  EXPECT_EQ(first_untolerated_taint(taints, {})->key, "a");
  const std::vector<Toleration> tol_a{{"a", TolerationOp::kExists, "", std::nullopt}};
  EXPECT_EQ(first_untolerated_taint(taints, tol_a)->key, "b");
  const std::vector<Toleration> all{{"", TolerationOp::kExists, "", std::nullopt}};
  EXPECT_FALSE(first_untolerated_taint(taints, all).has_value());
}

}  // namespace
}  // namespace ksim::control::scheduler
