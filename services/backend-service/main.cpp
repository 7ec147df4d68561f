// backend-service (platform 1, internal): the item store behind api-service.
// Routes in backend_handlers.h; flags and environment in README.md.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include "backend_handlers.h"
#include "item_store.h"
#include "ksim/services/app/service_main.h"
#include "ksim/services/http/options.h"
#include "ksim/services/http/server.h"

namespace http = ksim::services::http;
namespace backend = ksim::services::backend;
namespace app = ksim::services::app;

namespace {

struct Config {
  http::ServerOptions server;
  app::DataOptions data{"./data", "items"};
  bool exit_with_parent = false;
};

void add_flags(CLI::App& cli, Config& config) {
  app::add_exit_with_parent_option(cli, config.exit_with_parent,
                                   "for running beside api-service in one process group "
                                   "(services/api-service/calibrate.yaml)");
  http::add_server_options(cli, config.server);
  app::add_data_options(cli, config.data);
}

// Throws on start-up failure (main turns it into exit code 1).
void run(Config config) {
  if (config.exit_with_parent) app::exit_with_parent();
  const std::filesystem::path file = app::open_data_file(config.data);
  unsigned threads = config.server.threads;
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
  // One connection per I/O thread so a handler never waits for the pool.
  auto store = backend::ItemStore::open(file, threads);
  if (!store) throw std::runtime_error(store.error());
  const backend::BackendHandlers handlers(**store);
  http::Router router;
  handlers.add_routes(router);
  auto logger = std::make_shared<http::Logger>(config.server.log_level);
  http::Server server(config.server, std::move(router), nullptr, logger);
  // Only now: the database is open and migrated (/ready is 503 before).
  server.set_ready(true);
  logger->info("backend-service listening", {{"port", server.port()}, {"data", file.string()}});
  app::announce_port(server.port());
  server.run();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "backend-service: the internal item store of platform 1 (GET/POST /backend/items, "
      "GET/PUT/DELETE /backend/items/{id}, GET /backend/items/{id}/score?rounds=N, /health, "
      "/ready, /metrics).\nExit codes: 0 ok (also after a graceful SIGTERM), 1 failure, 2 bad "
      "usage.",
      "backend-service"};
  Config config;
  config.server.port = 8080;  // the manifest's containerPort
  add_flags(cli, config);
  return app::run_main(cli, argc, argv, [&] {
    run(std::move(config));
    return 0;
  });
}
