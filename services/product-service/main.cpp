// product-service: the catalogue of platform 2 (issue 7). Routes in
// product_handlers.h; flags and env vars in README.md (`--help` lists them).
// Exit codes: 0 ok (also after a graceful SIGTERM drain), 1 failure, 2 bad usage.

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <stdexcept>

#include "ksim/services/app/service_main.h"
#include "ksim/services/http/options.h"
#include "ksim/services/http/server.h"
#include "ksim/services/store/relay.h"
#include "product_handlers.h"

namespace http = ksim::services::http;
namespace store = ksim::services::store;
namespace product = ksim::services::product;
namespace app = ksim::services::app;

namespace {

struct Config {
  app::DataOptions data{"./data", "shop-products"};
  std::string brokers;          // "" = embedded mock cluster
  double request_timeout = 30;  // seconds; accepted for the manifests, no outbound calls here
  std::int64_t seed_products = 100;
  bool exit_with_parent = false;
  bool read_cache = true;
};

void add_config_options(CLI::App& cli, Config& c) {
  app::add_data_options(cli, c.data);
  app::add_kafka_option(cli, c.brokers);
  cli.add_option("--request-timeout", c.request_timeout,
                 "Outbound request timeout in seconds (accepted for parity with the manifests; "
                 "product-service makes no outbound calls)")
      ->envname("REQUEST_TIMEOUT_SECONDS")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cli.add_flag("--read-cache,!--no-read-cache", c.read_cache,
               "Keep product bodies read by GET /api/v1/products/{id} per thread until the "
               "product changes (default on; --no-read-cache reads SQLite every time)")
      ->envname("READ_CACHE");
  cli.add_option("--seed-products", c.seed_products,
                 "Products p-1001.. created at the first start of a new database (0 = none)")
      ->envname("SEED_PRODUCTS")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  app::add_exit_with_parent_option(
      cli, c.exit_with_parent,
      "for a companion product-service started by a wrapper, e.g. order-service's calibration");
}

int serve(const http::ServerOptions& options, const Config& c) {
  if (c.exit_with_parent) app::exit_with_parent();
  auto logger = std::make_shared<http::Logger>(options.log_level);
  const auto path = app::open_data_file(c.data);
  std::unique_ptr<store::Relay> relay;
  // The wake-up only runs after commits, which happen once the relay exists.
  auto opened = product::ProductStore::open(path, store::Outbox([&relay] {
                                              if (relay) relay->notify();
                                            }),
                                            c.read_cache);
  if (!opened) throw std::runtime_error(path.string() + ": " + opened.error().message);
  auto& products = **opened;
  if (auto seeded = products.seed(c.seed_products); !seeded) {
    throw std::runtime_error("seeding: " + seeded.error().message);
  }
  auto started = store::Relay::start(path, app::sink_config(c.brokers, "product-service", logger));
  if (!started) throw std::runtime_error("outbox relay: " + started.error().message);
  relay = std::move(*started);
  auto metrics = std::make_shared<http::MetricsRegistry>();
  app::add_relay_metrics(*metrics, *relay);
  product::ProductHandlers handlers(products, logger);
  http::Router router;
  handlers.add_routes(router);
  http::Server server(options, std::move(router), metrics, logger);
  server.set_ready(true);  // the database is open and migrated
  app::announce_port(server.port());
  logger->info("product-service listening",
               {{"port", server.port()}, {"db", path.string()}, {"brokers", relay->bootstraps()}});
  server.run();
  relay->stop();
  logger->info("product-service stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "product-service: the product catalogue of platform 2 (/api/v1/products CRUD, stock "
      "reservation, recommendations; events on topic product-events).\n"
      "Exit codes: 0 ok (also after a graceful SIGTERM), 1 failure, 2 bad usage.",
      "product-service"};
  http::ServerOptions options;
  options.port = 8081;
  http::add_server_options(cli, options);
  Config config;
  add_config_options(cli, config);
  return app::run_main(cli, argc, argv, [&] { return serve(options, config); });
}
