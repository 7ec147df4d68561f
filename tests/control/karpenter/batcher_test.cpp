// The batch window (batcher.h): idle extension, max cap, duplicate triggers.
#include "ksim/control/karpenter/batcher.h"

#include <gtest/gtest.h>

namespace ksim::control::karpenter {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

BatchTrigger at(std::int64_t ms, std::string uid) { return {milliseconds(ms), std::move(uid)}; }

TEST(KarpenterBatcher, EachTriggerReArmsTheIdleTimer) {
  const auto w = batch_window({at(0, "a"), at(500, "b"), at(1200, "c"), at(3000, "d")});
  EXPECT_EQ(w.reason, BatchCloseReason::kIdle);
  EXPECT_EQ(w.close, milliseconds(2200));  // c at 1.2 s (before 1.5 s) + 1 s
  EXPECT_EQ(w.triggers, 3u);               // d opens the next window
  EXPECT_EQ(w.message,
            "batch of 3 pod trigger(s) opened at 0 ms closed at 2200 ms (no new pod for the idle "
            "duration 1000 ms)");
}

TEST(KarpenterBatcher, MaxDurationCapsASteadyStream) {
  std::vector<BatchTrigger> ts;
  for (int i = 0; i < 20; ++i) ts.push_back(at(100 + 900 * i, "p" + std::to_string(i)));
  const auto w = batch_window(ts);
  EXPECT_EQ(w.reason, BatchCloseReason::kMax);
  EXPECT_EQ(w.start, milliseconds(100));
  EXPECT_EQ(w.close, milliseconds(10100));
  EXPECT_EQ(w.triggers, 12u);  // 100 .. 10000 ms
}

TEST(KarpenterBatcher, DuplicateTriggerDoesNotExtendAndTheEdgeGoesToTheNextWindow) {
  EXPECT_EQ(batch_window({at(0, "a"), at(900, "a")}).close, milliseconds(1000));
  const auto w = batch_window({at(0, "a"), at(1000, "b")});
  EXPECT_EQ(w.close, milliseconds(1000));
  EXPECT_EQ(w.triggers, 1u);
  EXPECT_EQ(batch_window({}).reason, BatchCloseReason::kNoTrigger);
}

}  // namespace
}  // namespace ksim::control::karpenter
