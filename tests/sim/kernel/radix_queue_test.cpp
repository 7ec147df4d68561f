#include "ksim/sim/kernel/radix_queue.h"

#include <gtest/gtest.h>

#include <queue>
#include <tuple>
#include <vector>

#include "ksim/sim/kernel/random.h"

namespace ksim {
namespace {

TEST(RadixQueue, PopsInKeyOrderThenPushOrder) {
  RadixQueue<> q;
  const std::vector<std::int64_t> keys = {50, 3, 50, 7, 3, 1000000, 0, 7};
  for (std::uint32_t i = 0; i < keys.size(); ++i) q.push({keys[i], i, 0});
  std::vector<std::uint32_t> order;
  QueueEntry e{};
  while (q.pop_until(INT64_MAX, e)) order.push_back(e.slot);
  EXPECT_EQ(order, (std::vector<std::uint32_t>{6, 1, 4, 3, 7, 0, 2, 5}));
  EXPECT_TRUE(q.empty());
}

TEST(RadixQueue, PopUntilLeavesLaterKeysAndAllowsEarlierPushes) {
  RadixQueue<> q;
  q.push({100, 1, 0});
  QueueEntry e{};
  EXPECT_FALSE(q.pop_until(99, e));
  // A limit below the minimum must not raise the floor past the limit, so a
  // key between the limit and the minimum can still be pushed.
  EXPECT_EQ(q.floor_key(), 0);
  q.push({99, 2, 0});
  ASSERT_TRUE(q.pop_until(99, e));
  EXPECT_EQ(e.slot, 2u);
  ASSERT_TRUE(q.pop_until(100, e));
  EXPECT_EQ(e.slot, 1u);
}

TEST(RadixQueue, MinLiveKeySkipsDeadEntries) {
  RadixQueue<> q;
  q.push({5, 0, 0});
  q.push({9, 1, 0});
  q.push({20, 2, 0});
  auto alive_except = [](std::uint32_t dead) {
    return [dead](const QueueEntry& e) { return e.slot != dead; };
  };
  EXPECT_EQ(q.min_live_key(-1, alive_except(99)), 5);
  EXPECT_EQ(q.min_live_key(-1, alive_except(0)), 9);
  EXPECT_EQ(q.min_live_key(-1, [](const QueueEntry&) { return false; }), -1);
}

// Against std::priority_queue ordered by (key, sequence): random monotone
// workloads with many ties must come out in exactly the same order.
TEST(RadixQueue, MatchesBinaryHeapOnRandomWorkloads) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Rng rng(seed);
    RadixQueue<> q;
    using Ref = std::tuple<std::int64_t, std::uint32_t>;  // key, seq
    std::priority_queue<Ref, std::vector<Ref>, std::greater<>> ref;
    std::int64_t now = 0;
    std::uint32_t seq = 0;
    for (int step = 0; step < 20000; ++step) {
      const std::uint64_t op = rng.below(10);
      if (op < 6 || ref.empty()) {
        // Small spreads force ties; occasional huge jumps exercise high buckets.
        // Small spreads force ties within the current window; medium ones
        // land a level up and come back through a spill, tying with later
        // direct pushes; huge jumps exercise the high levels.
        static constexpr std::uint64_t kSpreads[] = {16, 5000, 3'000'000, 1ULL << 40};
        const std::uint64_t spread = kSpreads[rng.below(4)];
        // Coarse keys (multiples of 7) make equal keys common at every level.
        const auto key = now + static_cast<std::int64_t>(rng.below(spread) / 7 * 7);
        q.push({key, seq, 0});
        ref.emplace(key, seq);
        ++seq;
      } else {
        QueueEntry e{};
        ASSERT_TRUE(q.pop_until(INT64_MAX, e));
        const auto [k, s] = ref.top();
        ref.pop();
        ASSERT_EQ(e.key, k) << "seed " << seed << " step " << step;
        ASSERT_EQ(e.slot, s) << "seed " << seed << " step " << step;
        now = k;
      }
    }
    EXPECT_EQ(q.size(), ref.size());
  }
}

}  // namespace
}  // namespace ksim
