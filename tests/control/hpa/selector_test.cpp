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

TEST(LabelSelector, Rejects) {
  for (const char* bad : {"", "app=we b", "tier in a,b", "app=~x", "=web"}) {
    EXPECT_FALSE(parse_label_selector(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace ksim::control::hpa
