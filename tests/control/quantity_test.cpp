#include "ksim/control/quantity.h"

#include <gtest/gtest.h>

#include <limits>

namespace ksim::control {
namespace {

struct MilliCase {
  const char* text;
  std::int64_t milli;
};

TEST(Quantity, MilliValues) {
  const MilliCase cases[] = {
      {"500m", 500},
      {"1", 1000},
      {"1.5", 1500},
      {"2k", 2'000'000},
      {"0", 0},
      {"128Mi", 134217728000},
      {"1Ki", 1'024'000},
      {"1e3", 1'000'000},
      {"0.0001", 1},
      {"-0.0001", -1},
      {"100u", 1},
      {"250n", 1},
      {"1.5Ki", 1'536'000},
      {"+3", 3000},
      {"2.5m", 3},
      {"1P", 1'000'000'000'000'000'000},
  };
  for (const MilliCase& c : cases) {
    auto q = parse_quantity(c.text);
    ASSERT_TRUE(q.has_value()) << c.text;
    EXPECT_EQ(q->milli_value(), c.milli) << c.text;
  }
}

TEST(Quantity, RejectsGarbage) {
  for (const char* bad : {"", "abc", "1x", "m", "1.2.3", "--1"}) {
    EXPECT_FALSE(parse_quantity(bad).has_value()) << bad;
  }
}

TEST(Quantity, SaturatesInsteadOfWrapping) {
  auto q = parse_quantity("100E");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->milli_value(), std::numeric_limits<std::int64_t>::max());
}

TEST(Quantity, ApproximateFloatLikeGo) {
  // AsApproximateFloat64 = unscaled x Pow10(scale): 0.05 is 5 x (1/100).
  EXPECT_EQ(parse_quantity("0.05")->approximate_double(), 5 * (1.0 / 100));
  EXPECT_EQ(parse_quantity("0.1")->approximate_double(), 1.0 / 10);
  EXPECT_EQ(parse_quantity("1")->approximate_double(), 1.0);
  EXPECT_EQ(parse_quantity("10m")->approximate_double(), 10 * (1.0 / 1000));
}

struct FormatCase {
  std::int64_t milli;
  const char* text;
};

TEST(Quantity, CanonicalDecimalSi) {
  const FormatCase cases[] = {
      {0, "0"},
      {1500, "1500m"},
      {2000, "2"},
      {1'500'000, "1500"},
      {2'000'000'000, "2M"},
      {500, "500m"},
      {1, "1m"},
      {-1500, "-1500m"},
      {10, "10m"},
      {1'000'000, "1k"},
      {12'000, "12"},
      {120'000, "120"},
      {std::numeric_limits<std::int64_t>::max(), "9223372036854775807m"},
  };
  for (const FormatCase& c : cases) EXPECT_EQ(format_milli_quantity(c.milli), c.text) << c.milli;
}

TEST(Quantity, CanonicalBinarySi) {
  const FormatCase cases[] = {
      {0, "0"},
      {104'857'600'000, "100Mi"},
      {1'073'741'824'000, "1Gi"},
      {1'024'000, "1Ki"},
      {1'000'000, "1k"},                   // under 1024: DecimalSI
      {1'500'000'000, "1500000"},          // not a multiple of 1024: plain bytes
      {134'217'728'500, "134217728500m"},  // fractional bytes: DecimalSI
      {-2'048'000, "-2Ki"},
  };
  for (const FormatCase& c : cases) {
    EXPECT_EQ(format_milli_quantity_binary(c.milli), c.text) << c.milli;
  }
}

}  // namespace
}  // namespace ksim::control
