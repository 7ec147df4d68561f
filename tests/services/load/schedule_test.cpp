// The arrival schedule against the rate's integral: exact counts for even
// (deterministic) arrivals, counts within statistical bounds for Poisson,
// the closed-form integrals against the rate curves, time scale and cut.
#include "ksim/services/load/schedule.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ksim/services/load/spec_reader.h"

namespace ksim::services::load {
namespace {

using std::chrono::seconds;

LoadSpec every_shape(const char* arrivals) {
  auto s = read_spec_text(std::string("arrivals: ") + arrivals + R"(
routes: [{path: /a, weight: 3}, {path: /b}]
phases:
  - {shape: constant, rps: 50, duration: 20s}
  - {shape: ramp, from: 10, to: 90, duration: 20s}
  - {shape: step, from: 20, to: 80, at: 7.3s, duration: 20s}
  - {shape: spike, rps: 10, peak: 200, at: 5s, width: 2.5s, duration: 20s}
  - {shape: sine, mean: 40, amplitude: 30, period: 7s, shift: 1s, duration: 20s}
  - {shape: diurnal, min: 10, max: 100, peakAt: 14h, start: 13h59m50s, duration: 20s}
  - {shape: ramp, from: 0, to: 0, duration: 5s}
)",
                          "s.yaml");
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error());
  return *s;
}

// Arrivals per phase over the whole schedule.
std::vector<std::uint64_t> per_phase(Schedule& s, std::size_t phases) {
  std::vector<std::uint64_t> n(phases, 0);
  std::int64_t last = -1;
  while (auto a = s.next()) {
    EXPECT_GE(a->at_ns, last);  // in time order
    last = a->at_ns;
    ++n.at(a->phase);
  }
  return n;
}

double expected_count(const Phase& p) {
  return p.cumulative(static_cast<double>(p.duration.count()) / 1e6);
}

TEST(SvcLoadSchedule, IntegralsMatchTheRateCurves) {
  // The closed forms against a fine midpoint sum of rate_at.
  const LoadSpec spec = every_shape("poisson");
  for (const Phase& p : spec.phases) {
    const std::int64_t steps = 200'000;
    const std::int64_t len = p.duration.count();
    double sum = 0;
    for (std::int64_t i = 0; i < steps; ++i)
      sum += p.rate_at(Micros{(2 * i + 1) * len / (2 * steps)}) *
             (static_cast<double>(len) / 1e6 / static_cast<double>(steps));
    EXPECT_NEAR(expected_count(p), sum, 0.01 * std::max(1.0, sum)) << "phase line " << p.line;
  }
}

TEST(SvcLoadSchedule, DeterministicArrivalsHitTheIntegralExactly) {
  const LoadSpec spec = every_shape("deterministic");
  Schedule s(spec, 7);
  const auto n = per_phase(s, spec.phases.size());
  for (std::size_t i = 0; i < spec.phases.size(); ++i) {
    EXPECT_EQ(n[i], static_cast<std::uint64_t>(std::llround(expected_count(spec.phases[i]))))
        << "phase " << i;
  }
  EXPECT_EQ(n.back(), 0u);  // a zero rate sends nothing
}

TEST(SvcLoadSchedule, DeterministicGapsAreEven) {
  auto spec = quick_spec({100, Micros{seconds{1}}, "GET", "/", "", Arrivals::kDeterministic});
  Schedule s(*spec, 1);
  std::vector<std::int64_t> at;
  while (auto a = s.next()) at.push_back(a->at_ns);
  ASSERT_EQ(at.size(), 100u);
  EXPECT_EQ(at.front(), 5'000'000);  // half a gap in
  for (std::size_t i = 1; i < at.size(); ++i)
    EXPECT_NEAR(static_cast<double>(at[i] - at[i - 1]), 1e7, 1);
}

TEST(SvcLoadSchedule, PoissonCountsWithinStatisticalBounds) {
  const LoadSpec spec = every_shape("poisson");
  std::vector<double> total(spec.phases.size(), 0);
  const int runs = 20;
  for (int seed = 1; seed <= runs; ++seed) {
    Schedule s(spec, static_cast<std::uint64_t>(seed));
    const auto n = per_phase(s, spec.phases.size());
    for (std::size_t i = 0; i < n.size(); ++i) {
      const double mean = expected_count(spec.phases[i]);
      // Each run: a Poisson count, within 6 standard deviations.
      EXPECT_NEAR(static_cast<double>(n[i]), mean, 6 * std::sqrt(mean) + 1) << "phase " << i;
      total[i] += static_cast<double>(n[i]);
    }
  }
  for (std::size_t i = 0; i < total.size(); ++i) {
    const double mean = runs * expected_count(spec.phases[i]);
    EXPECT_NEAR(total[i], mean, 5 * std::sqrt(mean) + 1) << "phase " << i;
  }
}

TEST(SvcLoadSchedule, RoutesFollowTheWeights) {
  const LoadSpec spec = every_shape("poisson");
  Schedule s(spec, 3);
  std::vector<double> n(s.routes().size(), 0);
  while (auto a = s.next()) ++n.at(a->route);
  ASSERT_EQ(s.routes().size(), 2u);
  const double all = n[0] + n[1];
  // Binomial with p = 3/4: within 6 standard deviations.
  EXPECT_NEAR(n[0], all * 0.75, 6 * std::sqrt(all * 0.75 * 0.25));
}

TEST(SvcLoadSchedule, SameSeedSameScheduleOtherSeedOther) {
  const LoadSpec spec = every_shape("poisson");
  Schedule a(spec, 11), b(spec, 11), c(spec, 12);
  int differ = 0;
  for (int i = 0; i < 1000; ++i) {
    auto x = a.next(), y = b.next(), z = c.next();
    ASSERT_TRUE(x && y && z);
    EXPECT_EQ(x->at_ns, y->at_ns);
    EXPECT_EQ(x->route, y->route);
    differ += x->at_ns != z->at_ns ? 1 : 0;
  }
  EXPECT_GT(differ, 900);
}

TEST(SvcLoadSchedule, TimeScaleKeepsTheRatesAndCutStops) {
  auto spec = read_spec_text(R"(arrivals: deterministic
routes: [{path: /}]
phases:
  - {shape: constant, rps: 10, duration: 100s}
  - {shape: constant, rps: 40, duration: 100s}
)",
                             "s.yaml");
  ASSERT_TRUE(spec);
  Schedule scaled(*spec, 1, 0.1);  // 200 s played in 20 s at 10 then 40 requests/s
  EXPECT_EQ(scaled.length_ns(), 20'000'000'000);
  const auto n = per_phase(scaled, 2);
  EXPECT_EQ(n[0], 100u);
  EXPECT_EQ(n[1], 400u);
  Schedule cut(*spec, 1, 1.0, Micros{seconds{50}});
  std::uint64_t count = 0;
  std::int64_t last = 0;
  while (auto a = cut.next()) {
    ++count;
    last = a->at_ns;
  }
  EXPECT_EQ(count, 500u);
  EXPECT_LT(last, 50'000'000'000);
}

TEST(SvcLoadSchedule, ReplaysPlayTheirRatesAndTimestamps) {
  LoadSpec spec;
  spec.routes.push_back(Route{});
  Replay rates;
  rates.rates = {10, 0, 30};
  rates.prefix = {0, 10, 10, 40};
  Replay times;
  times.format = Replay::Format::kTimestamps;
  times.timestamps = {0.25, 0.5, 0.5, 1.75};
  spec.phases.push_back(Phase{rates, Micros{seconds{3}}, Arrivals::kDeterministic, {}, 0});
  spec.phases.push_back(Phase{times, Micros{seconds{2}}, Arrivals::kPoisson, {}, 0});
  Schedule s(spec, 1);
  std::vector<std::int64_t> at;
  std::vector<std::uint64_t> per_second(5, 0);
  while (auto a = s.next()) {
    at.push_back(a->at_ns);
    ++per_second.at(static_cast<std::size_t>(a->at_ns / 1'000'000'000));
  }
  // Even arrivals: 10 in the first second, none in the second, 30 in the third.
  EXPECT_EQ(per_second[0], 10u);
  EXPECT_EQ(per_second[1], 0u);
  EXPECT_EQ(per_second[2], 30u);
  // Then the recorded times, 3 s later (the first phase's length).
  ASSERT_EQ(at.size(), 44u);
  EXPECT_EQ(
      (std::vector<std::int64_t>(at.end() - 4, at.end())),
      (std::vector<std::int64_t>{3'250'000'000, 3'500'000'000, 3'500'000'000, 4'750'000'000}));
  // Played at a tenth of the time: a tenth of the recorded arrivals.
  Schedule scaled(spec, 1, 0.1);
  std::uint64_t n = 0;
  while (scaled.next()) ++n;
  EXPECT_EQ(n, 4u);  // 4 of 40 from the rates; floor(4 x 0.1) = 0 of the 4 timestamps
}

TEST(SvcLoadRng, UniformAndExponentialMoments) {
  Rng rng(5);
  double su = 0, se = 0, se2 = 0;
  const int n = 200'000;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    su += u;
    const double e = rng.exponential();
    se += e;
    se2 += e * e;
  }
  EXPECT_NEAR(su / n, 0.5, 0.005);
  EXPECT_NEAR(se / n, 1.0, 0.015);
  EXPECT_NEAR(se2 / n - (se / n) * (se / n), 1.0, 0.05);  // variance 1
}

}  // namespace
}  // namespace ksim::services::load
