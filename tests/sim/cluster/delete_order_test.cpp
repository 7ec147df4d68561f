// deletion_less / pods_to_delete against upstream's TestSortingActivePodsWithRanks
// (pkg/controller/controller_utils_test.go; its zero-timestamp cases left out:
// the model always sets creation and ready times), plus the log2 buckets, the
// UID within a bucket and whole-second timestamps.
#include "ksim/sim/cluster/delete_order.h"

#include <gtest/gtest.h>

#include <chrono>

namespace ksim::cluster {
namespace {

using namespace std::chrono_literals;
using Days = std::chrono::days;

const Time kNow = kTimeZero + Days{31} + 500ms;  // metav1.Now(): not a whole second

struct Row {
  const char* name;
  bool assigned;
  PodPhase phase;
  bool ready;
  std::int32_t restarts;
  Time ready_since;
  Time created;
  std::int32_t cost = 0;
};

DeletionCandidate cand(const Row& r, std::int32_t rank, std::uint32_t id = 0) {
  DeletionCandidate c;
  c.pod = PodId{id};
  c.assigned = r.assigned;
  c.phase = r.phase;
  c.ready = r.ready;
  c.restarts = r.restarts;
  c.ready_since = r.ready_since;
  c.created = r.created;
  c.deletion_cost = r.cost;
  c.rank = rank;
  return c;
}

const Time kThen1Month = kNow - Days{30};
const Time kThen2Hours = kNow - 2h;
const Time kThen5Hours = kNow - 5h;
const Time kThen8Hours = kNow - 8h;

const Row kUnscheduled{"unscheduled", false, PodPhase::kPending, false, 0, kNow, kNow};
const Row kScheduledPending{"pending", true, PodPhase::kPending, false, 0, kNow, kNow};
const Row kUnknownPhase{"unknown-phase", true, PodPhase::kUnknown, false, 0, kNow, kNow};
const Row kRunningNotReady{"not-ready", true, PodPhase::kRunning, false, 0, kNow, kNow};
const Row kReadyNow{"ready-now", true, PodPhase::kRunning, true, 0, kNow, kNow};
const Row kReadyThen{"ready-then", true, PodPhase::kRunning, true, 0, kThen1Month, kThen1Month};
const Row kReadyNowHighRestarts{
    "ready-high-restarts", true, PodPhase::kRunning, true, 9001, kNow, kNow};
const Row kReadyNowCreatedThen{
    "ready-now-created-then", true, PodPhase::kRunning, true, 0, kNow, kThen1Month};
const Row kLowCost{"low-deletion-cost", true, PodPhase::kRunning, true, 0, kNow, kThen1Month, 10};
const Row kHighCost{"high-deletion-cost", true, PodPhase::kRunning, true, 0, kNow,
                    kThen1Month,          100};
const Row kUnscheduled5Hours{"unscheduled-5-hours", false,      PodPhase::kPending, false, 0,
                             kThen5Hours,           kThen5Hours};
const Row kUnscheduled8Hours{"unscheduled-8-hours", false,      PodPhase::kPending, false, 0,
                             kThen8Hours,           kThen8Hours};
const Row kReady2Hours{"ready-2-hours", false,      PodPhase::kRunning, true, 0,
                       kThen2Hours,     kThen1Month};
const Row kReady5Hours{"ready-5-hours", false,      PodPhase::kRunning, true, 0,
                       kThen5Hours,     kThen1Month};
const Row kReady8Hours{"ready-8-hours", false,      PodPhase::kRunning, true, 0,
                       kThen8Hours,     kThen1Month};

TEST(DeleteOrder, UpstreamEqualities) {
  const std::vector<std::pair<Row, Row>> equal{
      {kUnscheduled, kUnscheduled},
      {kScheduledPending, kScheduledPending},
      {kUnknownPhase, kUnknownPhase},
      {kRunningNotReady, kRunningNotReady},
      {kReadyNowCreatedThen, kReadyNowCreatedThen},
      {kReadyNow, kReadyNow},
      {kReadyThen, kReadyThen},
      {kReadyNowHighRestarts, kReadyNowHighRestarts},
      // 5 h and 8 h share the log2 bucket 44; equal UIDs then.
      {kUnscheduled5Hours, kUnscheduled8Hours},
      {kReady5Hours, kReady8Hours},
  };
  for (const auto& [a, b] : equal) {
    EXPECT_FALSE(deletion_less(cand(a, 1), cand(b, 1), kNow)) << a.name << " vs " << b.name;
    EXPECT_FALSE(deletion_less(cand(b, 1), cand(a, 1), kNow)) << b.name << " vs " << a.name;
  }
}

TEST(DeleteOrder, UpstreamInequalities) {
  struct Case {
    Row lesser;
    std::int32_t lesser_rank;
    Row greater;
    std::int32_t greater_rank;
  };
  const std::vector<Case> cases{
      {kUnscheduled, 1, kScheduledPending, 2},
      {kUnscheduled, 2, kScheduledPending, 1},
      {kScheduledPending, 1, kUnknownPhase, 2},
      {kUnknownPhase, 1, kRunningNotReady, 2},
      {kRunningNotReady, 1, kReadyNow, 1},
      {kReadyNow, 1, kReadyThen, 1},
      {kReadyNow, 2, kReadyThen, 1},
      {kReadyNowHighRestarts, 1, kReadyNow, 1},
      {kReadyNow, 2, kReadyNowHighRestarts, 1},
      {kReadyNow, 1, kReadyNowCreatedThen, 1},
      {kReadyNowCreatedThen, 2, kReadyNow, 1},
      {kLowCost, 2, kHighCost, 1},
      {kReady2Hours, 1, kReady5Hours, 1},
  };
  for (const Case& c : cases) {
    const DeletionCandidate l = cand(c.lesser, c.lesser_rank);
    const DeletionCandidate g = cand(c.greater, c.greater_rank);
    EXPECT_TRUE(deletion_less(l, g, kNow)) << c.lesser.name << " before " << c.greater.name;
    EXPECT_FALSE(deletion_less(g, l, kNow)) << c.greater.name << " after " << c.lesser.name;
  }
}

// Within one log2 bucket the UID decides, even against age: ready 50 s and
// 60 s before now are both in bucket 35 (2^35 ns = 34.4 s .. 68.7 s).
TEST(DeleteOrder, UidDecidesWithinABucket) {
  Row newer = kReadyNow;
  newer.ready_since = kNow - 50s;
  Row older = kReadyNow;
  older.ready_since = kNow - 60s;
  DeletionCandidate a = cand(newer, 1);
  DeletionCandidate b = cand(older, 1);
  a.uid = 9;
  b.uid = 3;
  EXPECT_TRUE(deletion_less(b, a, kNow));
  EXPECT_FALSE(deletion_less(a, b, kNow));
  // 80 s is in bucket 36: age decides again.
  older.ready_since = kNow - 80s;
  b = cand(older, 1);
  b.uid = 3;
  EXPECT_TRUE(deletion_less(a, b, kNow));
}

// metav1.Time carries whole seconds: two pods Ready within the same second
// are equally old, and the creation time decides.
TEST(DeleteOrder, TimestampsAreWholeSeconds) {
  Row a = kReadyNow;
  a.ready_since = kTimeZero + 10s + 200ms;
  a.created = kTimeZero + 1s;
  Row b = kReadyNow;
  b.ready_since = kTimeZero + 10s + 900ms;
  b.created = kTimeZero + 50s;  // 50 s old: bucket 35; a, 99 s old: bucket 36
  const Time now = kTimeZero + 100s;
  EXPECT_TRUE(deletion_less(cand(b, 1), cand(a, 1), now));   // created later
  EXPECT_FALSE(deletion_less(cand(a, 1), cand(b, 1), now));  // not ready later
}

TEST(DeleteOrder, PodsToDeleteTakesTheFirstInOrder) {
  std::vector<DeletionCandidate> c{
      cand(kReadyThen, 1, 0), cand(kReadyNow, 1, 1),    cand(kRunningNotReady, 1, 2),
      cand(kReadyNow, 3, 3),  cand(kUnscheduled, 1, 4),
  };
  EXPECT_EQ(pods_to_delete(c, 3, kNow), (std::vector<PodId>{PodId{4}, PodId{2}, PodId{3}}));
  EXPECT_EQ(pods_to_delete(c, 4, kNow),
            (std::vector<PodId>{PodId{4}, PodId{2}, PodId{3}, PodId{1}}));
  // All of them: no sorting, as upstream.
  EXPECT_EQ(pods_to_delete(c, 5, kNow),
            (std::vector<PodId>{PodId{0}, PodId{1}, PodId{2}, PodId{3}, PodId{4}}));
  EXPECT_EQ(pods_to_delete(c, 9, kNow).size(), 5u);
  EXPECT_TRUE(pods_to_delete(c, 0, kNow).empty());
}

}  // namespace
}  // namespace ksim::cluster
