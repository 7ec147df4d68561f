// The log-linear histogram: percentiles within the stated relative error
// of a sorted array's, exact extremes, merge equal to recording both.
#include "ksim/services/load/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "ksim/services/load/schedule.h"

namespace ksim::services::load {
namespace {

// The exact quantile with the histogram's definition: the smallest value
// with at least ceil(q n) values <= it.
std::uint64_t exact(const std::vector<std::uint64_t>& sorted, double q) {
  const auto rank = std::max<std::size_t>(
      1, static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size()))));
  return sorted[rank - 1];
}

std::vector<std::uint64_t> lognormal_ns(std::uint64_t seed, int n) {
  Rng rng(seed);
  std::vector<std::uint64_t> v;
  for (int i = 0; i < n; ++i) {
    // Box-Muller on the portable uniforms: median 1 ms, heavy tail.
    const double z = std::sqrt(-2 * std::log1p(-rng.uniform())) *
                     std::cos(2 * 3.141592653589793 * rng.uniform());
    v.push_back(static_cast<std::uint64_t>(1e6 * std::exp(1.5 * z)));
  }
  return v;
}

TEST(SvcLoadHistogram, BucketsTileTheValues) {
  for (std::uint64_t v : {0ull, 1ull, 255ull, 256ull, 257ull, 511ull, 512ull, 1'000'000ull,
                          123'456'789'012ull, (1ull << 62) + 12345}) {
    const std::size_t i = Histogram::index_of(v);
    EXPECT_LE(Histogram::lower_of(i), v);
    EXPECT_GE(Histogram::upper_of(i), v);
    EXPECT_LE(static_cast<double>(Histogram::upper_of(i) - Histogram::lower_of(i)),
              static_cast<double>(v) / 128.0 + 1);
    EXPECT_EQ(Histogram::index_of(Histogram::lower_of(i)), i);
    EXPECT_EQ(Histogram::index_of(Histogram::upper_of(i)), i);
    if (i > 0) {
      EXPECT_EQ(Histogram::upper_of(i - 1) + 1, Histogram::lower_of(i));
    }
  }
}

TEST(SvcLoadHistogram, PercentilesWithinTheRelativeError) {
  auto values = lognormal_ns(9, 100'000);
  Histogram h;
  for (auto v : values) h.record(v);
  std::sort(values.begin(), values.end());
  for (double q : {0.0, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 0.9999, 1.0}) {
    const double want = static_cast<double>(exact(values, q));
    EXPECT_NEAR(static_cast<double>(h.quantile(q)), want, want * Histogram::kRelativeError + 0.5)
        << "q " << q;
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.quantile(1.0), values.back());
  EXPECT_EQ(h.count(), values.size());
}

TEST(SvcLoadHistogram, TheCoarseOneKeepsItsLargerBound) {
  auto values = lognormal_ns(4, 50'000);
  CoarseHistogram h;
  for (auto v : values) h.record(v);
  std::sort(values.begin(), values.end());
  EXPECT_DOUBLE_EQ(CoarseHistogram::kRelativeError, 1.0 / 64);
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const double want = static_cast<double>(exact(values, q));
    EXPECT_NEAR(static_cast<double>(h.quantile(q)), want,
                want * CoarseHistogram::kRelativeError + 0.5)
        << "q " << q;
  }
  EXPECT_EQ(h.quantile(1.0), values.back());
}

TEST(SvcLoadHistogram, SmallValuesAreExact) {
  Histogram h;
  for (std::uint64_t v = 1; v <= 200; ++v) h.record(v);
  EXPECT_EQ(h.quantile(0.5), 100u);
  EXPECT_EQ(h.quantile(0.99), 198u);
  EXPECT_EQ(Histogram().quantile(0.5), 0u);  // empty
}

TEST(SvcLoadHistogram, MergeEqualsRecordingBoth) {
  const auto a = lognormal_ns(1, 20'000);
  const auto b = lognormal_ns(2, 30'000);
  Histogram ha, hb, both;
  for (auto v : a) {
    ha.record(v);
    both.record(v);
  }
  for (auto v : b) {
    hb.record(v);
    both.record(v);
  }
  ha.merge(hb);
  EXPECT_EQ(ha.count(), both.count());
  EXPECT_EQ(ha.max(), both.max());
  EXPECT_EQ(ha.min(), both.min());
  EXPECT_DOUBLE_EQ(ha.mean(), both.mean());
  for (double q : {0.5, 0.9, 0.99, 0.999}) EXPECT_EQ(ha.quantile(q), both.quantile(q));
}

}  // namespace
}  // namespace ksim::services::load
