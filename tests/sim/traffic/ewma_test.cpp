// EwmaBalancer against ingress-nginx's ewma.lua, by hand.
#include "ksim/sim/traffic/ewma.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>

namespace ksim::traffic {
namespace {

using namespace std::chrono_literals;
using cluster::PodId;

TEST(Ewma, DecayTowardsEachResponse) {
  EwmaBalancer b;
  b.sync({PodId{1}}, kTimeZero);
  // 10 s after the sync (ewma 0): weight e^-1 on the old value.
  b.observe(PodId{1}, 100ms, kTimeZero + 10s);
  EXPECT_NEAR(b.score(PodId{1}, kTimeZero + 10s), 0.1 * (1 - std::exp(-1.0)), 1e-12);
  // Read 5 s later it has decayed by e^-0.5 (towards 0: scores use rtt 0).
  EXPECT_NEAR(b.score(PodId{1}, kTimeZero + 15s), 0.1 * (1 - std::exp(-1.0)) * std::exp(-0.5),
              1e-12);
  // A response at the same instant as the last one changes nothing (td 0).
  b.observe(PodId{1}, 1s, kTimeZero + 10s);
  EXPECT_NEAR(b.score(PodId{1}, kTimeZero + 10s), 0.1 * (1 - std::exp(-1.0)), 1e-12);
}

TEST(Ewma, NewEndpointsStartAtTheAverage) {
  EwmaBalancer b;
  b.sync({PodId{1}, PodId{2}}, kTimeZero);
  b.observe(PodId{1}, 200ms, kTimeZero + 10s);  // 0.2 (1 - e^-1)
  b.observe(PodId{2}, 400ms, kTimeZero + 10s);  // 0.4 (1 - e^-1)
  b.sync({PodId{2}, PodId{3}}, kTimeZero + 10s);
  const double k = 1 - std::exp(-1.0);
  EXPECT_NEAR(b.score(PodId{2}, kTimeZero + 10s), 0.4 * k, 1e-12);  // kept
  EXPECT_NEAR(b.score(PodId{3}, kTimeZero + 10s), 0.3 * k, 1e-12);  // average of the old set
  EXPECT_EQ(b.score(PodId{1}, kTimeZero + 10s), 0.0);               // gone
}

// Two peers: always both in the pair, so the lower score always wins.
TEST(Ewma, TheLowerOfTwoWins) {
  EwmaBalancer b;
  b.sync({PodId{1}, PodId{2}}, kTimeZero);
  b.observe(PodId{1}, 300ms, kTimeZero + 1s);
  b.observe(PodId{2}, 100ms, kTimeZero + 1s);
  Rng rng(5);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(b.pick(rng, kTimeZero + 2s), PodId{2});
}

// Among four equal peers the pair is uniform over ordered pairs and the
// first wins ties: each peer is picked a quarter of the time.
TEST(Ewma, EqualScoresSpreadEvenly) {
  EwmaBalancer b;
  b.sync({PodId{1}, PodId{2}, PodId{3}, PodId{4}}, kTimeZero);
  Rng rng(9);
  std::map<std::uint32_t, int> n;
  for (int i = 0; i < 40000; ++i) ++n[static_cast<std::uint32_t>(b.pick(rng, kTimeZero))];
  for (const auto& [pod, c] : n) EXPECT_NEAR(c, 10000, 5 * 86.6) << pod;  // binomial sd
  // The slowest of four is picked only when paired with... nobody slower: never.
  b.observe(PodId{3}, 1s, kTimeZero + 1s);
  int slow = 0;
  for (int i = 0; i < 1000; ++i) slow += b.pick(rng, kTimeZero + 1s) == PodId{3} ? 1 : 0;
  EXPECT_EQ(slow, 0);
}

}  // namespace
}  // namespace ksim::traffic
