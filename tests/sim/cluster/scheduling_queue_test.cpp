// SchedulingQueue: backoff arithmetic (upstream calculateBackoffDuration),
// the queues' moves, alignment to whole seconds with SchedulerPopFromBackoffQ,
// the 5 min leftover flush.
#include "ksim/sim/cluster/scheduling_queue.h"

#include <gtest/gtest.h>

#include <chrono>

namespace ksim::cluster {
namespace {

using namespace std::chrono_literals;

constexpr PodId kA{0};
constexpr PodId kB{1};
constexpr PodId kC{2};

SchedulingQueueConfig legacy() {
  SchedulingQueueConfig c;
  c.pop_from_backoff_q = false;
  return c;
}

TEST(SchedulingQueue, BackoffDoublesFromOneToTenSeconds) {
  const SchedulingQueue q;
  EXPECT_EQ(q.backoff_duration(0), 0s);
  EXPECT_EQ(q.backoff_duration(1), 1s);
  EXPECT_EQ(q.backoff_duration(2), 2s);
  EXPECT_EQ(q.backoff_duration(3), 4s);
  EXPECT_EQ(q.backoff_duration(4), 8s);
  EXPECT_EQ(q.backoff_duration(5), 10s);
  EXPECT_EQ(q.backoff_duration(6), 10s);
  EXPECT_EQ(q.backoff_duration(100), 10s);
  SchedulingQueueConfig c;
  c.initial_backoff = 3s;
  c.max_backoff = 20s;
  EXPECT_EQ(SchedulingQueue(c).backoff_duration(3), 12s);
  EXPECT_EQ(SchedulingQueue(c).backoff_duration(4), 20s);
}

TEST(SchedulingQueue, ActiveQIsFirstInFirstOut) {
  SchedulingQueue q;
  q.add(kB, kTimeZero + 1s);
  q.add(kA, kTimeZero + 2s);
  q.add(kC, kTimeZero + 2s);
  EXPECT_EQ(q.pop(), kB);
  EXPECT_EQ(q.pop(), kA);
  EXPECT_EQ(q.pop(), kC);
  EXPECT_EQ(q.pop(), std::nullopt);
  EXPECT_EQ(q.location(kA), QueueLocation::kInFlight);
  EXPECT_EQ(q.attempts(kA), 1);
  q.done(kA);
  EXPECT_EQ(q.location(kA), QueueLocation::kNone);
}

TEST(SchedulingQueue, FailedPodsWaitForAnEvent) {
  SchedulingQueue q;
  q.add(kA, kTimeZero);
  ASSERT_EQ(q.pop(), kA);
  q.failed(kA, kTimeZero + 2700ms);
  EXPECT_EQ(q.location(kA), QueueLocation::kUnschedulable);
  EXPECT_FALSE(q.has_work());
  EXPECT_EQ(q.unschedulable().size(), 1u);
  // Aligned to the second: 2.7 s + 1 s -> 3 s; backing off while now's
  // second is not past it.
  EXPECT_EQ(q.backoff_expiry(kA), kTimeZero + 3s);
  EXPECT_TRUE(q.backing_off(kA, kTimeZero + 3900ms));
  EXPECT_FALSE(q.backing_off(kA, kTimeZero + 4s));
  q.activate(kA, kTimeZero + 3500ms);
  EXPECT_EQ(q.location(kA), QueueLocation::kBackoff);
  EXPECT_EQ(q.next_backoff_flush(), kTimeZero + 4s);
  // SchedulerPopFromBackoffQ: an idle scheduler takes it anyway.
  EXPECT_TRUE(q.has_work());
  EXPECT_EQ(q.pop(), kA);
  EXPECT_EQ(q.attempts(kA), 2);
}

TEST(SchedulingQueue, LegacyBackoffWaitsForTheFlush) {
  SchedulingQueue q(legacy());
  q.add(kA, kTimeZero);
  q.add(kB, kTimeZero);
  ASSERT_EQ(q.pop(), kA);
  q.failed(kA, kTimeZero + 2700ms);
  EXPECT_EQ(q.backoff_expiry(kA), kTimeZero + 3700ms);  // not aligned
  q.activate(kA, kTimeZero + 3s);
  EXPECT_EQ(q.location(kA), QueueLocation::kBackoff);
  EXPECT_EQ(q.pop(), kB);  // activeQ first
  EXPECT_EQ(q.pop(), std::nullopt);
  EXPECT_EQ(q.next_backoff_flush(), kTimeZero + 4s);
  EXPECT_EQ(q.flush_backoff_completed(kTimeZero + 3700ms), 0u);
  EXPECT_EQ(q.flush_backoff_completed(kTimeZero + 4s), 1u);
  EXPECT_EQ(q.location(kA), QueueLocation::kActive);
  EXPECT_EQ(q.pop(), kA);
}

TEST(SchedulingQueue, EventAfterTheBackoffGoesStraightToActiveQ) {
  SchedulingQueue q(legacy());
  q.add(kA, kTimeZero);
  ASSERT_EQ(q.pop(), kA);
  q.failed(kA, kTimeZero);
  q.activate(kA, kTimeZero + 5s);
  EXPECT_EQ(q.location(kA), QueueLocation::kActive);
  EXPECT_FALSE(q.next_backoff_flush().has_value());
  q.activate(kA, kTimeZero + 5s);  // not unschedulable: nothing to do
  EXPECT_EQ(q.pop(), kA);
}

TEST(SchedulingQueue, LeftoverFlushAfterFiveMinutes) {
  SchedulingQueue q;
  q.add(kA, kTimeZero);
  ASSERT_EQ(q.pop(), kA);
  q.failed(kA, kTimeZero + 10s);
  EXPECT_EQ(q.flush_unschedulable_leftover(kTimeZero + 5min + 10s), 0u);  // not more than 5 min
  EXPECT_EQ(q.flush_unschedulable_leftover(kTimeZero + 5min + 30s), 1u);
  EXPECT_EQ(q.location(kA), QueueLocation::kActive);
}

TEST(SchedulingQueue, RemoveFromAnywhere) {
  SchedulingQueue q(legacy());
  q.add(kA, kTimeZero);
  q.add(kB, kTimeZero);
  q.add(kC, kTimeZero);
  ASSERT_EQ(q.pop(), kA);
  ASSERT_EQ(q.pop(), kB);
  q.failed(kA, kTimeZero);
  q.failed(kB, kTimeZero);
  q.activate(kB, kTimeZero);  // backing off
  q.remove(kA);
  q.remove(kB);
  q.remove(kC);
  q.remove(PodId{77});  // never seen
  EXPECT_TRUE(q.unschedulable().empty());
  EXPECT_FALSE(q.next_backoff_flush().has_value());
  EXPECT_EQ(q.pop(), std::nullopt);
  for (PodId p : {kA, kB, kC}) EXPECT_EQ(q.location(p), QueueLocation::kNone);
}

}  // namespace
}  // namespace ksim::cluster
