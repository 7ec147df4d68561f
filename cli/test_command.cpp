// `ksim test [SCENARIO|DIR ...] [--junit out.xml]`: runs each scenario that
// carries an `expect:` block, checks the expectations against its trace
// (analysis/expect.h) and fails when one does not hold.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "command.h"
#include "ksim/analysis/expect.h"
#include "ksim/sim/run/run.h"
#include "ksim/sim/trace/trace_reader.h"
#include "ksim/sim/trace/trace_writer.h"
#include "scratch_dir.h"

namespace ksim::cli {
namespace {

namespace fs = std::filesystem;

struct TestFlags {
  std::vector<std::string> paths;
  std::string junit;
  std::string keep_traces;
  std::optional<std::uint64_t> seed;
  bool quiet = false;
};

// What became of one scenario.
struct ScenarioOutcome {
  std::string file;
  std::string name;
  double seconds = 0;
  /// Set when the scenario could not be run (load or run errors).
  std::vector<std::string> errors;
  std::vector<analysis::ExpectResult> results;
  [[nodiscard]] std::size_t failures() const {
    return static_cast<std::size_t>(std::count_if(
        results.begin(), results.end(), [](const analysis::ExpectResult& r) { return !r.passed; }));
  }
};

// The scenario files named: files as given, folders' *.yaml / *.yml (not
// recursive) in name order.
std::vector<fs::path> scenario_files(const std::vector<std::string>& paths) {
  std::vector<fs::path> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::directory_iterator(p, ec)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) {
          found.push_back(entry.path());
        }
      }
      if (ec) throw UsageError(p + ": " + ec.message());
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.emplace_back(p);
    } else {
      throw UsageError(p + ": no such file or folder");
    }
  }
  return out;
}

ScenarioOutcome test_one(const fs::path& file, const TestFlags& f, const fs::path& trace_dir) {
  ScenarioOutcome out;
  out.file = file.string();
  out.name = file.stem().string();
  const auto started = std::chrono::steady_clock::now();
  auto loaded = scenario::load_scenario(file);
  if (!loaded) {
    for (const auto& e : loaded.error()) out.errors.push_back(e.to_string());
    return out;
  }
  out.name = loaded->name;
  if (loaded->expectations.empty()) return out;
  const fs::path trace_file = trace_dir / (loaded->name + ".db");
  auto writer = trace::TraceWriter::create(trace_file);
  if (!writer) {
    out.errors.push_back(writer.error());
    return out;
  }
  run::RunOptions options;
  options.seed = f.seed;
  auto summary = run::run_scenario(*loaded, options, &*writer);
  if (!summary) {
    out.errors = summary.error();
    return out;
  }
  if (auto c = writer->commit(); !c) {
    out.errors.push_back(c.error());
    return out;
  }
  auto reader = trace::TraceReader::open(trace_file);
  if (!reader) {
    out.errors.push_back(reader.error());
    return out;
  }
  auto results = analysis::check_expectations(*reader, loaded->expectations);
  if (!results) {
    out.errors.push_back(results.error());
    return out;
  }
  out.results = std::move(*results);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

void print(const ScenarioOutcome& o, bool quiet) {
  if (!o.errors.empty()) {
    std::cout << "ERROR " << o.file << "\n";
    for (const std::string& e : o.errors) std::cout << "  " << e << "\n";
    return;
  }
  if (o.results.empty()) {
    if (!quiet) std::cout << "SKIP  " << o.file << ": no expectations\n";
    return;
  }
  std::cout << fmt::format("{}  {} ({} expectations, {:.1f} s)\n", o.failures() ? "FAIL" : "PASS",
                           o.file, o.results.size(), o.seconds);
  for (const analysis::ExpectResult& r : o.results) {
    if (quiet && r.passed) continue;
    std::cout << fmt::format("  {}  {}:{}: expected {}: {}\n", r.passed ? "ok  " : "FAIL", o.file,
                             r.expectation.line, r.expected, r.observed);
  }
}

// JUnit XML as CI systems read it: a testsuite per scenario, a testcase per
// expectation; a scenario that cannot run is one errored testcase.
void write_junit(const std::string& path, const std::vector<ScenarioOutcome>& outcomes) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto suites = doc.append_child("testsuites");
  suites.append_attribute("name") = "ksim test";
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t errors = 0;
  for (const ScenarioOutcome& o : outcomes) {
    auto suite = suites.append_child("testsuite");
    suite.append_attribute("name") = o.name.c_str();
    suite.append_attribute("file") = o.file.c_str();
    suite.append_attribute("time") = fmt::format("{:.3f}", o.seconds).c_str();
    const std::size_t n = o.errors.empty() ? o.results.size() : 1;
    suite.append_attribute("tests") = static_cast<unsigned long long>(n);
    suite.append_attribute("failures") = static_cast<unsigned long long>(o.failures());
    suite.append_attribute("errors") = o.errors.empty() ? 0ULL : 1ULL;
    tests += n;
    failures += o.failures();
    if (!o.errors.empty()) {
      ++errors;
      auto tc = suite.append_child("testcase");
      tc.append_attribute("classname") = o.name.c_str();
      tc.append_attribute("name") = "scenario";
      std::string all;
      for (const std::string& e : o.errors) all += e + "\n";
      auto err = tc.append_child("error");
      err.append_attribute("message") = o.errors.front().c_str();
      err.text() = all.c_str();
      continue;
    }
    for (const analysis::ExpectResult& r : o.results) {
      auto tc = suite.append_child("testcase");
      tc.append_attribute("classname") = o.name.c_str();
      tc.append_attribute("name") =
          fmt::format("line {}: {}", r.expectation.line, r.expected).c_str();
      tc.append_attribute("file") = o.file.c_str();
      tc.append_attribute("line") = r.expectation.line;
      if (!r.passed) {
        auto fail = tc.append_child("failure");
        fail.append_attribute("message") = r.observed.c_str();
        fail.text() = fmt::format("{}:{}: expected {}: {}", o.file, r.expectation.line, r.expected,
                                  r.observed)
                          .c_str();
      } else {
        tc.append_child("system-out").text() = r.observed.c_str();
      }
    }
  }
  suites.append_attribute("tests") = static_cast<unsigned long long>(tests);
  suites.append_attribute("failures") = static_cast<unsigned long long>(failures);
  suites.append_attribute("errors") = static_cast<unsigned long long>(errors);
  // Written beside the target and renamed: never a half-written report.
  const std::string partial = path + ".partial-" + std::to_string(::getpid());
  if (!doc.save_file(partial.c_str(), "  ")) {
    throw std::runtime_error("cannot write " + partial);
  }
  std::error_code ec;
  fs::rename(partial, path, ec);
  if (ec) {
    fs::remove(partial, ec);
    throw std::runtime_error("cannot write " + path + ": " + ec.message());
  }
}

ExitCode run_tests(const TestFlags& f) {
  const std::vector<fs::path> files = scenario_files(f.paths);
  if (files.empty())
    throw UsageError("no scenario files in " + fmt::format("{}", fmt::join(f.paths, ", ")));
  std::optional<ScratchDir> scratch;
  fs::path trace_dir;
  if (!f.keep_traces.empty()) {
    std::error_code ec;
    fs::create_directories(f.keep_traces, ec);
    if (ec) throw UsageError("--keep-traces " + f.keep_traces + ": " + ec.message());
    trace_dir = f.keep_traces;
  } else {
    scratch.emplace("ksim-test");
    trace_dir = scratch->path();
  }
  std::vector<ScenarioOutcome> outcomes;
  for (const fs::path& file : files) {
    outcomes.push_back(test_one(file, f, trace_dir));
    print(outcomes.back(), f.quiet);
  }
  if (!f.junit.empty()) write_junit(f.junit, outcomes);

  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t broken = 0;
  std::size_t skipped = 0;
  for (const ScenarioOutcome& o : outcomes) {
    if (!o.errors.empty()) {
      ++broken;
    } else if (o.results.empty()) {
      ++skipped;
    }
    for (const analysis::ExpectResult& r : o.results) (r.passed ? passed : failed) += 1;
  }
  std::cout << fmt::format(
      "\n{} passed, {} failed; {} scenario(s) with errors, {} without "
      "expectations\n",
      passed, failed, broken, skipped);
  if (broken > 0) return ExitCode::kUsage;
  return failed > 0 ? ExitCode::kFailure : ExitCode::kOk;
}

}  // namespace

void add_test_command(CLI::App& app, ExitCode& exit_code) {
  auto flags = std::make_shared<TestFlags>();
  CLI::App* cmd = app.add_subcommand(
      "test",
      "Run scenarios that carry an `expect:` block and check each expectation against the run's "
      "trace; exit 1 when one does not hold (format: scenarios/README.md).");
  cmd->add_option("scenarios", flags->paths, "scenario files or folders of them (*.yaml)")
      ->required();
  cmd->add_option("--junit", flags->junit, "also write the results as JUnit XML to this file");
  cmd->add_option("--keep-traces", flags->keep_traces,
                  "write each run's trace into this folder as <scenario name>.db");
  cmd->add_option("--seed", flags->seed, "random seed for every scenario (default: each one's)");
  cmd->add_flag("--quiet,-q", flags->quiet, "print only failures and the totals");
  cmd->callback([flags, &exit_code] { exit_code = run_tests(*flags); });
}

}  // namespace ksim::cli
