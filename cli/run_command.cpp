// `ksim run SCENARIO`: the main job. Loads the scenario and its manifests,
// simulates it request by request, writes the trace (SQLite, atomically:
// nothing at --out unless the run completed) and prints a summary. The one
// place the wall clock is read for a run (progress and speed figures).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "command.h"
#include "ksim/sim/run/run.h"
#include "ksim/sim/scenario/scenario.h"
#include "ksim/sim/trace/trace_writer.h"

namespace ksim::cli {
namespace {

struct RunFlags {
  std::string scenario;
  std::optional<std::uint64_t> seed;
  std::string out;
  std::string duration;
  std::string window = "10s";
  bool no_trace = false;
  bool quiet = false;
  std::string progress = "auto";
  std::string node_autoscaler;
};

// A one-line bar on stderr, redrawn at most ten times a second.
class ProgressBar {
 public:
  explicit ProgressBar(bool on) : on_(on), start_(std::chrono::steady_clock::now()) {}
  void update(Time now, Time end, std::uint64_t requests) {
    if (!on_) return;
    const auto wall = std::chrono::steady_clock::now();
    if (now < end && wall - last_ < std::chrono::milliseconds(100)) return;
    last_ = wall;
    const double f = static_cast<double>((now - kTimeZero).count()) /
                     static_cast<double>(std::max<std::int64_t>((end - kTimeZero).count(), 1));
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(f * kWidth);
    const double secs = std::chrono::duration<double>(wall - start_).count();
    std::fprintf(stderr, "\r[%-*s] %3.0f%%  %s / %s  %.1fM requests  %.1f s", kWidth,
                 std::string(static_cast<std::size_t>(filled), '#').c_str(), 100 * f,
                 format_duration(now - kTimeZero).c_str(), format_duration(end - kTimeZero).c_str(),
                 static_cast<double>(requests) / 1e6, secs);
    if (now >= end) std::fprintf(stderr, "\n");
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
};

Duration positive_duration(const std::string& flag, const std::string& text) {
  auto d = parse_duration(text);
  if (!d) throw UsageError("--" + flag + ": " + d.error());
  if (d->count() <= 0) throw UsageError("--" + flag + ": must be positive, got '" + text + "'");
  return *d;
}

ExitCode run(const RunFlags& f) {
  auto loaded = scenario::load_scenario(f.scenario);
  if (!loaded) {
    for (const auto& e : loaded.error()) std::cerr << e.to_string() << "\n";
    std::cerr << "ksim run: " << loaded.error().size() << " error"
              << (loaded.error().size() == 1 ? "" : "s") << " in " << f.scenario
              << "; nothing written\n";
    return ExitCode::kUsage;
  }
  run::RunOptions options;
  options.seed = f.seed;
  if (!f.node_autoscaler.empty()) {
    options.node_autoscaler = scenario::parse_node_autoscaler(f.node_autoscaler);
  }
  if (!f.duration.empty()) options.duration = positive_duration("duration", f.duration);
  options.window = positive_duration("window", f.window);

  std::optional<trace::TraceWriter> writer;
  const std::string out = f.out.empty() ? loaded->name + ".db" : f.out;
  if (!f.no_trace) {
    auto w = trace::TraceWriter::create(out);
    if (!w) {
      std::cerr << "ksim run: " << w.error() << "\n";
      return ExitCode::kFailure;
    }
    writer.emplace(std::move(*w));
  }
  const bool bar = f.progress == "always" || (f.progress == "auto" && !f.quiet && isatty(2) != 0);
  ProgressBar progress(bar);
  options.progress = [&progress](Time now, Time end, std::uint64_t n) {
    progress.update(now, end, n);
  };
  const auto started = std::chrono::steady_clock::now();
  auto summary = run::run_scenario(*loaded, options, writer ? &*writer : nullptr);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!summary) {
    for (const auto& e : summary.error()) std::cerr << e << "\n";
    std::cerr << "ksim run: the scenario does not resolve; nothing written\n";
    return ExitCode::kUsage;
  }
  if (writer) {
    if (auto c = writer->commit(); !c) {
      std::cerr << "ksim run: " << c.error() << "\n";
      return ExitCode::kFailure;
    }
  }
  if (!f.quiet) {
    std::cout << run::format_summary(*summary, wall);
    if (writer) std::cout << "\ntrace: " << out << "\n";
  }
  return ExitCode::kOk;
}

}  // namespace

void add_run_command(CLI::App& app, ExitCode& exit_code) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Simulate a scenario request by request in virtual time; write its trace (SQLite) and "
      "print a summary.");
  cmd->add_option("scenario", flags->scenario, "scenario file (see scenarios/README.md)")
      ->required();
  cmd->add_option("--seed", flags->seed, "random seed (default: the scenario's)");
  cmd->add_option("--out,-o", flags->out, "trace file to write (default: <scenario name>.db)");
  cmd->add_option("--duration", flags->duration,
                  "simulated time, e.g. 30m or 24h (default: the scenario's)");
  cmd->add_option("--window", flags->window, "statistics window and sampling period of the trace")
      ->capture_default_str();
  cmd->add_option("--node-autoscaler", flags->node_autoscaler,
                  "replace the scenario's node autoscaler (compare both on one workload)")
      ->check(CLI::IsMember({"auto", "none", "karpenter", "cluster-autoscaler"}));
  cmd->add_flag("--no-trace", flags->no_trace, "do not write a trace");
  cmd->add_flag("--quiet,-q", flags->quiet, "print nothing on success");
  cmd->add_option("--progress", flags->progress, "progress bar on stderr")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->callback([flags, &exit_code] { exit_code = run(*flags); });
}

}  // namespace ksim::cli
