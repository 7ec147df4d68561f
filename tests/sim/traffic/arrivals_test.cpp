// ArrivalProcess: counts and spacing against the rate curves' integrals.
#include "ksim/sim/traffic/arrivals.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <vector>

namespace ksim::traffic {
namespace {

using namespace std::chrono_literals;
using scenario::Arrivals;
using scenario::Load;
using scenario::LoadPhase;

LoadPhase phase(scenario::PhaseShape shape, Duration d, Arrivals a = Arrivals::kDeterministic) {
  LoadPhase p;
  p.shape = shape;
  p.duration = d;
  p.arrivals = a;
  return p;
}

std::vector<Time> all(const Load& load, std::uint64_t seed = 1, Time start = kTimeZero) {
  ArrivalProcess a(load, Rng(seed), start);
  std::vector<Time> out;
  for (Time t = a.next(); t != kTimeMax; t = a.next()) out.push_back(t);
  return out;
}

TEST(Arrivals, EvenSpacingAtAConstantRate) {
  Load load;
  load.phases = {phase(scenario::ConstantRate{100}, 10s)};
  const auto t = all(load);
  ASSERT_EQ(t.size(), 1000u);
  EXPECT_EQ(t.front(), kTimeZero);
  for (std::size_t i = 1; i < t.size(); ++i) ASSERT_EQ(t[i] - t[i - 1], 10ms) << i;
}

// A gap that does not divide a microsecond stays exact on average: 300/s
// for 10 s is 3000 arrivals, the last one near 9.99667 s.
TEST(Arrivals, EvenSpacingDoesNotDrift) {
  Load load;
  load.phases = {phase(scenario::ConstantRate{300}, 10s)};
  const auto t = all(load);
  ASSERT_EQ(t.size(), 3000u);
  EXPECT_NEAR(static_cast<double>(t.back().time_since_epoch().count()), 2999 * 1e6 / 300, 1.0);
}

// Poisson at 1000/s for 100 s: 100,000 expected, sd 316; counts per second
// have variance equal to their mean (index of dispersion 1).
TEST(Arrivals, PoissonCountsAndDispersion) {
  Load load;
  load.phases = {phase(scenario::ConstantRate{1000}, 100s, Arrivals::kPoisson)};
  const auto t = all(load, 7);
  EXPECT_NEAR(static_cast<double>(t.size()), 100000.0, 5 * 316.0);
  std::vector<double> per_second(100, 0);
  for (Time x : t) per_second[static_cast<std::size_t>(x.time_since_epoch() / 1s)] += 1;
  double mean = 0, var = 0;
  for (double c : per_second) mean += c / 100;
  for (double c : per_second) var += (c - mean) * (c - mean) / 99;
  EXPECT_NEAR(var / mean, 1.0, 0.45);  // chi-square with 99 df: 5 sd is about 0.7
  for (std::size_t i = 1; i < t.size(); ++i) ASSERT_LE(t[i - 1], t[i]);
}

// The midpoint rule is exact for a line: a ramp 0 -> 100 over 100 s holds
// 5000 arrivals.
TEST(Arrivals, RampCountIsTheIntegral) {
  Load load;
  load.phases = {phase(scenario::Ramp{0, 100}, 100s)};
  const auto t = all(load);
  EXPECT_NEAR(static_cast<double>(t.size()), 5000.0, 1.0);
  // The first half holds a quarter of them.
  std::size_t first_half = 0;
  for (Time x : t) first_half += x < kTimeZero + 50s ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(first_half), 1250.0, 1.0);
}

TEST(Arrivals, PhasesFollowEachOther) {
  Load load;
  load.phases = {phase(scenario::ConstantRate{10}, 1s), phase(scenario::ConstantRate{0}, 5s),
                 phase(scenario::ConstantRate{20}, 1s)};
  ArrivalProcess a(load, Rng(1), kTimeZero + 1h);
  std::vector<Time> t;
  std::vector<std::size_t> phases;
  for (Time x = a.next(); x != kTimeMax; x = a.next()) {
    t.push_back(x);
    phases.push_back(a.phase());
  }
  ASSERT_EQ(t.size(), 30u);
  EXPECT_EQ(t[0], kTimeZero + 1h);
  EXPECT_EQ(t[9], kTimeZero + 1h + 900ms);
  EXPECT_EQ(t[10], kTimeZero + 1h + 6s);  // the third phase starts at 6 s
  EXPECT_EQ(t[29] - t[28], 50ms);
  EXPECT_EQ(phases[9], 0u);
  EXPECT_EQ(phases[10], 2u);
}

TEST(Arrivals, DiurnalDayHoldsTheMeanRateTimesADay) {
  Load load;
  load.phases = {phase(scenario::Diurnal{10, 150, 14h, 0s}, 24h)};
  const auto t = all(load);
  EXPECT_NEAR(static_cast<double>(t.size()), 80.0 * 86400, 10.0);
  // The peak hour (13:30-14:30) is near 150/s, the trough near 10/s.
  std::size_t peak = 0, trough = 0;
  for (Time x : t) {
    peak += x >= kTimeZero + 13h + 30min && x < kTimeZero + 14h + 30min ? 1 : 0;
    trough += x >= kTimeZero + 1h + 30min && x < kTimeZero + 2h + 30min ? 1 : 0;
  }
  // The mean of cos over +-pi/24 (an hour of the day around the extreme) is
  // sin(pi/24) / (pi/24).
  const double sinc = std::sin(M_PI / 24) / (M_PI / 24);
  EXPECT_NEAR(static_cast<double>(peak) / 3600, 10 + 70 * (1 + sinc), 0.2);
  EXPECT_NEAR(static_cast<double>(trough) / 3600, 10 + 70 * (1 - sinc), 0.2);
}

TEST(Arrivals, TimestampReplayPlaysTheRecording) {
  scenario::Replay r;
  r.format = scenario::Replay::Format::kTimestamps;
  r.timestamps = {0ms, 250ms, 250ms, 1500ms, 9s};
  Load load;
  load.phases = {phase(r, 2s)};
  const auto t = all(load, 1, kTimeZero + 10s);
  EXPECT_EQ(t, (std::vector<Time>{kTimeZero + 10s, kTimeZero + 10250ms, kTimeZero + 10250ms,
                                  kTimeZero + 11500ms}));  // 9 s lies past the phase
}

TEST(Arrivals, SameSeedSameArrivalsOtherSeedOthers) {
  Load load;
  load.phases = {phase(scenario::Sine{50, 40, 60s, 0s}, 120s, Arrivals::kPoisson)};
  EXPECT_EQ(all(load, 3), all(load, 3));
  EXPECT_NE(all(load, 3), all(load, 4));
}

}  // namespace
}  // namespace ksim::traffic
