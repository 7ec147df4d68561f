#include "ksim/sim/trace/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

#include "ksim/sim/kernel/random.h"

namespace ksim::trace {
namespace {

using namespace std::chrono_literals;

// The exact q-quantile as LatencyHistogram::quantile defines it: the value of
// rank max(1, ceil(q * n)) in ascending order.
std::int64_t exact_quantile(std::vector<std::int64_t> sorted, double q) {
  const auto n = sorted.size();
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
  rank = std::clamp<std::size_t>(rank, 1, n);
  return sorted[rank - 1];
}

// Every quantile lies in [exact, exact * (1 + 1/128)].
void expect_quantiles_within_error(const LatencyHistogram& h, std::vector<std::int64_t> values) {
  std::ranges::sort(values);
  for (const double q : {0.0, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999, 1.0}) {
    const std::int64_t exact = exact_quantile(values, q);
    const std::int64_t got = h.quantile(q).count();
    EXPECT_GE(got, exact) << "q=" << q;
    EXPECT_LE(static_cast<double>(got),
              static_cast<double>(exact) * (1 + LatencyHistogram::kMaxRelativeError))
        << "q=" << q;
  }
}

TEST(LatencyHistogram, LayoutIsSmallAndCoversOneHour) {
  EXPECT_EQ(LatencyHistogram::kBuckets, 3287u);
  EXPECT_LT(sizeof(LatencyHistogram), 14u * 1024u);
  EXPECT_LE(LatencyHistogram::kMaxRelativeError, 0.01);
  EXPECT_EQ(latency_buckets::index(LatencyHistogram::kMaxValueUs), LatencyHistogram::kBuckets - 1);
}

TEST(LatencyHistogram, BucketsTileTheRangeWithBoundedWidth) {
  using H = LatencyHistogram;
  namespace lb = latency_buckets;
  for (std::size_t i = 0; i < H::kBuckets; ++i) {
    const std::uint64_t lo = lb::lowest(i);
    const std::uint64_t hi = lb::highest(i);
    ASSERT_EQ(lb::index(lo), i);
    ASSERT_EQ(lb::index(hi), i);
    if (i + 1 < H::kBuckets) {
      ASSERT_EQ(lb::lowest(i + 1), hi + 1) << i;
    }
    if (i < 256) {
      ASSERT_EQ(lo, hi);  // exact below 256 µs
    } else {
      ASSERT_LT(static_cast<double>(hi - lo + 1) / static_cast<double>(lo),
                H::kMaxRelativeError + 1e-12);
    }
  }
}

TEST(LatencyHistogram, EmptyHistogramReportsZeros) {
  const LatencyHistogram h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.quantile(0.5), 0us);
  EXPECT_EQ(h.quantile(1.0), 0us);
  EXPECT_EQ(h.max(), 0us);
  EXPECT_EQ(h.mean(), 0us);
}

TEST(LatencyHistogram, ExactBelow256Microseconds) {
  LatencyHistogram h;
  std::vector<std::int64_t> values;
  for (std::int64_t v = 1; v <= 200; ++v) {
    h.record(Duration{v});
    values.push_back(v);
  }
  for (const double q : {0.01, 0.5, 0.95, 0.99, 1.0}) {
    EXPECT_EQ(h.quantile(q).count(), exact_quantile(values, q)) << q;
  }
  EXPECT_EQ(h.quantile(0.5), 100us);
  EXPECT_EQ(h.quantile(0.99), 198us);
  EXPECT_EQ(h.max(), 200us);
  EXPECT_EQ(h.mean(), Duration{101});  // 100.5 rounds up
}

TEST(LatencyHistogram, KnownValuesReportTheirBucketsHighestValue) {
  LatencyHistogram h;
  h.record(1000us);  // bucket [1000, 1003]: width 4 between 512 and 1024
  h.record(1001us);
  h.record(5ms);
  EXPECT_EQ(h.quantile(0.5), 1003us);
  EXPECT_EQ(h.quantile(0.0), 1003us);
  EXPECT_EQ(h.quantile(1.0), 5ms);  // capped at max()
  EXPECT_EQ(h.mean(), 2334us);      // (1000 + 1001 + 5000) / 3 = 2333.67
}

TEST(LatencyHistogram, QuantilesOfLogNormalLatenciesWithinStatedError) {
  Rng rng{42};
  const auto dist = LogNormal::from_mean_stddev(30'000, 60'000).value();  // µs: heavy tail
  LatencyHistogram h;
  std::vector<std::int64_t> values;
  std::uint64_t sum = 0;
  for (int i = 0; i < 200'000; ++i) {
    const auto v = static_cast<std::int64_t>(dist.sample(rng));
    h.record(Duration{v});
    values.push_back(v);
    sum += static_cast<std::uint64_t>(v);
  }
  EXPECT_EQ(h.count(), values.size());
  EXPECT_EQ(h.max().count(), *std::ranges::max_element(values));
  EXPECT_EQ(h.mean().count(), static_cast<std::int64_t>((sum + values.size() / 2) / values.size()));
  expect_quantiles_within_error(h, values);
}

TEST(LatencyHistogram, QuantilesAcrossTheWholeRangeWithinStatedError) {
  Rng rng{7};
  LatencyHistogram h;
  std::vector<std::int64_t> values;
  for (int i = 0; i < 50'000; ++i) {  // log-uniform over 1 µs .. 1 h
    const auto v = static_cast<std::int64_t>(std::exp(rng.uniform01() * std::log(3.6e9)));
    h.record(Duration{v});
    values.push_back(v);
  }
  expect_quantiles_within_error(h, values);
}

TEST(LatencyHistogram, MergeEqualsRecordingBoth) {
  Rng rng{3};
  LatencyHistogram a;
  LatencyHistogram b;
  LatencyHistogram both;
  for (int i = 0; i < 20'000; ++i) {
    const Duration d{static_cast<std::int64_t>(rng.uniform01() * 2e6)};
    (i % 3 == 0 ? a : b).record(d);
    both.record(d);
  }
  b.record(90min);  // only in b, clamped
  both.record(90min);
  a.merge(b);
  EXPECT_EQ(a.count(), both.count());
  EXPECT_EQ(a.max(), both.max());
  EXPECT_EQ(a.mean(), both.mean());
  for (int i = 0; i <= 1000; ++i) {
    const double q = i / 1000.0;
    ASSERT_EQ(a.quantile(q), both.quantile(q)) << q;
  }
}

TEST(LatencyHistogram, ClampsOutOfRangeValues) {
  LatencyHistogram h;
  h.record(-5us);
  h.record(2h);
  h.record(1h);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.quantile(0.0), 0us);
  EXPECT_EQ(h.max(), 1h);
  EXPECT_EQ(h.quantile(0.5), 1h);
  EXPECT_EQ(h.quantile(1.0), 1h);
  EXPECT_EQ(h.mean(), Duration{2 * LatencyHistogram::kMaxValueUs / 3});
}

TEST(LatencyHistogram, QuantileArgumentIsClamped) {
  LatencyHistogram h;
  h.record(10us);
  h.record(20us);
  EXPECT_EQ(h.quantile(-1), 10us);
  EXPECT_EQ(h.quantile(2), 20us);
}

TEST(LatencyHistogram, ResetForgetsEverything) {
  LatencyHistogram h;
  h.record(3s);
  h.reset();
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.max(), 0us);
  EXPECT_EQ(h.quantile(0.99), 0us);
  h.record(7us);
  EXPECT_EQ(h.quantile(0.5), 7us);
}

}  // namespace
}  // namespace ksim::trace
