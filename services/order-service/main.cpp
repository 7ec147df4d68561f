// order-service: the orders of platform 2 (issue 7). Routes in
// order_handlers.h; flags and env vars in README.md (`--help` lists them).
// Exit codes: 0 ok (also after a graceful SIGTERM drain), 1 failure, 2 bad usage.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "ksim/services/http/options.h"
#include "ksim/services/http/server.h"
#include "ksim/services/store/relay.h"
#include "order_handlers.h"

namespace http = ksim::services::http;
namespace store = ksim::services::store;
namespace order = ksim::services::order;

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
  std::string data_dir = "./data";
  std::string table = "shop-orders";
  std::string brokers;          // "" = embedded mock cluster
  double request_timeout = 30;  // seconds, the product-service call
  std::string product_url = default_product_url();
};

bool valid_table(const std::string& t) {
  if (t.empty() || t.size() > 64) return false;
  for (const char c : t) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

void add_config_options(CLI::App& app, Config& c) {
  app.add_option("--data-dir", c.data_dir, "Folder of the SQLite file (created if missing)")
      ->envname("DATA_DIR")
      ->capture_default_str();
  app.add_option("--table", c.table, "Table name: the SQLite file is <data-dir>/<table>.db")
      ->envname("DYNAMODB_TABLE")
      ->capture_default_str()
      ->check([](const std::string& t) {
        return valid_table(t) ? std::string() : "must be 1-64 of A-Z a-z 0-9 . _ -";
      });
  app.add_option("--kafka-brokers", c.brokers,
                 "Kafka bootstrap servers for the events; empty = an embedded mock cluster")
      ->envname("KAFKA_BOOTSTRAP_SERVERS");
  app.add_option("--request-timeout", c.request_timeout,
                 "Timeout of the product-service call, in seconds")
      ->envname("REQUEST_TIMEOUT_SECONDS")
      ->check(CLI::Range(0.001, 3600.0))
      ->capture_default_str();
  app.add_option("--product-service-url", c.product_url,
                 "Base URL of product-service (http://host[:port][/prefix])")
      ->envname("PRODUCT_SERVICE_URL")
      ->capture_default_str()
      ->check([](const std::string& url) {
        const auto base = order::parse_base_url(url);
        return base ? std::string() : base.error();
      });
}

store::EventSinkConfig sink_config(const Config& c, const std::shared_ptr<http::Logger>& logger) {
  store::EventSinkConfig sink;
  sink.brokers = c.brokers;
  sink.client_id = "order-service";
  sink.log = [logger](int level, std::string_view facility, std::string_view message) {
    const auto lvl = level <= 3 ? http::LogLevel::kError
                                : (level == 4 ? http::LogLevel::kWarn : http::LogLevel::kDebug);
    logger->log(lvl, "kafka", {{"facility", facility}, {"message", message}});
  };
  return sink;
}

void add_relay_metrics(http::MetricsRegistry& m, store::Relay& relay) {
  m.callback("outbox_backlog", "Outbox events not yet confirmed delivered.",
             http::MetricType::kGauge, [&relay] {
               const auto n = relay.backlog();
               return n ? static_cast<double>(*n) : std::nan("");
             });
  m.callback("outbox_published_total", "Outbox events delivered to Kafka by this process.",
             http::MetricType::kCounter,
             [&relay] { return static_cast<double>(relay.published_total()); });
  m.callback("outbox_relay_errors_total", "Errors recorded by the outbox relay.",
             http::MetricType::kCounter,
             [&relay] { return static_cast<double>(relay.errors_total()); });
}

// Holds an exclusive flock on <db>.lock for the process's life: the outbox
// relay (and product-service's body cache) need to be the file's only
// user, so a second process on the same data file fails at start-up.
void lock_data_file(const std::filesystem::path& db) {
  const std::string lock = db.string() + ".lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    throw std::runtime_error(lock + ": another process uses this data file");
  }
  // The descriptor stays open (and locked) until the process exits.
}

int serve(const http::ServerOptions& options, const Config& c) {
  auto logger = std::make_shared<http::Logger>(options.log_level);
  std::filesystem::create_directories(c.data_dir);
  const auto path = std::filesystem::path(c.data_dir) / (c.table + ".db");
  lock_data_file(path);
  std::unique_ptr<store::Relay> relay;
  // The wake-up only runs after commits, which happen once the relay exists.
  auto opened = order::OrderStore::open(path, store::Outbox([&relay] {
                                          if (relay) relay->notify();
                                        }));
  if (!opened) throw std::runtime_error(path.string() + ": " + opened.error().message);
  auto started = store::Relay::start(path, sink_config(c, logger));
  if (!started) throw std::runtime_error("outbox relay: " + started.error().message);
  relay = std::move(*started);
  auto metrics = std::make_shared<http::MetricsRegistry>();
  add_relay_metrics(*metrics, *relay);
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
  std::printf("listening on port %u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);
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
  CLI::App app{
      "order-service: the orders of platform 2 (/api/v1/orders; creating an order reserves "
      "stock at product-service; events on topic order-events).\n"
      "Exit codes: 0 ok (also after a graceful SIGTERM), 1 failure, 2 bad usage.",
      "order-service"};
  http::ServerOptions options;
  options.port = 8080;
  http::add_server_options(app, options);
  Config config;
  add_config_options(app, config);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  try {
    return serve(options, config);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "order-service: %s\n", e.what());
    return 1;
  }
}
