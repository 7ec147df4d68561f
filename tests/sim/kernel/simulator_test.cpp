#include "ksim/sim/kernel/simulator.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <queue>
#include <string>
#include <tuple>
#include <vector>

#include "ksim/sim/kernel/random.h"

namespace ksim {
namespace {

using namespace std::chrono_literals;

struct Log {
  std::vector<std::pair<std::int64_t, int>> fired;  // (time us, id)
};

TEST(Simulator, FiresInTimeOrder) {
  Simulator sim;
  Log log;
  for (const int s : {5, 1, 3, 2, 4}) {
    sim.schedule_at(kTimeZero + std::chrono::seconds(s),
                    [&log, &sim, s] { log.fired.emplace_back(to_us(sim.now()), s); });
  }
  EXPECT_EQ(sim.pending(), 5u);
  EXPECT_EQ(sim.run(), 5u);
  ASSERT_EQ(log.fired.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(log.fired[i].second, i + 1);
  EXPECT_EQ(log.fired[4].first, 5'000'000);
  EXPECT_EQ(sim.now(), kTimeZero + 5s);
  EXPECT_EQ(sim.pending(), 0u);
}

TEST(Simulator, TiesFireInInsertionOrderIncludingNestedSchedules) {
  Simulator sim;
  std::vector<int> order;
  const Time t = kTimeZero + 10s;
  sim.schedule_at(t, [&] {
    order.push_back(1);
    sim.schedule_at(t, [&] { order.push_back(4); });  // same instant, scheduled later
  });
  sim.schedule_at(t, [&] { order.push_back(2); });
  sim.schedule_at(t, [&] { order.push_back(3); });
  sim.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
}

TEST(Simulator, CancelPreventsFiringAndIsIdempotent) {
  Simulator sim;
  int fired = 0;
  const EventHandle a = sim.schedule_in(1s, [&] { fired += 1; });
  const EventHandle b = sim.schedule_in(2s, [&] { fired += 10; });
  EXPECT_TRUE(sim.is_pending(a));
  EXPECT_TRUE(sim.cancel(a));
  EXPECT_FALSE(sim.is_pending(a));
  EXPECT_FALSE(sim.cancel(a));
  EXPECT_EQ(sim.pending(), 1u);
  sim.run();
  EXPECT_EQ(fired, 10);
  EXPECT_FALSE(sim.cancel(b)) << "already fired";
  EXPECT_FALSE(sim.cancel(EventHandle{})) << "default handle";
}

TEST(Simulator, StaleHandleDoesNotTouchAReusedSlot) {
  Simulator sim;
  int fired = 0;
  const EventHandle a = sim.schedule_in(1s, [] {});
  ASSERT_TRUE(sim.cancel(a));
  const EventHandle b = sim.schedule_in(1s, [&] { ++fired; });  // likely the same slot
  EXPECT_FALSE(sim.cancel(a));
  EXPECT_FALSE(sim.reschedule(a, kTimeZero + 5s));
  EXPECT_TRUE(sim.is_pending(b));
  sim.run();
  EXPECT_EQ(fired, 1);
}

TEST(Simulator, RescheduleMovesTheEventAndTiesAfterExistingOnes) {
  Simulator sim;
  std::vector<std::pair<int, std::int64_t>> got;
  auto rec = [&](int id) { got.emplace_back(id, to_us(sim.now())); };
  const EventHandle a = sim.schedule_in(10s, [&] { rec(1); });
  sim.schedule_in(3s, [&] { rec(2); });
  EXPECT_TRUE(sim.reschedule(a, kTimeZero + 3s));  // now ties after event 2
  const EventHandle c = sim.schedule_in(1s, [&] { rec(3); });
  EXPECT_TRUE(sim.reschedule(c, kTimeZero + 20s));  // later
  EXPECT_EQ(sim.run(), 3u);
  EXPECT_EQ(got, (std::vector<std::pair<int, std::int64_t>>{
                     {2, 3'000'000}, {1, 3'000'000}, {3, 20'000'000}}));
}

TEST(Simulator, PeriodicTimerHonoursPhaseAndCanCancelItself) {
  Simulator sim;
  std::vector<std::int64_t> at;
  EventHandle h;
  sim.run_until(kTimeZero + 7s);
  h = sim.schedule_periodic(15s, 5s, [&] {
    at.push_back(to_us(sim.now()) / 1'000'000);
    if (at.size() == 4) sim.cancel(h);
  });
  EXPECT_EQ(sim.next_event_time(), kTimeZero + 20s);  // first instant >= 7s with phase 5s
  sim.run();
  EXPECT_EQ(at, (std::vector<std::int64_t>{20, 35, 50, 65}));
  EXPECT_FALSE(sim.is_pending(h));
  EXPECT_EQ(sim.pending(), 0u);
}

TEST(Simulator, PeriodicTimerFiresAtNowWhenInPhase) {
  Simulator sim;
  int n = 0;
  sim.schedule_periodic(10s, 0s, [&] { ++n; });
  sim.run_until(kTimeZero + 30s);
  EXPECT_EQ(n, 4);  // 0, 10, 20, 30
  EXPECT_EQ(sim.pending(), 1u);
}

TEST(Simulator, ReschedulingAPeriodicTimerShiftsItsGrid) {
  Simulator sim;
  std::vector<std::int64_t> at;
  const EventHandle h =
      sim.schedule_periodic(10s, 0s, [&] { at.push_back(to_us(sim.now()) / 1'000'000); });
  sim.run_until(kTimeZero + 10s);  // fired at 0 and 10
  ASSERT_TRUE(sim.reschedule(h, kTimeZero + 13s));
  sim.run_until(kTimeZero + 40s);
  EXPECT_EQ(at, (std::vector<std::int64_t>{0, 10, 13, 23, 33}));
}

TEST(Simulator, RunUntilStopsAtTheLimitAndAllowsEarlierSchedules) {
  Simulator sim;
  std::vector<int> order;
  sim.schedule_at(kTimeZero + 100s, [&] { order.push_back(100); });
  sim.schedule_at(kTimeZero + 10s, [&] { order.push_back(10); });
  EXPECT_EQ(sim.run_until(kTimeZero + 50s), 1u);
  EXPECT_EQ(sim.now(), kTimeZero + 50s);
  EXPECT_EQ(sim.next_event_time(), kTimeZero + 100s);
  // Between the limit and the next pending event.
  sim.schedule_at(kTimeZero + 60s, [&] { order.push_back(60); });
  EXPECT_EQ(sim.next_event_time(), kTimeZero + 60s);
  EXPECT_EQ(sim.run_until(kTimeZero + 100s), 2u) << "an event exactly at the limit fires";
  EXPECT_EQ(order, (std::vector<int>{10, 60, 100}));
}

TEST(Simulator, NextEventTimeIgnoresCancelledEvents) {
  Simulator sim;
  const EventHandle a = sim.schedule_in(1s, [] {});
  sim.schedule_in(2s, [] {});
  sim.cancel(a);
  EXPECT_EQ(sim.next_event_time(), kTimeZero + 2s);
  sim.run();
  EXPECT_EQ(sim.next_event_time(), std::nullopt);
}

TEST(Simulator, StopEndsTheRunAfterTheCurrentEvent) {
  Simulator sim;
  int n = 0;
  sim.schedule_periodic(1s, 0s, [&] {
    if (++n == 3) sim.stop();
  });
  sim.run();
  EXPECT_EQ(n, 3);
  EXPECT_EQ(sim.now(), kTimeZero + 2s);
}

TEST(Simulator, CallbacksAreDestroyedOnFireCancelAndTeardown) {
  auto token = std::make_shared<int>(0);
  {
    Simulator sim;
    sim.schedule_in(1s, [token] {});
    const EventHandle c = sim.schedule_in(2s, [token] {});
    sim.schedule_in(3s, [token] {});
    EXPECT_EQ(token.use_count(), 4);
    sim.cancel(c);
    EXPECT_EQ(token.use_count(), 3);
    sim.run_until(kTimeZero + 1s);
    EXPECT_EQ(token.use_count(), 2);
  }
  EXPECT_EQ(token.use_count(), 1);
}

// A reference calendar: std::priority_queue over (time, sequence) with lazy
// cancellation. A random mix of schedules, cancels and reschedules must fire
// the same events at the same times in the same order.
TEST(Simulator, MatchesAReferenceCalendarOnRandomWorkloads) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    Rng rng = Rng::for_stream(seed, "calendar-test");
    Simulator sim;
    std::vector<std::pair<std::int64_t, int>> got;
    std::vector<std::pair<std::int64_t, int>> want;

    using Ref = std::tuple<std::int64_t, std::uint64_t, int>;  // time, seq, id
    std::priority_queue<Ref, std::vector<Ref>, std::greater<>> ref;
    std::map<int, std::uint64_t> ref_live;  // id -> seq of its live entry
    std::vector<std::pair<int, EventHandle>> handles;
    std::uint64_t seq = 0;
    int next_id = 0;

    for (int round = 0; round < 3000; ++round) {
      const std::uint64_t op = rng.below(10);
      const std::int64_t now = to_us(sim.now());
      if (op < 5) {
        const int id = next_id++;
        const std::int64_t t = now + static_cast<std::int64_t>(rng.below(50));
        handles.emplace_back(id, sim.schedule_at(time_from_us(t), [&got, &sim, id] {
          got.emplace_back(to_us(sim.now()), id);
        }));
        ref.emplace(t, seq, id);
        ref_live[id] = seq++;
      } else if (op < 7 && !handles.empty()) {
        const auto k = static_cast<std::size_t>(rng.below(handles.size()));
        const auto [id, h] = handles[k];
        EXPECT_EQ(sim.cancel(h), ref_live.erase(id) == 1);
      } else if (op < 8 && !handles.empty()) {
        const auto k = static_cast<std::size_t>(rng.below(handles.size()));
        const auto [id, h] = handles[k];
        const std::int64_t t = now + static_cast<std::int64_t>(rng.below(50));
        const bool live = ref_live.contains(id);
        EXPECT_EQ(sim.reschedule(h, time_from_us(t)), live);
        if (live) {
          ref.emplace(t, seq, id);
          ref_live[id] = seq++;
        }
      } else {
        const std::int64_t until = now + static_cast<std::int64_t>(rng.below(30));
        sim.run_until(time_from_us(until));
        while (!ref.empty() && std::get<0>(ref.top()) <= until) {
          const auto [t, s, id] = ref.top();
          ref.pop();
          auto it = ref_live.find(id);
          if (it == ref_live.end() || it->second != s) continue;  // cancelled or moved
          ref_live.erase(it);
          want.emplace_back(t, id);
        }
      }
      ASSERT_EQ(sim.pending(), ref_live.size()) << "seed " << seed << " round " << round;
    }
    sim.run();
    while (!ref.empty()) {
      const auto [t, s, id] = ref.top();
      ref.pop();
      auto it = ref_live.find(id);
      if (it == ref_live.end() || it->second != s) continue;
      ref_live.erase(it);
      want.emplace_back(t, id);
    }
    ASSERT_EQ(got, want) << "seed " << seed;
  }
}

// Same program, same seed: same event trace, run after run.
TEST(Simulator, IdenticalResultsAcrossRuns) {
  auto run_once = [](std::uint64_t seed) {
    Simulator sim;
    Rng rng(seed);
    Exponential gap(1e5);
    std::string trace;
    struct Ctx {
      Simulator* sim;
      Rng* rng;
      Exponential* gap;
      std::string* trace;
      int left;
    } ctx{&sim, &rng, &gap, &trace, 2000};
    struct Fire {
      Ctx* c;
      int id;
      void operator()() const {
        *c->trace += std::to_string(to_us(c->sim->now())) + ":" + std::to_string(id) + ";";
        if (c->left-- > 0) {
          const auto d = Duration{static_cast<std::int64_t>(c->gap->sample(*c->rng))};
          c->sim->schedule_in(d, Fire{c, id + 100});
        }
      }
    };
    for (int i = 0; i < 50; ++i) sim.schedule_in(Duration{i % 7}, Fire{&ctx, i});
    sim.run();
    return trace;
  };
  const std::string a = run_once(42);
  EXPECT_EQ(a, run_once(42));
  EXPECT_NE(a, run_once(43));
}

}  // namespace
}  // namespace ksim

namespace ksim {
namespace {

using namespace std::chrono_literals;

// advance_to moves the clock only inside a run, up to its limit, never
// past (or onto) a pending event; it may decline when it cannot tell in O(1)
// (beyond the calendar's current 8.192 ms window).
TEST(Simulator, AdvanceToOnlyWhereNoEventComesFirst) {
  Simulator sim;
  EXPECT_FALSE(sim.advance_to(kTimeZero + 1ms));  // outside a run
  std::vector<std::pair<std::string, Time>> seen;
  sim.schedule_at(kTimeZero + 5ms, [&] { seen.emplace_back("five", sim.now()); });
  sim.schedule_at(kTimeZero + 1ms, [&] {
    seen.emplace_back("one", sim.now());
    EXPECT_FALSE(sim.advance_to(kTimeZero + 5ms));    // onto the pending event: it goes first
    EXPECT_FALSE(sim.advance_to(kTimeZero + 500us));  // backwards
    EXPECT_TRUE(sim.advance_to(kTimeZero + 4999us));
    seen.emplace_back("advanced", sim.now());
  });
  sim.run_until(kTimeZero + 6ms);
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, Time>>{{"one", kTimeZero + 1ms},
                                                             {"advanced", kTimeZero + 4999us},
                                                             {"five", kTimeZero + 5ms}}));
  // Not beyond the run's limit.
  sim.schedule_at(kTimeZero + 6500us, [&] {
    EXPECT_FALSE(sim.advance_to(kTimeZero + 7001us));
    EXPECT_TRUE(sim.advance_to(kTimeZero + 7ms));
  });
  sim.run_until(kTimeZero + 7ms);
  EXPECT_EQ(sim.now(), kTimeZero + 7ms);
}

}  // namespace
}  // namespace ksim
