// ksim: the command-line entry point. Exceptions end here and become exit
// codes (DESIGN.md, error tier 3).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "command.h"

int main(int argc, char** argv) {
  using ksim::cli::ExitCode;
  CLI::App app{
      "ksim: simulate, emulate and replay an EKS microservices platform.\n"
      "Exit codes: 0 ok, 1 what was asked failed, 2 bad usage or input.",
      "ksim"};
  app.set_version_flag("--version", KSIM_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);

  ExitCode exit_code = ExitCode::kOk;
  ksim::cli::add_run_command(app, exit_code);
  ksim::cli::add_report_command(app, exit_code);
  ksim::cli::add_explain_command(app, exit_code);
  ksim::cli::add_hpa_command(app, exit_code);
  ksim::cli::add_test_command(app, exit_code);
  ksim::cli::add_sweep_command(app, exit_code);
  ksim::cli::add_compare_command(app, exit_code);
  ksim::cli::add_calibrate_command(app, exit_code);

  // CLI11 would say only "A subcommand is required" for a mistyped command.
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) known = known || sub->check_name(argv[1]);
    if (!known) {
      std::cerr << "ksim: unknown command '" << argv[1] << "' (see ksim --help)\n";
      return static_cast<int>(ExitCode::kUsage);
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return static_cast<int>(ExitCode::kUsage);
  } catch (const ksim::cli::UsageError& e) {
    std::cerr << "ksim: " << e.what() << "\n";
    return static_cast<int>(ExitCode::kUsage);
  } catch (const std::exception& e) {
    std::cerr << "ksim: error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::kFailure);
  }
  return static_cast<int>(exit_code);
}
