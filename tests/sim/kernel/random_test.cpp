#include "ksim/sim/kernel/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace ksim {
namespace {

TEST(Rng, Xoshiro256StarStarKnownAnswers) {
  // Hand-checkable values of the reference algorithm from state {1, 2, 3, 4}.
  Rng r = Rng::from_state(1, 2, 3, 4);
  EXPECT_EQ(r.next(), 11520u);
  EXPECT_EQ(r.next(), 0u);
  EXPECT_EQ(r.next(), 1509978240u);
  EXPECT_EQ(r.next(), 1215971899390074240u);
}

TEST(Rng, Splitmix64KnownAnswers) {
  // splitmix64 from seed 0 (the reference generator's first outputs).
  std::uint64_t s = 0;
  auto next = [&] {
    s += 0x9E3779B97F4A7C15ULL;
    return mix64(s);
  };
  EXPECT_EQ(next(), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(next(), 0x6E789E6AA1B965F4ULL);
}

TEST(Rng, Fnv1aKnownAnswers) {
  EXPECT_EQ(fnv1a64(""), 0xCBF29CE484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xAF63DC4C8601EC8CULL);
}

TEST(Rng, StreamsDependOnSeedAndNameOnly) {
  Rng a1 = Rng::for_stream(7, "pod/api-0");
  Rng other = Rng::for_stream(7, "pod/api-1");  // creating another stream changes nothing
  (void)other.next();
  Rng a2 = Rng::for_stream(7, "pod/api-0");
  for (int i = 0; i < 100; ++i) ASSERT_EQ(a1.next(), a2.next());
  EXPECT_NE(Rng::for_stream(7, "pod/api-0").next(), Rng::for_stream(8, "pod/api-0").next());
  EXPECT_NE(Rng::for_stream(7, "pod/api-0").next(), Rng::for_stream(7, "pod/api-1").next());
  RandomStreams streams(7);
  EXPECT_EQ(streams.stream("pod/api-0").next(), Rng::for_stream(7, "pod/api-0").next());
}

TEST(Rng, BelowIsInRangeAndCoversIt) {
  Rng r(3);
  std::vector<int> seen(7, 0);
  for (int i = 0; i < 7000; ++i) {
    const auto v = r.below(7);
    ASSERT_LT(v, 7u);
    ++seen[v];
  }
  for (const int c : seen) EXPECT_GT(c, 850);  // 1000 expected each
}

template <class Dist>
std::vector<double> first(Dist d, std::uint64_t seed, int n) {
  Rng r = Rng::for_stream(seed, "golden");
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(static_cast<double>(d.sample(r)));
  return out;
}

template <class Dist>
double mean_of(Dist d, int n) {
  Rng r(99);
  double sum = 0;
  for (int i = 0; i < n; ++i) sum += static_cast<double>(d.sample(r));
  return sum / n;
}

void expect_values(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_DOUBLE_EQ(got[i], want[i]) << "value " << i;
  }
}

// Golden values: the first draws of each distribution for seed 1, stream
// "golden". They pin the exact algorithms; a change here changes every trace.
TEST(Distributions, GoldenUniform) {
  expect_values(first(Uniform(2.0, 5.0), 1, 4),
                {2.1479032173191923, 4.025380882793776, 4.2909565948733093, 2.0733447956343016});
}
TEST(Distributions, GoldenExponential) {
  expect_values(first(Exponential(2.0), 1, 4), {0.087324964793958265, 0.78764053187011795,
                                                6.2375895222539137, 0.069406893155595659});
}
TEST(Distributions, GoldenNormal) {
  expect_values(first(Normal(10, 2), 1, 4),
                {9.8964090140707359, 11.099520774939226, 6.0763008581454585, 9.9318181816333375});
}
TEST(Distributions, GoldenLogNormal) {
  expect_values(first(LogNormal(0.0, 0.5), 1, 4), {0.97443472389295616, 1.3163729556925143,
                                                   0.37496417704168877, 0.98309899725580674});
}
TEST(Distributions, GoldenBoundedPareto) {
  expect_values(first(BoundedPareto(1.5, 1.0, 100.0), 1, 4),
                {1.0342439363911478, 2.113115154335683, 2.61034740844089, 1.0166213057915103});
}
TEST(Distributions, GoldenWeightedDiscrete) {
  const std::vector<double> w = {1, 0, 3, 6};
  expect_values(first(WeightedDiscrete(w), 1, 8), {3, 3, 3, 3, 2, 3, 2, 3});
}

TEST(Distributions, MomentsMatchTheory) {
  EXPECT_NEAR(mean_of(Uniform(2, 5), 200000), 3.5, 0.01);
  EXPECT_NEAR(mean_of(Exponential(2), 200000), 2.0, 0.02);
  EXPECT_NEAR(mean_of(Normal(10, 2), 200000), 10.0, 0.02);
  const auto ln = LogNormal::from_mean_stddev(0.05, 0.02);
  ASSERT_TRUE(ln.has_value());
  EXPECT_NEAR(mean_of(*ln, 200000), 0.05, 0.0005);
  // Bounded Pareto mean: lo^a / (1 - (lo/hi)^a) * a/(a-1) * (lo^(1-a) - hi^(1-a)).
  const double a = 1.5, lo = 1, hi = 100;
  const double want = std::pow(lo, a) / (1 - std::pow(lo / hi, a)) * a / (a - 1) *
                      (std::pow(lo, 1 - a) - std::pow(hi, 1 - a));
  EXPECT_NEAR(mean_of(BoundedPareto(a, lo, hi), 400000), want, 0.03);
}

// The ziggurat must reproduce the exact exponential law, including the tail
// beyond its base layer (x > 7.697), drawn by a separate path.
TEST(Distributions, ExponentialTailProbabilities) {
  Rng r(2024);
  const int n = 2'000'000;
  int above1 = 0, above3 = 0, above8 = 0, above10 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = standard_exponential(r);
    ASSERT_GE(x, 0.0);
    above1 += x > 1;
    above3 += x > 3;
    above8 += x > 8;
    above10 += x > 10;
  }
  auto near = [&](int count, double p) {
    const double mean = n * p;
    const double sd = std::sqrt(n * p * (1 - p));
    EXPECT_NEAR(count, mean, 5 * sd) << "P(X > x) = " << p;
  };
  near(above1, std::exp(-1.0));
  near(above3, std::exp(-3.0));
  near(above8, std::exp(-8.0));
  near(above10, std::exp(-10.0));
}

// The normal ziggurat: both tails, the layers' wedges and the tail beyond
// r = 3.654 (a separate path) against Phi; 4 M draws.
TEST(Distributions, NormalTailProbabilities) {
  Rng r(77);
  const int n = 4'000'000;
  int above1 = 0, below_minus2 = 0, above3_5 = 0, below_minus4 = 0;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = standard_normal(r);
    sum += x;
    sum2 += x * x;
    above1 += x > 1;
    below_minus2 += x < -2;
    above3_5 += x > 3.5;
    below_minus4 += x < -4;
  }
  auto near = [&](int count, double p) {
    const double mean = n * p;
    const double sd = std::sqrt(n * p * (1 - p));
    EXPECT_NEAR(count, mean, 5 * sd) << "P = " << p;
  };
  const auto upper = [](double x) { return 0.5 * std::erfc(x / std::sqrt(2.0)); };
  near(above1, upper(1));
  near(below_minus2, upper(2));
  near(above3_5, upper(3.5));
  near(below_minus4, upper(4));
  EXPECT_NEAR(sum / n, 0.0, 5 / std::sqrt(double(n)));
  EXPECT_NEAR(sum2 / n, 1.0, 5 * std::sqrt(2.0 / n));
}

TEST(Distributions, BoundedParetoStaysInBounds) {
  Rng r(5);
  const BoundedPareto p(0.8, 2.0, 50.0);
  for (int i = 0; i < 100000; ++i) {
    const double x = p.sample(r);
    ASSERT_GE(x, 2.0);
    ASSERT_LE(x, 50.0);
  }
}

TEST(Distributions, WeightedDiscreteFollowsWeightsAndNeverPicksZero) {
  const std::vector<double> w = {1, 0, 3, 6};
  const WeightedDiscrete d(w);
  Rng r(11);
  std::vector<int> count(4, 0);
  const int n = 100000;
  for (int i = 0; i < n; ++i) ++count[d.sample(r)];
  EXPECT_EQ(count[1], 0);
  EXPECT_NEAR(count[0] / double(n), 0.1, 0.005);
  EXPECT_NEAR(count[2] / double(n), 0.3, 0.005);
  EXPECT_NEAR(count[3] / double(n), 0.6, 0.005);
}

TEST(Distributions, CreateRejectsBadParametersWithASentence) {
  EXPECT_FALSE(Exponential::create(0).has_value());
  EXPECT_FALSE(Exponential::create(-1).has_value());
  EXPECT_FALSE(Exponential::create(NAN).has_value());
  EXPECT_FALSE(Uniform::create(3, 2).has_value());
  EXPECT_FALSE(Normal::create(0, -1).has_value());
  EXPECT_FALSE(LogNormal::create(0, -0.1).has_value());
  EXPECT_FALSE(LogNormal::from_mean_stddev(0, 1).has_value());
  EXPECT_FALSE(BoundedPareto::create(1, 5, 5).has_value());
  EXPECT_FALSE(BoundedPareto::create(0, 1, 5).has_value());
  EXPECT_FALSE(WeightedDiscrete::create(std::vector<double>{}).has_value());
  EXPECT_FALSE(WeightedDiscrete::create(std::vector<double>{0, 0}).has_value());
  const auto bad = WeightedDiscrete::create(std::vector<double>{1, -2});
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().find("weight[1]"), std::string::npos) << bad.error();
  EXPECT_TRUE(Exponential::create(1.5).has_value());
}

}  // namespace
}  // namespace ksim
