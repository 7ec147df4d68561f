// `ksim report TRACE`: one self-contained HTML page of a trace (report/):
// charts drawn by the inlined dygraphs, a decision log; no network needed to
// open it. Written atomically: nothing at --out unless the page is complete.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <string>

#include "command.h"
#include "ksim/report/report.h"
#include "ksim/report/sweep_report.h"
#include "ksim/sim/trace/trace_reader.h"
#include "ksim/sweep/sweep_file.h"

namespace ksim::cli {
namespace {

struct ReportFlags {
  std::string trace;
  std::string out;
  bool quiet = false;
};

ExitCode report(const ReportFlags& f) {
  if (!std::filesystem::exists(f.trace)) {
    throw UsageError("report: " + f.trace + ": no such trace file");
  }
  if (!std::filesystem::is_regular_file(f.trace)) {
    throw UsageError("report: " + f.trace + ": not a file");
  }
  std::filesystem::path out = f.out;
  if (out.empty()) out = std::filesystem::path(f.trace).replace_extension(".html");
  std::error_code ec;
  if (std::filesystem::equivalent(f.trace, out, ec)) {
    throw UsageError("report: --out " + out.string() + " is the trace itself");
  }
  if (sweep::is_sweep_file(f.trace)) {
    auto file = sweep::read_sweep_file(f.trace);
    if (!file) throw UsageError("report: " + file.error() + "; nothing written");
    auto stats = report::write_sweep_report(*file, out);
    if (!stats) {
      std::cerr << "ksim report: " << stats.error() << "; nothing written\n";
      return ExitCode::kFailure;
    }
    if (!f.quiet) {
      std::cout << "report: " << out.string() << " (sweep of " << file->points.size() << " points, "
                << (stats->bytes + 1023) / 1024 << " KiB)\n";
    }
    return ExitCode::kOk;
  }
  auto trace = trace::TraceReader::open(f.trace);
  if (!trace) throw UsageError("report: " + trace.error() + "; nothing written");
  auto stats = report::write_report(*trace, out);
  if (!stats) {
    std::cerr << "ksim report: " << stats.error() << "; nothing written\n";
    return ExitCode::kFailure;
  }
  if (!f.quiet) {
    std::cout << "report: " << out.string() << " (" << stats->charts << " charts, "
              << stats->decisions << " decisions, " << (stats->bytes + 1023) / 1024 << " KiB)\n";
  }
  return ExitCode::kOk;
}

}  // namespace

void add_report_command(CLI::App& app, ExitCode& exit_code) {
  auto flags = std::make_shared<ReportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Write one self-contained HTML page of a trace: load and route mix, replicas with each "
      "scaling decision, HPA metric vs target, latency and errors per route, nodes, cost and the "
      "decision log. It opens offline.");
  cmd->add_option("trace", flags->trace,
                  "trace file written by ksim run, or a sweep file written by ksim sweep (cost "
                  "vs worst p99 with the Pareto front)")
      ->required();
  cmd->add_option("--out,-o", flags->out, "HTML file to write (default: the trace's name, .html)");
  cmd->add_flag("--quiet,-q", flags->quiet, "print nothing on success");
  cmd->callback([flags, &exit_code] { exit_code = report(*flags); });
}

}  // namespace ksim::cli
