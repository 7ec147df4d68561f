// `ksim sweep SCENARIO --set KEY=V1,V2 ...`: the capacity planner. Runs the
// grid of parameter values on local threads (sweep/), writes every point to
// one SQLite file and prints the table with the Pareto front of cost vs
// latency; `--point I` runs one point (what each pod of `--emit-job`'s
// Indexed Job does) and `--merge` joins point files.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "atomic_file.h"
#include "command.h"
#include "ksim/sim/scenario/scenario.h"
#include "ksim/sweep/apply.h"
#include "ksim/sweep/grid.h"
#include "ksim/sweep/job.h"
#include "ksim/sweep/runner.h"
#include "ksim/sweep/sweep_file.h"
#include "ksim/sweep/table.h"
#include "scratch_dir.h"

namespace ksim::cli {
namespace {

namespace fs = std::filesystem;

struct SweepFlags {
  std::string scenario;
  std::vector<std::string> sets;
  unsigned jobs = 0;
  std::string out;
  std::string duration;
  std::string window = "10s";
  std::string keep_traces;
  std::optional<std::size_t> point;
  std::vector<std::string> merge;
  bool emit_job = false;
  std::string image;
  std::string pvc;
  std::string job_name;
  std::string workdir = "/ksim";
  std::optional<std::size_t> parallelism;
  std::string progress = "auto";
  bool quiet = false;
};

Duration positive_duration(const std::string& flag, const std::string& text) {
  auto d = parse_duration(text);
  if (!d) throw UsageError("--" + flag + ": " + d.error());
  if (d->count() <= 0) throw UsageError("--" + flag + ": must be positive, got '" + text + "'");
  return *d;
}

sweep::Grid parse_grid(const std::vector<std::string>& sets) {
  std::vector<sweep::Parameter> params;
  for (const std::string& s : sets) {
    auto p = sweep::parse_set(s);
    if (!p) throw UsageError(p.error());
    params.push_back(std::move(*p));
  }
  auto grid = sweep::Grid::create(std::move(params));
  if (!grid) throw UsageError(grid.error());
  return std::move(*grid);
}

std::string job_name_for(const std::string& scenario) {
  std::string name = "ksim-sweep-";
  for (const char c : scenario) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0;
    name += ok ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : '-';
  }
  name.resize(std::min<std::size_t>(name.size(), 63));
  while (name.back() == '-') name.pop_back();
  return name;
}

ExitCode emit_job(const SweepFlags& f, const scenario::Scenario& s, const sweep::Grid& grid) {
  if (f.image.empty())
    throw UsageError("--emit-job needs --image (an image with ksim on its PATH)");
  if (f.pvc.empty()) {
    throw UsageError(
        "--emit-job needs --pvc (a ReadWriteMany PersistentVolumeClaim holding the scenario "
        "and receiving the results)");
  }
  if (fs::path(f.scenario).is_absolute()) {
    throw UsageError(
        "--emit-job: the scenario path must be relative (resolved in --workdir on "
        "the volume), got " +
        f.scenario);
  }
  sweep::JobSpec spec;
  spec.name = f.job_name.empty() ? job_name_for(s.name) : f.job_name;
  spec.image = f.image;
  spec.scenario = f.scenario;
  spec.parameters = grid.parameters();
  spec.grid_size = grid.size();
  spec.parallelism = f.parallelism.value_or(std::min<std::size_t>(grid.size(), 10));
  if (spec.parallelism == 0) throw UsageError("--parallelism: must be at least 1");
  spec.pvc = f.pvc;
  spec.workdir = f.workdir;
  spec.duration = f.duration;
  const std::string out = f.out.empty() ? s.name + "-sweep-job.yaml" : f.out;
  write_file_atomically(out, sweep::emit_job(spec));
  if (!f.quiet) {
    std::cout << fmt::format(
        "{}: Job {} with {} completions (parallelism {}); results in {}/results/point-<i>.db on "
        "PVC {}\n",
        out, spec.name, spec.grid_size, spec.parallelism, spec.workdir, spec.pvc);
  }
  return ExitCode::kOk;
}

ExitCode write_and_print(const SweepFlags& f, const sweep::SweepFile& file, const fs::path& out) {
  if (out.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(out.parent_path(), ec);
  }
  if (auto w = sweep::write_sweep_file(out, file); !w) {
    std::cerr << "ksim sweep: " << w.error() << "\n";
    return ExitCode::kFailure;
  }
  if (!f.quiet) std::cout << sweep::format_table(file) << "\nsweep: " << out.string() << "\n";
  return ExitCode::kOk;
}

ExitCode merge(const SweepFlags& f) {
  std::vector<fs::path> paths(f.merge.begin(), f.merge.end());
  auto merged = sweep::merge_sweep_files(paths);
  if (!merged) throw UsageError(merged.error());
  const fs::path out = f.out.empty() ? merged->info.scenario + "-sweep.db" : f.out;
  return write_and_print(f, *merged, out);
}

ExitCode run_sweep(const SweepFlags& f) {
  if (!f.merge.empty()) {
    if (!f.scenario.empty() || !f.sets.empty()) {
      throw UsageError("--merge takes point files only (no scenario, no --set)");
    }
    return merge(f);
  }
  if (f.scenario.empty()) throw UsageError("a scenario file is required (or --merge FILES)");
  const sweep::Grid grid = parse_grid(f.sets);
  auto loaded = scenario::load_scenario(f.scenario);
  if (!loaded) {
    for (const auto& e : loaded.error()) std::cerr << e.to_string() << "\n";
    std::cerr << "ksim sweep: errors in " << f.scenario << "; nothing written\n";
    return ExitCode::kUsage;
  }
  if (auto v = sweep::validate_grid(*loaded, grid); !v) throw UsageError(v.error());
  sweep::SweepOptions options;
  if (!f.duration.empty()) options.duration = positive_duration("duration", f.duration);
  options.window = positive_duration("window", f.window);
  if (f.emit_job) return emit_job(f, *loaded, grid);

  std::vector<std::size_t> indices;
  if (f.point) {
    if (*f.point >= grid.size()) {
      throw UsageError(
          fmt::format("--point {}: the grid has points 0..{}", *f.point, grid.size() - 1));
    }
    indices.push_back(*f.point);
  } else {
    for (std::size_t i = 0; i < grid.size(); ++i) indices.push_back(i);
  }
  options.jobs = f.jobs > 0 ? f.jobs : std::max(1U, std::thread::hardware_concurrency());
  std::optional<ScratchDir> scratch;
  if (!f.keep_traces.empty()) {
    std::error_code ec;
    fs::create_directories(f.keep_traces, ec);
    if (ec) throw UsageError("--keep-traces " + f.keep_traces + ": " + ec.message());
    options.trace_dir = f.keep_traces;
    options.keep_traces = true;
  } else {
    scratch.emplace("ksim-sweep");
    options.trace_dir = scratch->path();
  }
  const bool bar = f.progress == "always" || (f.progress == "auto" && !f.quiet && isatty(2) != 0);
  if (bar) {
    options.progress = [](std::size_t done, std::size_t total) {
      std::fprintf(stderr, "\rksim sweep: %zu/%zu points%s", done, total,
                   done == total ? "\n" : "");
    };
  }
  auto results = sweep::run_points(*loaded, grid, indices, options);
  if (!results) {
    std::cerr << results.error() << "\nksim sweep: a point does not run; nothing written\n";
    return ExitCode::kUsage;
  }
  sweep::SweepFile file;
  file.info = {loaded->name, f.scenario, grid.parameters(), grid.size(), f.duration, KSIM_VERSION};
  file.points = std::move(*results);
  file.pareto_among_slo_pass = sweep::mark_pareto(file.points);
  const std::string default_out =
      f.point ? fmt::format("{}-point-{}.db", loaded->name, *f.point) : loaded->name + "-sweep.db";
  return write_and_print(f, file, f.out.empty() ? default_out : f.out);
}

std::string keys_help() {
  std::string out;
  for (const std::string& k : sweep::known_keys()) out += (out.empty() ? "" : ", ") + k;
  return out;
}

}  // namespace

void add_sweep_command(CLI::App& app, ExitCode& exit_code) {
  auto flags = std::make_shared<SweepFlags>();
  CLI::App* cmd = app.add_subcommand(
      "sweep",
      "Capacity planning: run a scenario over a grid of parameter values (in parallel), write "
      "every point to one SQLite file and print cost, p99, errors and SLO (the scenario's "
      "expect:) per point with the Pareto front of cost vs latency (format: sweep/SWEEP.md).");
  cmd->add_option("scenario", flags->scenario, "scenario file (see scenarios/README.md)");
  cmd->add_option("--set", flags->sets,
                  "KEY=V1,V2,... (repeatable; the grid is their cartesian product). Keys: " +
                      keys_help() + ". NAME is ns/name or a unique name")
      ->allow_extra_args(false);
  cmd->add_option("--jobs,-j", flags->jobs, "worker threads (default: the machine's cores)");
  cmd->add_option("--out,-o", flags->out,
                  "file to write (default: <scenario>-sweep.db; with --point "
                  "<scenario>-point-<i>.db; with --emit-job <scenario>-sweep-job.yaml)");
  cmd->add_option("--duration", flags->duration,
                  "simulated time per point (default: the scenario's)");
  cmd->add_option("--window", flags->window, "statistics window of the points' runs")
      ->capture_default_str();
  cmd->add_option("--keep-traces", flags->keep_traces,
                  "keep each point's trace in this folder as point-<i>.db");
  cmd->add_option("--point", flags->point,
                  "run only grid point I (0-based) and write a one-point sweep file");
  cmd->add_option("--merge", flags->merge,
                  "merge point files of one sweep (from --point) into -o; recomputes the Pareto "
                  "front")
      ->expected(1, -1);
  cmd->add_flag("--emit-job", flags->emit_job,
                "write a Kubernetes Indexed Job running one grid point per completion index "
                "instead of running");
  cmd->add_option("--image", flags->image, "--emit-job: container image with ksim on its PATH");
  cmd->add_option("--pvc", flags->pvc,
                  "--emit-job: ReadWriteMany PersistentVolumeClaim mounted at --workdir, holding "
                  "the scenario (same relative path) and receiving results/point-<i>.db");
  cmd->add_option("--workdir", flags->workdir, "--emit-job: where the PVC is mounted")
      ->capture_default_str();
  cmd->add_option("--job-name", flags->job_name, "--emit-job: default ksim-sweep-<scenario>");
  cmd->add_option("--parallelism", flags->parallelism,
                  "--emit-job: pods at once (default: min(grid size, 10))");
  cmd->add_option("--progress", flags->progress, "points done on stderr")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_flag("--quiet,-q", flags->quiet, "print nothing on success");
  cmd->callback([flags, &exit_code] { exit_code = run_sweep(*flags); });
}

}  // namespace ksim::cli
