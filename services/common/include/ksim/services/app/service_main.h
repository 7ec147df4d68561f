// What every service's main() does the same way: the data and Kafka flags,
// the data file (its folder made, locked for this process), the outbox
// relay's configuration and metrics, the parent-death signal, the
// "listening on port N" line, and the exit codes (0 ok, also after a
// graceful SIGTERM drain; 1 a start-up failure; 2 bad usage).
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "ksim/services/http/log.h"
#include "ksim/services/http/metrics.h"
#include "ksim/services/store/relay.h"

namespace ksim::services::app {

/// Where the service keeps its SQLite file: <data_dir>/<table>.db.
struct DataOptions {
  std::string data_dir = "./data";
  std::string table;  // the service's default, the DynamoDB table it stands in for
};

/// --data-dir / DATA_DIR and --table / DYNAMODB_TABLE (1-64 of A-Z a-z 0-9
/// . _ -, so it is a plain file name).
void add_data_options(CLI::App& app, DataOptions& options);

/// --kafka-brokers / KAFKA_BOOTSTRAP_SERVERS ("" = the embedded mock cluster).
void add_kafka_option(CLI::App& app, std::string& brokers);

/// --exit-with-parent: for a companion service a wrapper starts (calibration).
void add_exit_with_parent_option(CLI::App& app, bool& enabled, const std::string& why);

/// The data file's path, its folder created, and an exclusive flock on
/// <file>.lock held for the process's life: the outbox relay (and any cache
/// of the file) must be the file's only writer, so a second process on the
/// same file fails here. Throws std::runtime_error naming the lock file.
std::filesystem::path open_data_file(const DataOptions& options);

/// Linux's parent-death signal: SIGTERM (and so a graceful drain) when the
/// parent exits. Throws when the parent is already gone.
void exit_with_parent();

/// The relay's configuration, librdkafka's log lines routed to `logger`.
store::EventSinkConfig sink_config(std::string brokers, std::string client_id,
                                   std::shared_ptr<http::Logger> logger);

/// outbox_backlog, outbox_published_total and outbox_relay_errors_total.
void add_relay_metrics(http::MetricsRegistry& metrics, store::Relay& relay);

/// Prints "listening on port N" and flushes: tests, scripts and `ksim
/// calibrate` wrappers read the bound port from it (--port 0).
void announce_port(unsigned port);

/// Parses the command line into `app`, then runs `serve`: exit 2 on bad
/// usage (CLI11's message), 1 when `serve` throws (printed as "NAME: what"),
/// else what `serve` returns.
int run_main(CLI::App& app, int argc, char** argv, const std::function<int()>& serve);

}  // namespace ksim::services::app
