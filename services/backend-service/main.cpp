// backend-service (platform 1, internal): the item store behind api-service.
// Routes in backend_handlers.h; flags and environment in README.md.
#include <sys/prctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include "backend_handlers.h"
#include "item_store.h"
#include "ksim/services/http/options.h"
#include "ksim/services/http/server.h"

namespace http = ksim::services::http;
namespace backend = ksim::services::backend;

namespace {

struct Config {
  http::ServerOptions server;
  std::string data_dir = "./data";
  std::string table = "items";
  bool exit_with_parent = false;
};

void add_flags(CLI::App& app, Config& config) {
  app.add_flag("--exit-with-parent", config.exit_with_parent,
               "Get SIGTERM (and drain) when the parent process exits: for running beside "
               "api-service in one process group (services/api-service/calibrate.yaml)");
  http::add_server_options(app, config.server);
  app.add_option("--data-dir", config.data_dir, "Folder of the SQLite file (created if missing)")
      ->envname("DATA_DIR")
      ->capture_default_str();
  app.add_option("--table", config.table,
                 "Table name: the SQLite file is <data-dir>/<table>.db (stands in for the "
                 "DynamoDB table)")
      ->envname("DYNAMODB_TABLE")
      ->capture_default_str()
      ->check([](const std::string& t) {
        return backend::valid_table_name(t) ? std::string()
                                            : std::string("must be 1-64 of A-Z a-z 0-9 _ -");
      });
}

// Linux's parent-death signal. The server's SIGTERM handler then drains as
// usual. Checked after arming: a parent that died before is not signalled.
void arm_parent_death_signal() {
  const pid_t parent = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) throw std::runtime_error("prctl(PR_SET_PDEATHSIG)");
  if (getppid() != parent) throw std::runtime_error("the parent process has already exited");
}

// Throws on start-up failure (main turns it into exit code 1).
void run(Config config) {
  if (config.exit_with_parent) arm_parent_death_signal();
  const std::filesystem::path dir(config.data_dir);
  std::filesystem::create_directories(dir);
  unsigned threads = config.server.threads;
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
  // One connection per I/O thread so a handler never waits for the pool.
  auto store = backend::ItemStore::open(dir / (config.table + ".db"), threads);
  if (!store) throw std::runtime_error(store.error());
  const backend::BackendHandlers handlers(**store);
  http::Router router;
  handlers.add_routes(router);
  auto logger = std::make_shared<http::Logger>(config.server.log_level);
  http::Server server(config.server, std::move(router), nullptr, logger);
  // Only now: the database is open and migrated (/ready is 503 before).
  server.set_ready(true);
  logger->info("backend-service listening", {{"port", server.port()}, {"data", dir.string()}});
  // Tests and scripts read the bound port from this line (--port 0).
  std::printf("listening on port %u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  server.run();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "backend-service: the internal item store of platform 1 (GET/POST /backend/items, "
      "GET/PUT/DELETE /backend/items/{id}, GET /backend/items/{id}/score?rounds=N, /health, "
      "/ready, /metrics).\nExit codes: 0 ok (also after a graceful SIGTERM), 1 failure, 2 bad "
      "usage.",
      "backend-service"};
  Config config;
  config.server.port = 8080;  // the manifest's containerPort
  add_flags(app, config);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  try {
    run(std::move(config));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "backend-service: %s\n", e.what());
    return 1;
  }
  return 0;
}
