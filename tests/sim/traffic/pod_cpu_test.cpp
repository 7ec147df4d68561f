// PodCpu against hand-computed schedules: processor sharing, parallel cores,
// and the CFS quota arithmetic of cluster-facts F.4 ((k-1) x period + r).
#include "ksim/sim/traffic/pod_cpu.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <vector>

#include "ksim/sim/kernel/random.h"

namespace ksim::traffic {
namespace {

using namespace std::chrono_literals;

struct Arrival {
  Duration at;
  std::uint32_t job;
  double cpu_ms;
};

struct Outcome {
  std::map<std::uint32_t, Duration> finished;  // job -> completion time
  int events = 0;                              // next_event() firings needed
};

// Drives the model the way the simulator does: arrivals and next_event()
// in time order.
Outcome run(PodCpu& cpu, std::vector<Arrival> arrivals) {
  Outcome out;
  std::size_t i = 0;
  std::vector<std::uint32_t> done;
  for (;;) {
    const Time next = cpu.next_event();
    const bool arrival_first =
        i < arrivals.size() && (next == kTimeMax || kTimeZero + arrivals[i].at <= next);
    if (arrival_first) {
      cpu.add(kTimeZero + arrivals[i].at, arrivals[i].job, arrivals[i].cpu_ms * 1000.0);
      ++i;
    } else if (next != kTimeMax) {
      ++out.events;
      cpu.advance(next);
    } else {
      break;
    }
    done.clear();
    cpu.take_finished(done);
    for (const auto j : done)
      out.finished[j] = (arrival_first ? arrivals[i - 1].at : next - kTimeZero);
  }
  return out;
}

TEST(PodCpu, ALoneRequestTakesItsCpuTime) {
  PodCpu cpu({.parallelism = 2, .limit_cores = 0}, kTimeZero);
  const Outcome o = run(cpu, {{0ms, 1, 7.5}});
  EXPECT_EQ(o.finished.at(1), 7500us);
  EXPECT_DOUBLE_EQ(cpu.cpu_used_us(), 7500.0);
}

TEST(PodCpu, TwoRequestsOnOneCoreShareIt) {
  PodCpu cpu({.parallelism = 1}, kTimeZero);
  const Outcome o = run(cpu, {{0ms, 1, 10}, {0ms, 2, 10}});
  EXPECT_EQ(o.finished.at(1), 20ms);
  EXPECT_EQ(o.finished.at(2), 20ms);
}

// A alone for 5 ms (5 ms done), then both at half speed: A needs 5 ms more
// (10 ms of wall time, done at 15 ms); B has 5 ms by then and 5 ms alone.
TEST(PodCpu, ALaterArrivalSlowsTheFirst) {
  PodCpu cpu({.parallelism = 1}, kTimeZero);
  const Outcome o = run(cpu, {{0ms, 1, 10}, {5ms, 2, 10}});
  EXPECT_EQ(o.finished.at(1), 15ms);
  EXPECT_EQ(o.finished.at(2), 20ms);
  EXPECT_DOUBLE_EQ(cpu.cpu_used_us(), 20000.0);
}

TEST(PodCpu, ParallelCoresServeUpToTheirNumberAtFullSpeed) {
  PodCpu two({.parallelism = 2}, kTimeZero);
  Outcome o = run(two, {{0ms, 1, 10}, {0ms, 2, 10}});
  EXPECT_EQ(o.finished.at(1), 10ms);
  EXPECT_EQ(o.finished.at(2), 10ms);
  PodCpu four_jobs({.parallelism = 2}, kTimeZero);
  o = run(four_jobs, {{0ms, 1, 10}, {0ms, 2, 10}, {0ms, 3, 10}, {0ms, 4, 10}});
  for (std::uint32_t j = 1; j <= 4; ++j) EXPECT_EQ(o.finished.at(j), 20ms) << j;
}

// cluster-facts F.4: C = 50 ms alone under a 200m limit (q = 20 ms per
// 100 ms): k = ceil(50/20) = 3 periods, r = 50 - 2 x 20 = 10 ms -> 210 ms.
TEST(PodCpu, CfsQuotaStretchesABurst) {
  PodCpu cpu({.parallelism = 2, .limit_cores = 0.2}, kTimeZero);
  const Outcome o = run(cpu, {{0ms, 1, 50}});
  EXPECT_EQ(o.finished.at(1), 210ms);
  EXPECT_EQ(cpu.nr_throttled(), 2u);
  EXPECT_DOUBLE_EQ(cpu.cpu_used_us(), 50000.0);
}

struct CfsRow {
  double limit;
  double cpu_ms;
  Duration expected;
};

// (k-1) x 100 ms + r, k = ceil(C/q), r = C - (k-1) q, for a burst starting
// at a period boundary (the formula of F.4, computed by hand per row).
TEST(PodCpu, CfsFormulaTable) {
  const std::vector<CfsRow> rows = {
      {0.2, 50, 210ms},  {0.2, 20, 20ms},  {0.2, 20.5, 100500us}, {0.2, 5, 5ms},
      {0.5, 120, 220ms}, {0.1, 35, 305ms}, {1.0, 250, 250ms},     {0.25, 100, 325ms},
      {0.2, 40, 120ms},  {0.3, 61, 201ms}, {0.05, 12, 202ms},     {0.75, 80, 105ms},
  };
  for (const CfsRow& r : rows) {
    PodCpu cpu({.parallelism = 4, .limit_cores = r.limit}, kTimeZero);
    const Outcome o = run(cpu, {{0ms, 1, r.cpu_ms}});
    EXPECT_EQ(o.finished.at(1), r.expected) << "limit " << r.limit << " cpu " << r.cpu_ms;
  }
}

// Two threads at once burn the shared quota twice as fast: 2 x 40 ms on two
// cores under 500m (50 ms per period): out after 25 ms with 25 ms each, then
// 15 ms each from 100 ms.
TEST(PodCpu, ConcurrentRequestsShareOneQuota) {
  PodCpu cpu({.parallelism = 2, .limit_cores = 0.5}, kTimeZero);
  const Outcome o = run(cpu, {{0ms, 1, 40}, {0ms, 2, 40}});
  EXPECT_EQ(o.finished.at(1), 115ms);
  EXPECT_EQ(o.finished.at(2), 115ms);
  EXPECT_EQ(cpu.nr_throttled(), 1u);
}

// Periods are counted from the container's start, not from time zero.
TEST(PodCpu, PeriodsStartWithTheContainer) {
  PodCpu cpu({.parallelism = 1, .limit_cores = 0.2}, kTimeZero + 30ms);
  // Arrives 60 ms into the container's first period (at 90 ms): 20 ms of
  // quota, used by 110 ms, the period ends at 130 ms: 20 ms more by 150 ms,
  // then 5 ms in the period from 230 ms.
  const Outcome o = run(cpu, {{90ms, 1, 45}});
  EXPECT_EQ(o.finished.at(1), 235ms);
}

// A long job under its limit passes whole periods in one step: one event.
TEST(PodCpu, LongJobBelowTheLimitNeedsOneEvent) {
  PodCpu cpu({.parallelism = 1, .limit_cores = 2}, kTimeZero);
  const Outcome o = run(cpu, {{0ms, 1, 3'600'000}});
  EXPECT_EQ(o.finished.at(1), 1h);
  EXPECT_EQ(o.events, 1);
  EXPECT_EQ(cpu.nr_throttled(), 0u);
}

// Advancing an idle container across periods, then a burst: the quota is
// fresh in the period the burst arrives in.
TEST(PodCpu, IdleTimeResetsTheQuota) {
  PodCpu cpu({.parallelism = 1, .limit_cores = 0.2}, kTimeZero);
  const Outcome o = run(cpu, {{0ms, 1, 20}, {1010ms, 2, 20}});
  EXPECT_EQ(o.finished.at(1), 20ms);
  EXPECT_EQ(o.finished.at(2), 1030ms);
  EXPECT_EQ(cpu.nr_throttled(), 2u);  // each burst used the whole quota
}

// A lazy caller (advance only when a job arrives, and at the end) sees the
// same jobs finished by each arrival, and the same CPU, as one that fires
// every next_event(): the completions inside an advance end their segments
// where the events would have been.
TEST(PodCpu, LazyAdvanceMatchesEventDriven) {
  for (const double limit : {0.0, 0.3, 1.5}) {
    Rng rng(17);
    std::vector<Arrival> arrivals;
    Duration at{0};
    for (std::uint32_t j = 0; j < 400; ++j) {
      at += Duration{static_cast<std::int64_t>(standard_exponential(rng) * 8000)};
      arrivals.push_back({at, j, standard_exponential(rng) * 6});
    }
    PodCpu eager({.parallelism = 2, .limit_cores = limit}, kTimeZero);
    PodCpu lazy({.parallelism = 2, .limit_cores = limit}, kTimeZero);
    std::vector<std::uint32_t> eager_done, lazy_done, tmp;
    for (const Arrival& a : arrivals) {
      const Time t = kTimeZero + a.at;
      while (eager.next_event() < t) {  // the events before this arrival
        eager.advance(eager.next_event());
        eager.take_finished(eager_done);
      }
      eager.add(t, a.job, a.cpu_ms * 1000);
      eager.take_finished(eager_done);
      lazy.add(t, a.job, a.cpu_ms * 1000);
      lazy.take_finished(lazy_done);
      ASSERT_EQ(lazy_done, eager_done) << "limit " << limit << " job " << a.job;
      ASSERT_NEAR(lazy.cpu_used_us(), eager.cpu_used_us(), 1e-6) << a.job;
    }
    while (eager.next_event() != kTimeMax) {
      eager.advance(eager.next_event());
      eager.take_finished(eager_done);
    }
    lazy.advance(kTimeZero + 1h);
    lazy.take_finished(lazy_done);
    EXPECT_EQ(lazy_done, eager_done);
    EXPECT_EQ(lazy_done.size(), arrivals.size());
    EXPECT_EQ(lazy.nr_throttled(), eager.nr_throttled());
  }
}

TEST(PodCpu, ClearReturnsEveryJobInFinishOrder) {
  PodCpu cpu({.parallelism = 1}, kTimeZero);
  cpu.add(kTimeZero, 7, 30'000);
  cpu.add(kTimeZero, 8, 10'000);
  cpu.add(kTimeZero + 1ms, 9, 20'000);
  std::vector<std::uint32_t> out;
  cpu.clear(out);
  EXPECT_EQ(out, (std::vector<std::uint32_t>{8, 9, 7}));
  EXPECT_EQ(cpu.jobs(), 0u);
  EXPECT_EQ(cpu.next_event(), kTimeMax);
}

}  // namespace
}  // namespace ksim::traffic
