// `ksim hpa reconcile [FILE|-] [--pretty]`: one HPA sync from real Kubernetes
// objects (/work/shared/reference/hpa-reconcile-io.md). Exit 0 on a computed
// decision, 2 on malformed input (the message names the JSON path).
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "command.h"
#include "hpa/reconcile_io.h"

namespace ksim::cli {
namespace {

struct ReconcileOptions {
  std::string file = "-";
  bool pretty = false;
};

std::string read_all(const std::string& file) {
  if (file == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw UsageError(file + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void run_reconcile(const ReconcileOptions& o) {
  const std::string text = read_all(o.file);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw UsageError((o.file == "-" ? std::string("<stdin>") : o.file) + ": not JSON: " + e.what());
  }
  const control::hpa::ReconcileInput input = hpa::parse_reconcile_input(doc);
  const control::hpa::ReconcileResult result = control::hpa::reconcile(input);
  nlohmann::ordered_json out = hpa::reconcile_output(result);
  // When the scale cannot be read upstream changes only a condition: the
  // metric statuses (not modelled by the library) stay as they were.
  if (result.reason == control::hpa::DecisionReason::kScaleUnavailable) {
    const auto& st = doc["hpa"].value("status", nlohmann::json::object());
    if (st.contains("currentMetrics")) out["status"]["currentMetrics"] = st["currentMetrics"];
    if (st.contains("currentReplicas")) out["status"]["currentReplicas"] = st["currentReplicas"];
  }
  std::cout << out.dump(o.pretty ? 2 : -1) << "\n";
}

}  // namespace

void add_hpa_command(CLI::App& app, ExitCode& exit_code) {
  CLI::App* hpa = app.add_subcommand("hpa", "Horizontal Pod Autoscaler decisions");
  hpa->require_subcommand(1);
  auto opts = std::make_shared<ReconcileOptions>();
  CLI::App* rec = hpa->add_subcommand(
      "reconcile",
      "One HPA sync from kubectl JSON (HPA, scale, pods, metrics, controller memory):\n"
      "prints the upstream controller's decision, new status, events and why.");
  rec->add_option("file", opts->file, "Input document, or - for standard input")
      ->capture_default_str();
  rec->add_flag("--pretty", opts->pretty, "Indent the JSON output");
  rec->callback([opts, &exit_code] {
    run_reconcile(*opts);
    exit_code = ExitCode::kOk;
  });
}

}  // namespace ksim::cli
