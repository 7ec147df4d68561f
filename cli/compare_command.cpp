// `ksim compare A B`: two traces side by side (analysis/compare.h): each
// Deployment's peak, scale times and replica-seconds, each route's requests,
// errors and latency percentiles, the cost and the nodes, the differences
// marked; --json for machines, --html for a page (report/). A comparison is
// not a test: exit 0 whatever differs, 2 for a file that is not a trace.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <string>

#include "command.h"
#include "ksim/analysis/compare.h"
#include "ksim/report/compare.h"
#include "ksim/sim/trace/trace_reader.h"

namespace ksim::cli {
namespace {

struct CompareFlags {
  std::string a, b;
  std::string html;
  bool json = false;
  double threshold_percent = 5;
};

trace::TraceReader open_trace(const std::string& path) {
  if (!std::filesystem::exists(path)) throw UsageError("compare: " + path + ": no such trace file");
  if (!std::filesystem::is_regular_file(path))
    throw UsageError("compare: " + path + ": not a file");
  auto t = trace::TraceReader::open(path);
  if (!t) throw UsageError("compare: " + t.error());
  return std::move(*t);
}

analysis::TraceFacts facts(const trace::TraceReader& t, const std::string& path) {
  auto f = analysis::read_facts(t, path);
  if (!f) throw UsageError("compare: " + path + ": " + f.error());
  return std::move(*f);
}

ExitCode compare(const CompareFlags& f) {
  const trace::TraceReader a = open_trace(f.a);
  const trace::TraceReader b = open_trace(f.b);
  if (!f.html.empty()) {
    std::error_code ec;
    if (std::filesystem::equivalent(f.a, f.html, ec) ||
        std::filesystem::equivalent(f.b, f.html, ec)) {
      throw UsageError("compare: --html " + f.html + " is one of the traces");
    }
  }
  const analysis::Comparison c =
      analysis::compare(facts(a, f.a), facts(b, f.b),
                        analysis::CompareOptions{.threshold = f.threshold_percent / 100});
  const nlohmann::json table = analysis::comparison_json(c);
  if (f.json) {
    std::cout << table.dump(2) << "\n";
  } else {
    std::cout << analysis::format_comparison(c);
  }
  if (!f.html.empty()) {
    auto stats = report::write_compare_report(a, b, table, f.html);
    if (!stats) {
      std::cerr << "ksim compare: " << stats.error() << "; nothing written\n";
      return ExitCode::kFailure;
    }
    // On stderr under --json, so stdout stays one JSON document.
    (f.json ? std::cerr : std::cout) << "compare page: " << f.html << " (" << stats->charts
                                     << " charts, " << (stats->bytes + 1023) / 1024 << " KiB)\n";
  }
  return ExitCode::kOk;
}

}  // namespace

void add_compare_command(CLI::App& app, ExitCode& exit_code) {
  auto flags = std::make_shared<CompareFlags>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Compare two traces side by side: per Deployment the peak replicas, time at the peak, first "
      "scale-up and scale-down, replica-seconds; per route requests, errors, error rate, "
      "p50/p95/p99; cost in total and per NodePool / node group; peak nodes. Differences beyond "
      "the threshold are marked '*', with better/worse where lower is better (latency, errors, "
      "cost). Exit 0 whatever differs (a comparison is not a test), 2 for a bad file.");
  cmd->add_option("a", flags->a, "trace A, the baseline (SQLite, e.g. from ksim run)")->required();
  cmd->add_option("b", flags->b, "trace B, compared with A")->required();
  cmd->add_option("--html", flags->html,
                  "also write a self-contained HTML page: A and B's curves overlaid and the table");
  cmd->add_flag("--json", flags->json, "print the comparison as JSON instead of a table");
  cmd->add_option("--threshold", flags->threshold_percent,
                  "relative difference (percent of A) that marks a row")
      ->default_val(5)
      ->check(CLI::Range(0.0, 1e6));
  cmd->callback([flags, &exit_code] { exit_code = compare(*flags); });
}

}  // namespace ksim::cli
