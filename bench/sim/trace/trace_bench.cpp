// The trace's hot paths.
//
// BM_HistogramRecord       LatencyHistogram::record of log-normal latencies
//                          (mean 30 ms, sd 60 ms; 4096 precomputed draws)
// BM_TraceSample           TraceWriter::sample in steady state (64 series,
//                          one big transaction; commit not timed)
// BM_TraceRun/N            a whole trace: create, N samples, commit (indexes
//                          built, file renamed): the end-to-end rate
//
// items_per_second counts records or sample rows.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ksim/sim/kernel/random.h"
#include "ksim/sim/trace/histogram.h"
#include "ksim/sim/trace/trace_writer.h"

namespace {

using ksim::Duration;
using ksim::trace::LatencyHistogram;
using ksim::trace::SeriesId;
using ksim::trace::TraceWriter;

constexpr std::size_t kDraws = 4096;
constexpr int kSeries = 64;

std::filesystem::path bench_path(const char* name) {
  return std::filesystem::temp_directory_path() /
         (std::string{"ksim_trace_bench_"} + name + "_" + std::to_string(::getpid()) + ".db");
}

TraceWriter make_writer(const std::filesystem::path& path, std::vector<SeriesId>& ids) {
  auto w = TraceWriter::create(path);
  if (!w) std::abort();  // a benchmark has no one to return an error to
  for (int i = 0; i < kSeries; ++i) {
    ids.push_back(w->series("pod", "default/pod-" + std::to_string(i), "cpu", "cores"));
  }
  return std::move(*w);
}

void BM_HistogramRecord(benchmark::State& state) {
  ksim::Rng rng{1};
  const ksim::LogNormal dist = ksim::LogNormal::from_mean_stddev(30'000, 60'000).value();
  std::array<Duration, kDraws> draws{};
  for (auto& d : draws) d = Duration{static_cast<std::int64_t>(dist.sample(rng))};
  LatencyHistogram h;
  std::size_t i = 0;
  for (auto _ : state) {
    h.record(draws[i++ % kDraws]);
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}

void BM_TraceSample(benchmark::State& state) {
  const auto path = bench_path("sample");
  std::vector<SeriesId> ids;
  TraceWriter w = make_writer(path, ids);
  std::int64_t n = 0;
  for (auto _ : state) {
    w.sample(ids[static_cast<std::size_t>(n % kSeries)], ksim::time_from_us(n * 1000),
             static_cast<double>(n) * 0.001);
    ++n;
  }
  state.SetItemsProcessed(state.iterations());
  // Destroyed without commit: the temporary file is removed.
}

void BM_TraceRun(benchmark::State& state) {
  const auto path = bench_path("run");
  const std::int64_t rows = state.range(0);
  for (auto _ : state) {
    std::vector<SeriesId> ids;
    TraceWriter w = make_writer(path, ids);
    for (std::int64_t n = 0; n < rows; ++n) {
      w.sample(ids[static_cast<std::size_t>(n % kSeries)], ksim::time_from_us(n * 1000),
               static_cast<double>(n) * 0.001);
    }
    if (!w.commit()) std::abort();
  }
  std::filesystem::remove(path);
  state.SetItemsProcessed(state.iterations() * rows);
}

BENCHMARK(BM_HistogramRecord);
BENCHMARK(BM_TraceSample);
BENCHMARK(BM_TraceRun)->Arg(10'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
