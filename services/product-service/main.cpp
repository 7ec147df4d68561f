// product-service: the catalogue of platform 2 (issue 7). Routes in
// product_handlers.h; flags and env vars in README.md (`--help` lists them).
// Exit codes: 0 ok (also after a graceful SIGTERM drain), 1 failure, 2 bad usage.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <stdexcept>

#include "ksim/services/http/options.h"
#include "ksim/services/http/server.h"
#include "ksim/services/store/relay.h"
#include "product_handlers.h"

namespace http = ksim::services::http;
namespace store = ksim::services::store;
namespace product = ksim::services::product;

namespace {

struct Config {
  std::string data_dir = "./data";
  std::string table = "shop-products";
  std::string brokers;          // "" = embedded mock cluster
  double request_timeout = 30;  // seconds; accepted for the manifests, no outbound calls here
  std::int64_t seed_products = 100;
  bool exit_with_parent = false;
  bool read_cache = true;
};

void add_config_options(CLI::App& app, Config& c) {
  app.add_option("--data-dir", c.data_dir, "Folder of the SQLite file (created if missing)")
      ->envname("DATA_DIR")
      ->capture_default_str();
  app.add_option("--table", c.table, "Table name: the SQLite file is <data-dir>/<table>.db")
      ->envname("DYNAMODB_TABLE")
      ->capture_default_str()
      ->check([](const std::string& t) {
        return product::valid_id(t) ? std::string() : "must be 1-64 of A-Z a-z 0-9 . _ -";
      });
  app.add_option("--kafka-brokers", c.brokers,
                 "Kafka bootstrap servers for the events; empty = an embedded mock cluster")
      ->envname("KAFKA_BOOTSTRAP_SERVERS");
  app.add_option("--request-timeout", c.request_timeout,
                 "Outbound request timeout in seconds (accepted for parity with the manifests; "
                 "product-service makes no outbound calls)")
      ->envname("REQUEST_TIMEOUT_SECONDS")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("--read-cache,!--no-read-cache", c.read_cache,
               "Keep product bodies read by GET /api/v1/products/{id} per thread until the "
               "product changes (default on; --no-read-cache reads SQLite every time)")
      ->envname("READ_CACHE");
  app.add_option("--seed-products", c.seed_products,
                 "Products p-1001.. created at the first start of a new database (0 = none)")
      ->envname("SEED_PRODUCTS")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  app.add_flag("--exit-with-parent", c.exit_with_parent,
               "Drain and exit (as on SIGTERM) when the parent process dies: for a companion "
               "product-service started by a wrapper, e.g. order-service's calibration");
}

// PR_SET_PDEATHSIG: the kernel sends SIGTERM when the parent exits; checked
// against the parent seen before, in case it died before the call.
void exit_with_parent() {
  const pid_t parent = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) {
    throw std::runtime_error("--exit-with-parent: the parent is already gone");
  }
}

store::EventSinkConfig sink_config(const Config& c, const std::shared_ptr<http::Logger>& logger) {
  store::EventSinkConfig sink;
  sink.brokers = c.brokers;
  sink.client_id = "product-service";
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
  if (c.exit_with_parent) exit_with_parent();
  auto logger = std::make_shared<http::Logger>(options.log_level);
  std::filesystem::create_directories(c.data_dir);
  const auto path = std::filesystem::path(c.data_dir) / (c.table + ".db");
  lock_data_file(path);
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
  auto started = store::Relay::start(path, sink_config(c, logger));
  if (!started) throw std::runtime_error("outbox relay: " + started.error().message);
  relay = std::move(*started);
  auto metrics = std::make_shared<http::MetricsRegistry>();
  add_relay_metrics(*metrics, *relay);
  product::ProductHandlers handlers(products, logger);
  http::Router router;
  handlers.add_routes(router);
  http::Server server(options, std::move(router), metrics, logger);
  server.set_ready(true);  // the database is open and migrated
  // Tests read the bound port from this line when started with --port 0.
  std::printf("listening on port %u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  logger->info("product-service listening",
               {{"port", server.port()}, {"db", path.string()}, {"brokers", relay->bootstraps()}});
  server.run();
  relay->stop();
  logger->info("product-service stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "product-service: the product catalogue of platform 2 (/api/v1/products CRUD, stock "
      "reservation, recommendations; events on topic product-events).\n"
      "Exit codes: 0 ok (also after a graceful SIGTERM), 1 failure, 2 bad usage.",
      "product-service"};
  http::ServerOptions options;
  options.port = 8081;
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
    std::fprintf(stderr, "product-service: %s\n", e.what());
    return 1;
  }
}
