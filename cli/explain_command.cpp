// `ksim explain TRACE [--at T | --from T --to T] [--object hpa/NAME] [--json]`:
// each HPA decision in a trace taught step by step (analysis/explain.h).
// Every input problem (no trace, bad time, no such HPA, no decision) is
// exit 2 with a message naming it.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "command.h"
#include "ksim/analysis/explain.h"
#include "ksim/sim/kernel/time.h"
#include "ksim/sim/trace/trace_reader.h"

namespace ksim::cli {
namespace {

struct ExplainFlags {
  std::string trace;
  std::string at;
  std::string from;
  std::string to;
  std::string object;
  bool json = false;
};

// "12m30s" (Go duration) as a time since the run's start.
std::optional<Time> time_flag(const std::string& flag, const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto d = parse_duration(text);
  if (!d) throw UsageError("explain: " + flag + " " + text + ": " + d.error());
  if (d->count() < 0) throw UsageError("explain: " + flag + " " + text + ": negative time");
  return kTimeZero + *d;
}

ExitCode explain(const ExplainFlags& f) {
  if (!std::filesystem::is_regular_file(f.trace)) {
    throw UsageError("explain: " + f.trace + ": no such trace file");
  }
  analysis::ExplainOptions o;
  o.at = time_flag("--at", f.at);
  o.from = time_flag("--from", f.from);
  o.to = time_flag("--to", f.to);
  o.object = f.object;
  if (o.from && o.to && *o.to < *o.from) throw UsageError("explain: --to is before --from");
  auto trace = trace::TraceReader::open(f.trace);
  if (!trace) throw UsageError("explain: " + trace.error());
  auto decisions = analysis::explain_decisions(*trace, o);
  if (!decisions) throw UsageError("explain: " + f.trace + ": " + decisions.error());
  std::cout << (f.json ? analysis::format_json(*decisions) : analysis::format_text(*decisions));
  return ExitCode::kOk;
}

}  // namespace

void add_explain_command(CLI::App& app, ExitCode& exit_code) {
  auto flags = std::make_shared<ExplainFlags>();
  CLI::App* cmd = app.add_subcommand(
      "explain",
      "Explain the HPA's decisions in a trace: the metric per pod and which pods were left out "
      "or assumed, the ratio and tolerance test, ceil(ratio x pods), the stabilization window "
      "and the policy that limited it, the final count, then what followed (pods Pending, nodes "
      "launched, pods Ready, latency). Default: every decision that changed the replica count.");
  cmd->add_option("trace", flags->trace, "trace file written by ksim run (SQLite)")->required();
  auto* at = cmd->add_option("--at", flags->at,
                             "per HPA, the decision at or just before this time (e.g. 12m30s)");
  auto* from = cmd->add_option("--from", flags->from, "every decision from this time on");
  auto* to = cmd->add_option("--to", flags->to, "every decision up to this time");
  at->excludes(from)->excludes(to);
  cmd->add_option("--object", flags->object, "only this HPA: hpa/NAME, NAME or NAMESPACE/NAME");
  cmd->add_flag("--json", flags->json, "print JSON instead of text");
  cmd->callback([flags, &exit_code] { exit_code = explain(*flags); });
}

}  // namespace ksim::cli
