#include "ksim/sim/kernel/time.h"

#include <gtest/gtest.h>

namespace ksim {
namespace {

using namespace std::chrono_literals;

TEST(Time, LiteralsAreExactMicroseconds) {
  EXPECT_EQ(Duration{30s}.count(), 30'000'000);
  EXPECT_EQ(Duration{250ms}.count(), 250'000);
  EXPECT_EQ(Duration{5min}.count(), 300'000'000);
  const Time t = kTimeZero + 1min + 500ms;
  EXPECT_EQ(to_us(t), 60'500'000);
  EXPECT_EQ(t - kTimeZero, Duration{60'500'000});
}

struct ParseCase {
  const char* text;
  std::int64_t us;
};

class ParseDurationOk : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseDurationOk, Parses) {
  const auto d = parse_duration(GetParam().text);
  ASSERT_TRUE(d.has_value()) << GetParam().text << ": " << d.error();
  EXPECT_EQ(d->count(), GetParam().us) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseDurationOk,
    ::testing::Values(ParseCase{"0", 0}, ParseCase{"0s", 0}, ParseCase{"30s", 30'000'000},
                      ParseCase{"250ms", 250'000}, ParseCase{"1m30s", 90'000'000},
                      ParseCase{"12m30s", 750'000'000}, ParseCase{"1.5h", 5'400'000'000},
                      ParseCase{"2h0m5s", 7'205'000'000}, ParseCase{"7us", 7},
                      ParseCase{"7\xC2\xB5s", 7}, ParseCase{"1500ns", 2}, ParseCase{"1499ns", 1},
                      ParseCase{"-5s", -5'000'000}, ParseCase{"+5s", 5'000'000},
                      ParseCase{".5s", 500'000}, ParseCase{"1.s", 1'000'000},
                      ParseCase{"0.000001s", 1}, ParseCase{"1h1m1s1ms1us", 3'661'001'001}));

class ParseDurationBad : public ::testing::TestWithParam<const char*> {};

TEST_P(ParseDurationBad, Rejects) {
  const auto d = parse_duration(GetParam());
  ASSERT_FALSE(d.has_value()) << GetParam();
  EXPECT_NE(d.error().find("invalid duration"), std::string::npos) << d.error();
}

INSTANTIATE_TEST_SUITE_P(Table, ParseDurationBad,
                         ::testing::Values("", "-", "s", "10", "fast", "10 s", "1.2.3s", "5d",
                                           "1e3s", "99999999999999999999h", "3000000000h"));

TEST(FormatDuration, KubernetesStyle) {
  EXPECT_EQ(format_duration(Duration{0}), "0s");
  EXPECT_EQ(format_duration(250ms), "250ms");
  EXPECT_EQ(format_duration(Duration{1500}), "1.5ms");
  EXPECT_EQ(format_duration(Duration{7}), "7us");
  EXPECT_EQ(format_duration(90s), "1m30s");
  EXPECT_EQ(format_duration(Duration{1'500'000}), "1.5s");
  EXPECT_EQ(format_duration(2h + 5s), "2h0m5s");
  EXPECT_EQ(format_duration(Duration{12'000'001}), "12.000001s");
  EXPECT_EQ(format_duration(-90s), "-1m30s");
  EXPECT_EQ(format_duration(Duration{INT64_MIN}).front(), '-');
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (const std::int64_t us : {1LL, 999LL, 1'000LL, 1'234'567LL, 59'999'999LL, 3'600'000'001LL,
                                86'400'000'000LL, -42'000LL}) {
    const auto back = parse_duration(format_duration(Duration{us}));
    ASSERT_TRUE(back.has_value()) << us;
    EXPECT_EQ(back->count(), us);
  }
}

}  // namespace
}  // namespace ksim
