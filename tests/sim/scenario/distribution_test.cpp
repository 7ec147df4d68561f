// Distribution: validation through the kernel, analytic means, samples.
#include "ksim/sim/scenario/distribution.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

namespace ksim::scenario {
namespace {

using namespace std::chrono_literals;

TEST(Distribution, DefaultIsConstantZero) {
  const Distribution d;
  Rng rng(1);
  EXPECT_EQ(d.kind(), DistributionKind::kConstant);
  EXPECT_EQ(d.sample(rng), 0.0);
  EXPECT_EQ(d.mean(), 0.0);
}

TEST(Distribution, ConstantsDrawNothing) {
  const Distribution d = Distribution::constant(2.5);
  Rng a(7);
  Rng b(7);
  EXPECT_EQ(d.sample(a), 2.5);
  EXPECT_EQ(a.next(), b.next());
  EXPECT_EQ(d.sample_duration(a), 2500us);
}

TEST(Distribution, CreateRejectsWhatTheKernelRejects) {
  auto neg = Distribution::create({.value = -1});
  ASSERT_FALSE(neg);
  EXPECT_EQ(neg.error(), "constant: need a finite value >= 0, got -1.000000");
  auto exp = Distribution::create({.kind = DistributionKind::kExponential, .mean = 0});
  ASSERT_FALSE(exp);
  EXPECT_EQ(exp.error(), "exponential: mean must be > 0, got 0.000000");
  auto ln = Distribution::create({.kind = DistributionKind::kLogNormal, .mean = 1, .sd = -1});
  ASSERT_FALSE(ln);
  EXPECT_EQ(ln.error(),
            "lognormal: need mean > 0 and stddev >= 0, got mean=1.000000 stddev=-1.000000");
}

TEST(Distribution, AnalyticMeans) {
  auto mean = [](DistributionSpec spec) { return Distribution::create(spec)->mean(); };
  EXPECT_DOUBLE_EQ(mean({.kind = DistributionKind::kExponential, .mean = 4}), 4);
  EXPECT_DOUBLE_EQ(mean({.kind = DistributionKind::kLogNormal, .mean = 5, .sd = 2}), 5);
  EXPECT_DOUBLE_EQ(mean({.kind = DistributionKind::kUniform, .min = 1, .max = 3}), 2);
  // alpha 2 on [1, 2]: 2 * 1 * (1 - 1/2) / (1 - 1/4) = 4/3.
  EXPECT_DOUBLE_EQ(mean({.kind = DistributionKind::kBoundedPareto, .alpha = 2, .min = 1, .max = 2}),
                   4.0 / 3.0);
  // alpha 1 on [1, e]: ln(e) / (1 - 1/e).
  EXPECT_NEAR(
      mean({.kind = DistributionKind::kBoundedPareto, .alpha = 1, .min = 1, .max = std::exp(1.0)}),
      1.0 / (1.0 - std::exp(-1.0)), 1e-12);
}

TEST(Distribution, SampleMeansConverge) {
  const DistributionSpec specs[] = {
      {.kind = DistributionKind::kExponential, .mean = 5},
      {.kind = DistributionKind::kLogNormal, .mean = 5, .sd = 3},
      {.kind = DistributionKind::kUniform, .min = 2, .max = 8},
      {.kind = DistributionKind::kBoundedPareto, .alpha = 1.5, .min = 1, .max = 100},
  };
  for (const DistributionSpec& spec : specs) {
    const Distribution d = *Distribution::create(spec);
    Rng rng(42);
    double sum = 0;
    constexpr int kN = 200'000;
    for (int i = 0; i < kN; ++i) sum += d.sample(rng);
    EXPECT_NEAR(sum / kN, d.mean(), 0.02 * d.mean()) << to_string(spec.kind);
  }
}

TEST(Distribution, SameSeedSameDraws) {
  const Distribution d =
      *Distribution::create({.kind = DistributionKind::kLogNormal, .mean = 5, .sd = 2});
  Rng a(3);
  Rng b(3);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(d.sample_duration(a), d.sample_duration(b));
}

}  // namespace
}  // namespace ksim::scenario
