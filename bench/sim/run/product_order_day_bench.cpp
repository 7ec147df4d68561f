// The main job's speed: scenarios/product-order.yaml stretched to a diurnal
// load averaging 1,000 requests/s (400/s at night, 1,600/s at 14:00), every
// request simulated individually, the trace written (to a temporary file)
// as `ksim run` does. Argument: simulated minutes (1440: the day of the
// issue's target, about 86 M requests).
//
// The seed platform caps each HPA at 10 pods of 200m (2 cores per service),
// which cannot serve 1,000 requests/s (about 3.9 ms of product-service CPU
// per request on average): the benchmark lifts maxReplicas to 150 and runs
// 16 nodes instead of 4, so the platform scales with the load, as a
// capacity-planned one would, rather than drowning in queued requests.
//
// Counters: sim_s_per_wall_s (simulated seconds per wall second),
// requests_per_s (per wall second), peak_rss_mib (the process's peak RSS).
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "ksim/sim/run/run.h"
#include "ksim/sim/scenario/scenario.h"
#include "ksim/sim/trace/trace_writer.h"

namespace {

using namespace std::chrono_literals;

ksim::scenario::Scenario stretched(std::int64_t minutes) {
  auto r = ksim::scenario::load_scenario(std::filesystem::path(KSIM_SOURCE_DIR) / "scenarios" /
                                         "product-order.yaml");
  if (!r) std::abort();
  ksim::scenario::Scenario s = std::move(*r);
  ksim::scenario::LoadPhase& p = s.load.phases.at(0);
  p.shape = ksim::scenario::Diurnal{400, 1600, 14h, 0s};
  p.duration = std::chrono::minutes{minutes};
  s.load.phases.resize(1);
  s.duration = p.duration;
  for (auto& h : s.manifests.hpas) h.spec.max_replicas = 150;
  s.node_groups.at(0).count = 16;
  return s;
}

void BM_ProductOrderDiurnal(benchmark::State& state) {
  const ksim::scenario::Scenario s = stretched(state.range(0));
  const auto file = std::filesystem::temp_directory_path() /
                    ("ksim_bench_product_order_" + std::to_string(getpid()) + ".db");
  std::uint64_t requests = 0;
  for (auto _ : state) {
    auto w = ksim::trace::TraceWriter::create(file);
    if (!w) {
      state.SkipWithError(w.error().c_str());
      return;
    }
    auto summary = ksim::run::run_scenario(s, {}, &*w);
    if (!summary || !w->commit()) {
      state.SkipWithError("run failed");
      return;
    }
    requests += summary->arrivals;
  }
  std::filesystem::remove(file);
  const double sim_seconds = static_cast<double>(s.duration.count()) / 1e6;
  state.counters["sim_s_per_wall_s"] = benchmark::Counter(
      sim_seconds * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["requests_per_s"] =
      benchmark::Counter(static_cast<double>(requests), benchmark::Counter::kIsRate);
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  state.counters["peak_rss_mib"] = static_cast<double>(u.ru_maxrss) / 1024.0;
}
BENCHMARK(BM_ProductOrderDiurnal)
    ->Arg(2)
    ->Arg(120)
    ->Arg(720)
    ->Arg(1440)
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();

}  // namespace
