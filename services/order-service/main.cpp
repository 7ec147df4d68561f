// order-service: the orders of platform 2 (issue 7). Routes in
// order_handlers.h; flags and env vars in README.md (`--help` lists them).
// Exit codes: 0 ok (also after a graceful SIGTERM drain), 1 failure, 2 bad usage.

#include <CLI/CLI.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "ksim/services/app/service_main.h"
#include "ksim/services/http/options.h"
#include "ksim/services/http/server.h"
#include "ksim/services/store/relay.h"
#include "order_handlers.h"

namespace http = ksim::services::http;
namespace store = ksim::services::store;
namespace order = ksim::services::order;
namespace app = ksim::services::app;

namespace {

// The seed manifests set no PRODUCT_SERVICE_URL, so inside a pod the
// default follows the cluster: the env vars Kubernetes injects for the
// product-service Service when it predates the pod, else its DNS name (same
// namespace, Service port 80). Outside a cluster: the local default port.
std::string default_product_url() {
  const char* host = std::getenv("PRODUCT_SERVICE_SERVICE_HOST");
  const char* port = std::getenv("PRODUCT_SERVICE_SERVICE_PORT");
  if (host != nullptr && port != nullptr && *host != '\0' && *port != '\0') {
    const std::string h = host;
    const bool ipv6 = h.find(':') != std::string::npos;
    return "http://" + (ipv6 ? "[" + h + "]" : h) + ":" + port;
  }
  if (std::getenv("KUBERNETES_SERVICE_HOST") != nullptr) return "http://product-service";
  return "http://127.0.0.1:8081";
}

struct Config {
  app::DataOptions data{"./data", "shop-orders"};
  std::string brokers;          // "" = embedded mock cluster
  double request_timeout = 30;  // seconds, the product-service call
  std::string product_url = default_product_url();
};

void add_config_options(CLI::App& cli, Config& c) {
  app::add_data_options(cli, c.data);
  app::add_kafka_option(cli, c.brokers);
  cli.add_option("--request-timeout", c.request_timeout,
                 "Timeout of the product-service call, in seconds")
      ->envname("REQUEST_TIMEOUT_SECONDS")
      ->check(CLI::Range(0.001, 3600.0))
      ->capture_default_str();
  cli.add_option("--product-service-url", c.product_url,
                 "Base URL of product-service (http://host[:port][/prefix])")
      ->envname("PRODUCT_SERVICE_URL")
      ->capture_default_str()
      ->check([](const std::string& url) {
        const auto base = order::parse_base_url(url);
        return base ? std::string() : base.error();
      });
}

int serve(const http::ServerOptions& options, const Config& c) {
  auto logger = std::make_shared<http::Logger>(options.log_level);
  const auto path = app::open_data_file(c.data);
  std::unique_ptr<store::Relay> relay;
  // The wake-up only runs after commits, which happen once the relay exists.
  auto opened = order::OrderStore::open(path, store::Outbox([&relay] {
                                          if (relay) relay->notify();
                                        }));
  if (!opened) throw std::runtime_error(path.string() + ": " + opened.error().message);
  auto started = store::Relay::start(path, app::sink_config(c.brokers, "order-service", logger));
  if (!started) throw std::runtime_error("outbox relay: " + started.error().message);
  relay = std::move(*started);
  auto metrics = std::make_shared<http::MetricsRegistry>();
  app::add_relay_metrics(*metrics, *relay);
  const auto timeout = std::chrono::milliseconds(std::llround(c.request_timeout * 1000));
  order::HttpProductClient http_products(*order::parse_base_url(c.product_url), timeout);
  order::MeteredProductClient products(http_products, *metrics);
  order::OrderHandlers handlers(**opened, products, logger);
  http::Router router;
  handlers.add_routes(router);
  // Read before the server accepts requests, so the recovery below never
  // touches the pending row of a request in progress.
  auto pending = (*opened)->pending();
  if (!pending) throw std::runtime_error("reading pending orders: " + pending.error().message);
  http::Server server(options, std::move(router), metrics, logger);
  server.set_ready(true);  // the database is open and migrated
  app::announce_port(server.port());
  logger->info("order-service listening", {{"port", server.port()},
                                           {"db", path.string()},
                                           {"productServiceUrl", c.product_url},
                                           {"brokers", relay->bootstraps()}});
  // Orders a crash left pending are resolved in the background, so a
  // product-service that is not up yet does not delay readiness.
  std::jthread recovery([&handlers, &pending] { handlers.recover_pending(*pending); });
  server.run();
  recovery.join();
  relay->stop();
  logger->info("order-service stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "order-service: the orders of platform 2 (/api/v1/orders; creating an order reserves "
      "stock at product-service; events on topic order-events).\n"
      "Exit codes: 0 ok (also after a graceful SIGTERM), 1 failure, 2 bad usage.",
      "order-service"};
  http::ServerOptions options;
  options.port = 8080;
  http::add_server_options(cli, options);
  Config config;
  add_config_options(cli, config);
  return app::run_main(cli, argc, argv, [&] { return serve(options, config); });
}
