// service_main.h: the start-up every service shares.
#include "ksim/services/app/service_main.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <exception>
#include <stdexcept>

namespace ksim::services::app {
namespace {

bool valid_table(const std::string& t) {
  if (t.empty() || t.size() > 64) return false;
  for (const char c : t) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace

void add_data_options(CLI::App& app, DataOptions& options) {
  app.add_option("--data-dir", options.data_dir, "Folder of the SQLite file (created if missing)")
      ->envname("DATA_DIR")
      ->capture_default_str();
  app.add_option("--table", options.table,
                 "Table name (stands in for the DynamoDB table): the SQLite file is "
                 "<data-dir>/<table>.db")
      ->envname("DYNAMODB_TABLE")
      ->capture_default_str()
      ->check([](const std::string& t) {
        return valid_table(t) ? std::string() : "must be 1-64 of A-Z a-z 0-9 . _ -";
      });
}

void add_kafka_option(CLI::App& app, std::string& brokers) {
  app.add_option("--kafka-brokers", brokers,
                 "Kafka bootstrap servers for the events; empty = an embedded mock cluster")
      ->envname("KAFKA_BOOTSTRAP_SERVERS");
}

void add_exit_with_parent_option(CLI::App& app, bool& enabled, const std::string& why) {
  app.add_flag("--exit-with-parent", enabled,
               "Drain and exit (as on SIGTERM) when the parent process dies: " + why);
}

std::filesystem::path open_data_file(const DataOptions& options) {
  std::filesystem::create_directories(options.data_dir);
  const auto path = std::filesystem::path(options.data_dir) / (options.table + ".db");
  const std::string lock = path.string() + ".lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    throw std::runtime_error(lock + ": another process uses this data file");
  }
  // The descriptor stays open (and locked) until the process exits.
  return path;
}

void exit_with_parent() {
  // Checked against the parent seen before, in case it died before the call.
  const pid_t parent = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) {
    throw std::runtime_error("--exit-with-parent: the parent process has already exited");
  }
}

store::EventSinkConfig sink_config(std::string brokers, std::string client_id,
                                   std::shared_ptr<http::Logger> logger) {
  store::EventSinkConfig sink;
  sink.brokers = std::move(brokers);
  sink.client_id = std::move(client_id);
  sink.log = [logger = std::move(logger)](int level, std::string_view facility,
                                          std::string_view message) {
    // syslog levels: 0-3 errors, 4 warnings, the rest debug.
    const auto lvl = level <= 3 ? http::LogLevel::kError
                                : (level == 4 ? http::LogLevel::kWarn : http::LogLevel::kDebug);
    logger->log(lvl, "kafka", {{"facility", facility}, {"message", message}});
  };
  return sink;
}

void add_relay_metrics(http::MetricsRegistry& metrics, store::Relay& relay) {
  metrics.callback("outbox_backlog", "Outbox events not yet confirmed delivered.",
                   http::MetricType::kGauge, [&relay] {
                     const auto n = relay.backlog();
                     return n ? static_cast<double>(*n) : std::nan("");
                   });
  metrics.callback("outbox_published_total", "Outbox events delivered to Kafka by this process.",
                   http::MetricType::kCounter,
                   [&relay] { return static_cast<double>(relay.published_total()); });
  metrics.callback("outbox_relay_errors_total", "Errors recorded by the outbox relay.",
                   http::MetricType::kCounter,
                   [&relay] { return static_cast<double>(relay.errors_total()); });
}

void announce_port(unsigned port) {
  std::printf("listening on port %u\n", port);
  std::fflush(stdout);
}

int run_main(CLI::App& app, int argc, char** argv, const std::function<int()>& serve) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  try {
    return serve();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", app.get_name().c_str(), e.what());
    return 1;
  }
}

}  // namespace ksim::services::app
