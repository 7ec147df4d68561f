// LoadPhase::rate_at for every shape (hand-computed values) and Load::total.
#include "ksim/sim/scenario/load_profile.h"

#include <gtest/gtest.h>

#include <chrono>

namespace ksim::scenario {
namespace {

using namespace std::chrono_literals;

LoadPhase phase(PhaseShape shape, Duration d) {
  LoadPhase p;
  p.shape = std::move(shape);
  p.duration = d;
  return p;
}

TEST(LoadProfile, ConstantAndOutsideThePhase) {
  const LoadPhase p = phase(ConstantRate{7}, 1min);
  EXPECT_EQ(p.rate_at(0s), 7);
  EXPECT_EQ(p.rate_at(59s), 7);
  EXPECT_EQ(p.rate_at(1min), 0);
  EXPECT_EQ(p.rate_at(-1s), 0);
}

TEST(LoadProfile, RampStepSpike) {
  const LoadPhase ramp = phase(Ramp{10, 110}, 100s);
  EXPECT_DOUBLE_EQ(ramp.rate_at(0s), 10);
  EXPECT_DOUBLE_EQ(ramp.rate_at(25s), 35);
  const LoadPhase step = phase(Step{1, 9, 30s}, 1min);
  EXPECT_EQ(step.rate_at(29s), 1);
  EXPECT_EQ(step.rate_at(30s), 9);
  const LoadPhase spike = phase(Spike{5, 50, 10s, 5s}, 1min);
  EXPECT_EQ(spike.rate_at(9s), 5);
  EXPECT_EQ(spike.rate_at(10s), 50);
  EXPECT_EQ(spike.rate_at(14s), 50);
  EXPECT_EQ(spike.rate_at(15s), 5);
}

TEST(LoadProfile, SineAndDiurnal) {
  const LoadPhase sine = phase(Sine{10, 4, 4s, 0s}, 1min);
  EXPECT_NEAR(sine.rate_at(0s), 10, 1e-9);
  EXPECT_NEAR(sine.rate_at(1s), 14, 1e-9);  // a quarter period
  EXPECT_NEAR(sine.rate_at(3s), 6, 1e-9);
  const LoadPhase shifted = phase(Sine{10, 4, 4s, 1s}, 1min);
  EXPECT_NEAR(shifted.rate_at(0s), 14, 1e-9);
  const LoadPhase day = phase(Diurnal{10, 110, 14h, 0s}, 24h);
  EXPECT_NEAR(day.rate_at(14h), 110, 1e-9);
  EXPECT_NEAR(day.rate_at(2h), 10, 1e-9);                         // 12 h from the peak
  EXPECT_NEAR(day.rate_at(8h), 60, 1e-9);                         // 6 h from the peak: half way
  const LoadPhase late = phase(Diurnal{10, 110, 14h, 12h}, 24h);  // starts at noon
  EXPECT_NEAR(late.rate_at(2h), 110, 1e-9);
}

TEST(LoadProfile, Replays) {
  Replay rates;
  rates.rates = {10, 20};
  rates.speed = 2;
  const LoadPhase p = phase(rates, 1s);
  EXPECT_EQ(p.rate_at(0s), 20);  // recorded second 0, twice as fast
  EXPECT_EQ(p.rate_at(500ms), 40);
  Replay ts;
  ts.format = Replay::Format::kTimestamps;
  ts.timestamps = {0s, 1s};
  EXPECT_EQ(phase(ts, 2s).rate_at(0s), 0);  // arrivals are given, not a rate
}

TEST(LoadProfile, Total) {
  Load load;
  load.phases = {phase(ConstantRate{1}, 1min), phase(Ramp{1, 2}, 30s)};
  EXPECT_EQ(load.total(), 90s);
}

}  // namespace
}  // namespace ksim::scenario
