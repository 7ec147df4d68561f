// The scale benchmark (issue 5): bench/scenarios/scale-1200.yaml, 7,064 bare
// pods with lifetimes (a pod trace) arriving over 30 minutes on one Karpenter
// NodePool restricted to m7g.2xlarge (six pods fill a node), so about 1,180
// nodes are provisioned by the peak; the pods finish over the next hour and
// consolidation removes the nodes; 3 simulated hours in all. It follows the
// published simulator comparison's workload (1,200 nodes, 7,064 pods with
// lifetimes).
//
// Argument: the percentage of the trace's pods kept (evenly spread over the
// rows): /100 is the benchmark, /2 the ctest smoke run. BM_Scale runs
// without a trace writer; BM_ScaleTrace writes the SQLite trace as `ksim
// run` does (to a temporary file). The trace's pods carry
// karpenter.sh/do-not-disrupt (they run to completion; emptied nodes are
// consolidated); BM_ScaleEvictable drops it.
//
// Counters: peak_rss_mib (getrusage ru_maxrss: the process's peak, so run
// one benchmark per process to read it), nodes_at_peak (most nodes Ready at
// once), nodeclaims (launched), consolidations (disruption commands
// executed), pods_succeeded.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>

#include "ksim/sim/run/run.h"
#include "ksim/sim/scenario/scenario.h"
#include "ksim/sim/trace/trace_writer.h"

namespace {

ksim::scenario::Scenario scale_scenario(std::int64_t percent, bool evictable = false) {
  auto r = ksim::scenario::load_scenario(std::filesystem::path(KSIM_SOURCE_DIR) / "bench" /
                                         "scenarios" / "scale-1200.yaml");
  if (!r || !r->pod_trace) std::abort();
  ksim::scenario::Scenario s = std::move(*r);
  auto& pods = s.pod_trace->pods;
  std::vector<ksim::scenario::TracePod> kept;
  for (std::size_t i = 0; i < pods.size(); ++i) {
    const auto p = static_cast<std::size_t>(percent);
    if ((i * p) / 100 != ((i + 1) * p) / 100) kept.push_back(pods[i]);
  }
  pods = std::move(kept);
  if (evictable) s.pod_trace->annotations.clear();
  return s;
}

void report(benchmark::State& state, const ksim::run::RunSummary& s) {
  state.counters["nodes_at_peak"] = static_cast<double>(s.peak_ready_nodes);
  state.counters["nodeclaims"] = static_cast<double>(s.nodeclaims_launched);
  state.counters["consolidations"] = static_cast<double>(s.disruptions_executed);
  state.counters["pods_succeeded"] = static_cast<double>(s.trace_pods_succeeded);
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  state.counters["peak_rss_mib"] = static_cast<double>(u.ru_maxrss) / 1024.0;
}

void BM_Scale(benchmark::State& state) {
  const ksim::scenario::Scenario s = scale_scenario(state.range(0));
  ksim::run::RunSummary last;
  for (auto _ : state) {
    auto summary = ksim::run::run_scenario(s, {}, nullptr);
    if (!summary) {
      state.SkipWithError("run failed");
      return;
    }
    last = std::move(*summary);
  }
  report(state, last);
}
BENCHMARK(BM_Scale)->Arg(2)->Arg(100)->Unit(benchmark::kSecond)->UseRealTime();

// The pods without karpenter.sh/do-not-disrupt: consolidation simulates
// moving them (single- and multi-node consolidation over every candidate)
// and evicts them, and nothing recreates a bare pod.
void BM_ScaleEvictable(benchmark::State& state) {
  const ksim::scenario::Scenario s = scale_scenario(state.range(0), true);
  ksim::run::RunSummary last;
  for (auto _ : state) {
    auto summary = ksim::run::run_scenario(s, {}, nullptr);
    if (!summary) {
      state.SkipWithError("run failed");
      return;
    }
    last = std::move(*summary);
  }
  report(state, last);
}
BENCHMARK(BM_ScaleEvictable)->Arg(2)->Arg(100)->Unit(benchmark::kSecond)->UseRealTime();

void BM_ScaleTrace(benchmark::State& state) {
  const ksim::scenario::Scenario s = scale_scenario(state.range(0));
  const auto file = std::filesystem::temp_directory_path() /
                    ("ksim_bench_scale_" + std::to_string(getpid()) + ".db");
  ksim::run::RunSummary last;
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
    last = std::move(*summary);
  }
  std::filesystem::remove(file);
  report(state, last);
}
BENCHMARK(BM_ScaleTrace)->Arg(2)->Arg(100)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
