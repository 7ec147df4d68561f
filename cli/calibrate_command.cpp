// `ksim calibrate SPEC`: measure a real service binary (calibrate/) and write
// the profile scenarios read (services[].profile). Written atomically.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include "atomic_file.h"
#include "command.h"
#include "ksim/calibrate/calibrate.h"
#include "ksim/sim/kernel/time.h"

namespace ksim::cli {
namespace {

namespace fs = std::filesystem;

struct CalibrateFlags {
  std::string spec;
  std::string out;
  std::string bin;
  int cpu = -1;
  std::string duration;
  std::string warmup;
  std::string idle;
  std::string keep;
  bool quiet = false;
};

std::optional<std::chrono::milliseconds> flag_ms(const std::string& text, const char* flag) {
  if (text.empty()) return std::nullopt;
  const auto d = parse_duration(text);
  if (!d || d->count() <= 0) {
    throw UsageError(std::string("calibrate: ") + flag + ": expected a positive duration such " +
                     "as 5s or 500ms, got '" + text + "'");
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

// The folder of this executable: the services are built beside it.
fs::path own_folder() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : self.parent_path();
}

ExitCode calibrate(const CalibrateFlags& f) {
  const auto spec = calibrate::read_spec(f.spec);
  if (!spec) {
    std::string all;
    for (const std::string& e : spec.error()) all += "\n" + e;
    throw UsageError("calibrate: the spec has errors; nothing measured:" + all);
  }
  calibrate::CalibrateOptions o;
  o.bin_dir = f.bin.empty() ? own_folder() : fs::path(f.bin);
  if (f.cpu >= 0) {
    if (f.cpu >= static_cast<int>(std::thread::hardware_concurrency())) {
      throw UsageError("calibrate: --cpu " + std::to_string(f.cpu) + ": this machine has CPUs 0-" +
                       std::to_string(std::thread::hardware_concurrency() - 1));
    }
    o.service_cpu = f.cpu;
  }
  o.duration = flag_ms(f.duration, "--duration");
  o.warmup = flag_ms(f.warmup, "--warmup");
  o.idle = flag_ms(f.idle, "--idle");
  if (!f.keep.empty()) o.keep_dir = fs::path(f.keep);
  if (!f.quiet) o.progress = [](const std::string& line) { std::cerr << "  " << line << "\n"; };
  const fs::path out = f.out.empty() ? fs::path(spec->service + ".yaml") : fs::path(f.out);
  if (!f.quiet) std::cerr << "calibrate: " << spec->service << " (" << f.spec << ")\n";
  const auto profile = calibrate::calibrate(*spec, o);
  if (!profile) {
    std::cerr << "ksim calibrate: " << profile.error() << "\nnothing written\n";
    return ExitCode::kFailure;
  }
  write_file_atomically(out, calibrate::profile_yaml(*profile));
  if (!f.quiet) std::cout << "profile: " << out.string() << "\n";
  return ExitCode::kOk;
}

}  // namespace

void add_calibrate_command(CLI::App& app, ExitCode& exit_code) {
  auto flags = std::make_shared<CalibrateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate",
      "Measure a real service binary: start it (a temporary database, the mock Kafka), drive each "
      "route of the spec at a few rates with the open-loop load generator, read the process's CPU "
      "time, and write a profile a scenario takes with services[].profile (CPU per route as a "
      "lognormal distribution, response size, and how it was measured).");
  cmd->add_option("spec", flags->spec,
                  "calibration spec (services/<name>/calibrate.yaml; format in "
                  "calibrate/README.md)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out,-o", flags->out, "profile to write (default: <service>.yaml)");
  cmd->add_option("--bin", flags->bin,
                  "folder of the service binaries, {bin} in the spec (default: ksim's own)");
  cmd->add_option("--cpu", flags->cpu,
                  "pin the service to this CPU (the load runs on the others), as a pod with a "
                  "1-CPU limit would see it");
  cmd->add_option("--duration", flags->duration, "length of each rate step (default: the spec's)");
  cmd->add_option("--warmup", flags->warmup,
                  "unmeasured load before each route (default: the spec's)");
  cmd->add_option("--idle", flags->idle, "window of the idle CPU baseline (default: the spec's)");
  cmd->add_option("--keep", flags->keep,
                  "keep the service's log and data in this folder (default: a temporary one, "
                  "removed)");
  cmd->add_flag("--quiet,-q", flags->quiet, "print nothing on success");
  cmd->callback([flags, &exit_code] { exit_code = calibrate(*flags); });
}

}  // namespace ksim::cli
