// The contract between main() and the subcommands.
#pragma once

#include <stdexcept>
#include <string>

namespace CLI {
class App;
}

namespace ksim::cli {

/// Process exit codes: what they mean is part of the interface.
enum class ExitCode : int {
  kOk = 0,       // what was asked succeeded
  kFailure = 1,  // what was asked failed (a run error, a failed expectation)
  kUsage = 2,    // bad usage or bad input (flags, files, documents)
};

/// Thrown by a command for bad input; main() prints it and exits 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Each subcommand registers itself on the root app. Its callback stores the
/// exit code in `exit_code`.
void add_hpa_command(CLI::App& app, ExitCode& exit_code);
void add_run_command(CLI::App& app, ExitCode& exit_code);
/// `ksim test`: scenarios with `expect:` checked against their runs (test_command.cpp).
void add_test_command(CLI::App& app, ExitCode& exit_code);
/// `ksim report`: a trace as one self-contained HTML page (report_command.cpp).
void add_report_command(CLI::App& app, ExitCode& exit_code);
/// `ksim sweep`: a scenario over a grid of parameters (sweep_command.cpp).
void add_sweep_command(CLI::App& app, ExitCode& exit_code);
/// `ksim explain`: a trace's HPA decisions taught step by step (explain_command.cpp).
void add_explain_command(CLI::App& app, ExitCode& exit_code);
/// `ksim compare`: two traces side by side, as text, JSON or a page (compare_command.cpp).
void add_compare_command(CLI::App& app, ExitCode& exit_code);
/// `ksim calibrate`: a real service binary measured into a profile (calibrate_command.cpp).
void add_calibrate_command(CLI::App& app, ExitCode& exit_code);

}  // namespace ksim::cli
