// Label selector strings (scale.status.selector) and matching.
#include "ksim/control/hpa/selector.h"

#include <gtest/gtest.h>

namespace ksim::control::hpa {
namespace {

struct MatchCase {
  const char* selector;
  std::map<std::string, std::string> labels;
  bool matches;
};

TEST(LabelSelector, ParseAndMatch) {
  const MatchCase cases[] = {
      {"app=web", {{"app", "web"}}, true},
      {"app=web", {{"app", "api"}}, false},
      {"app==web,tier=front", {{"app", "web"}, {"tier", "front"}}, true},
      {"app=web,tier=front", {{"app", "web"}}, false},
      {"app!=web", {}, true},  // absent label satisfies !=
      {"app!=web", {{"app", "web"}}, false},
      {"tier in (a, b)", {{"tier", "b"}}, true},
      {"tier in (a,b)", {{"tier", "c"}}, false},
      {"tier notin (a,b)", {}, true},
      {"canary", {{"canary", ""}}, true},
      {"!canary", {{"canary", "yes"}}, false},
      {"!canary", {}, true},
      {"rank>3", {{"rank", "4"}}, true},
      {"rank<3", {{"rank", "4"}}, false},
      {"rank>3", {{"rank", "x"}}, false},
  };
  for (const MatchCase& c : cases) {
    auto s = parse_label_selector(c.selector);
    ASSERT_TRUE(s.has_value()) << c.selector << ": " << s.error();
    EXPECT_EQ(s->matches(c.labels), c.matches) << c.selector;
  }
}

TEST(LabelSelector, UpstreamParseErrors) {
  // labels.Parse's texts (TestConditionInvalidSelectorUnparsable's "cheddar cheese").
  EXPECT_EQ(parse_label_selector("cheddar cheese").error(),
            "unable to parse requirement: found 'cheese', expected: in, notin, =, ==, !=, gt, lt");
  EXPECT_EQ(parse_label_selector("a=b c").error(), "found 'c', expected: ',' or 'end of string'");
  EXPECT_EQ(parse_label_selector("=web").error(),
            "found '=', expected: !, identifier, or 'end of string'");
  EXPECT_EQ(parse_label_selector("a,").error(), "found '', expected: identifier after ','");
  EXPECT_EQ(parse_label_selector("a in b").error(),
            "unable to parse requirement: found 'b' expected: '('");
  // "in" in a value position is an identifier; "!=" is one token, "=!" is not.
  EXPECT_TRUE(parse_label_selector("in=in").has_value());
  EXPECT_TRUE(parse_label_selector("a!=b,!c").has_value());
  EXPECT_FALSE(parse_label_selector("a=!b").has_value());
}

TEST(LabelSelector, Rejects) {
  for (const char* bad : {"", "app=we b", "tier in a,b", "app=~x", "=web"}) {
    EXPECT_FALSE(parse_label_selector(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace ksim::control::hpa
