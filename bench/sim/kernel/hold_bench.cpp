// The classic hold model (Jones, "An empirical comparison of priority-queue
// and event-set implementations", CACM 1986): N events pending; each step
// pops the earliest and schedules one new event at now + Exp(mean 1 s).
//
// BM_Hold/N            ksim::Simulator (radix-heap calendar, inline callbacks)
// BM_HoldBaseline/N    std::priority_queue of 24-byte POD events
// BM_HoldCancel/N      as BM_Hold, and 30 % of scheduled events are cancelled
// BM_HoldCancelBaseline/N  the same on the plain heap (lazy deletion by generation)
//
// Cancel workload (a timeout that is usually cancelled): each fired event
// schedules its replacement; in addition, with probability 3/7 it cancels the
// event scheduled 16 schedules earlier and, if that one was still pending,
// schedules another in its place. N stays constant and cancelled / scheduled
// = (3/7) / (1 + 3/7) = 30 % (less the rare cancel that finds its target
// already fired). Both implementations consume the same random draws in the
// same order, so they fire the same events. BM_HoldBaseline is the plainest
// heap (no cancellation support); BM_HoldCancelBaseline adds lazy deletion by
// generation, the usual way to cancel in a binary heap.
//
// items_per_second counts fired events.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "ksim/sim/kernel/random.h"
#include "ksim/sim/kernel/simulator.h"

namespace {

using ksim::Duration;
using ksim::EventHandle;
using ksim::Exponential;
using ksim::Rng;
using ksim::Simulator;

constexpr double kMeanUs = 1e6;  // Exp(mean 1 s), in microseconds
constexpr double kCancelP = 3.0 / 7.0;
constexpr std::size_t kRing = 16;
constexpr std::uint64_t kSeed = 20261121;

std::int64_t draw_delay(const Exponential& exp, Rng& rng) {
  return static_cast<std::int64_t>(exp.sample(rng));
}

// Warm-up: run enough steps that the calendar reaches its steady state.
std::int64_t warmup_steps(std::int64_t n) { return 2 * n + 10'000; }

// ---------------------------------------------------------------- ksim kernel

struct KernelCtx {
  Simulator sim;
  Rng rng{kSeed};
  Exponential exp{kMeanUs};
  std::array<EventHandle, kRing> ring{};
  std::size_t ring_pos = 0;
  bool cancels = false;
};

struct HoldEvent {
  KernelCtx* c;
  void operator()() const;
};

void schedule_one(KernelCtx& c) {
  const EventHandle h = c.sim.schedule_in(Duration{draw_delay(c.exp, c.rng)}, HoldEvent{&c});
  c.ring[c.ring_pos++ % kRing] = h;
}

void HoldEvent::operator()() const {
  schedule_one(*c);
  // Cancel the event scheduled 16 schedules ago, and replace it.
  if (c->cancels && c->rng.uniform01() < kCancelP && c->sim.cancel(c->ring[c->ring_pos % kRing])) {
    schedule_one(*c);
  }
}

void run_kernel(benchmark::State& state, bool cancels) {
  KernelCtx c;
  c.cancels = cancels;
  const auto n = state.range(0);
  for (std::int64_t i = 0; i < n; ++i) schedule_one(c);
  for (std::int64_t i = 0; i < warmup_steps(n); ++i) c.sim.step();
  for (auto _ : state) c.sim.step();
  benchmark::DoNotOptimize(c.sim.now());
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(c.sim.pending());
}

// --------------------------------------------------------------- plain heap

struct PodEvent {  // 24 bytes
  std::int64_t time;
  std::uint64_t seq;
  std::uint32_t id;
  std::uint32_t gen;
};
static_assert(sizeof(PodEvent) == 24);

struct Later {
  bool operator()(const PodEvent& a, const PodEvent& b) const {
    return a.time != b.time ? a.time > b.time : a.seq > b.seq;
  }
};

struct HeapCtx {
  std::priority_queue<PodEvent, std::vector<PodEvent>, Later> pq;
  std::vector<std::uint32_t> gen;  // current generation per event id
  std::vector<std::uint32_t> free_ids;
  std::int64_t now = 0;
  std::uint64_t seq = 0;
  Rng rng{kSeed};
  Exponential exp{kMeanUs};
  std::array<std::pair<std::uint32_t, std::uint32_t>, kRing> ring{};  // (id, gen)
  std::size_t ring_pos = 0;
  bool cancels = false;

  void schedule_one() {
    std::uint32_t id = 0;
    if (!free_ids.empty()) {
      id = free_ids.back();
      free_ids.pop_back();
    } else {
      id = static_cast<std::uint32_t>(gen.size());
      gen.push_back(0);
    }
    pq.push(PodEvent{now + draw_delay(exp, rng), seq++, id, gen[id]});
    ring[ring_pos++ % kRing] = {id, gen[id]};
  }
  bool cancel(std::pair<std::uint32_t, std::uint32_t> h) {
    if (gen[h.first] != h.second) return false;  // already fired or cancelled
    ++gen[h.first];
    free_ids.push_back(h.first);
    return true;
  }
  void step() {
    for (;;) {
      const PodEvent e = pq.top();
      pq.pop();
      if (gen[e.id] != e.gen) continue;  // cancelled: skip
      ++gen[e.id];
      free_ids.push_back(e.id);
      now = e.time;
      schedule_one();
      if (cancels && rng.uniform01() < kCancelP && cancel(ring[ring_pos % kRing])) {
        schedule_one();
      }
      return;
    }
  }
};

void run_heap(benchmark::State& state, bool cancels) {
  HeapCtx c;
  c.cancels = cancels;
  const auto n = state.range(0);
  for (std::int64_t i = 0; i < n; ++i) c.schedule_one();
  for (std::int64_t i = 0; i < warmup_steps(n); ++i) c.step();
  for (auto _ : state) c.step();
  benchmark::DoNotOptimize(c.now);
  state.SetItemsProcessed(state.iterations());
}

// The plainest hold loop on a binary heap: pop, push now + Exp.
void run_plain_heap(benchmark::State& state) {
  std::priority_queue<PodEvent, std::vector<PodEvent>, Later> pq;
  Rng rng{kSeed};
  const Exponential exp{kMeanUs};
  std::uint64_t seq = 0;
  std::int64_t now = 0;
  auto step = [&] {
    const PodEvent e = pq.top();
    pq.pop();
    now = e.time;
    pq.push(PodEvent{now + draw_delay(exp, rng), seq++, e.id, 0});
  };
  const auto n = state.range(0);
  for (std::int64_t i = 0; i < n; ++i) {
    pq.push(PodEvent{draw_delay(exp, rng), seq++, static_cast<std::uint32_t>(i), 0});
  }
  for (std::int64_t i = 0; i < warmup_steps(n); ++i) step();
  for (auto _ : state) step();
  benchmark::DoNotOptimize(now);
  state.SetItemsProcessed(state.iterations());
}

void BM_Hold(benchmark::State& state) { run_kernel(state, false); }
void BM_HoldBaseline(benchmark::State& state) { run_plain_heap(state); }
void BM_HoldCancel(benchmark::State& state) { run_kernel(state, true); }
void BM_HoldCancelBaseline(benchmark::State& state) { run_heap(state, true); }

BENCHMARK(BM_Hold)->Arg(100)->Arg(10'000)->Arg(1'000'000);
BENCHMARK(BM_HoldBaseline)->Arg(100)->Arg(10'000)->Arg(1'000'000);
BENCHMARK(BM_HoldCancel)->Arg(100)->Arg(10'000)->Arg(1'000'000);
BENCHMARK(BM_HoldCancelBaseline)->Arg(100)->Arg(10'000)->Arg(1'000'000);

}  // namespace
