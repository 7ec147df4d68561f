// The HTTP/1.1 server: Beast sessions around a Router, with the built-in
// /health, /ready and /metrics endpoints and graceful shutdown.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "ksim/services/http/log.h"
#include "ksim/services/http/metrics.h"
#include "ksim/services/http/router.h"

namespace ksim::services::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;  // 0 picks an ephemeral port (see Server::port)
  // I/O threads, each running its own io_context; 0 = hardware_concurrency.
  // Handlers run on these threads, so a service whose handlers block (SQLite,
  // outbound HttpClient calls) needs as many threads as it wants such calls
  // in flight at once. The thread calling run() is an extra, mostly idle
  // control thread (accept, signals, shutdown).
  unsigned threads = 0;
  // Whole request (header + body), from its first byte; also the first
  // request of a new connection from accept, and each response write.
  std::chrono::milliseconds read_timeout{30'000};
  // Between requests on a kept-alive connection.
  std::chrono::milliseconds idle_timeout{60'000};
  // Drain time after SIGTERM/SIGINT or shutdown() before the server stops anyway.
  std::chrono::milliseconds grace_period{30'000};
  std::size_t body_limit = 1024 * 1024;  // bytes; larger -> 413
  std::size_t header_limit = 8 * 1024;   // bytes of the request line + headers; larger -> 431
  LogLevel log_level = LogLevel::kInfo;
  bool access_log = false;     // one JSON log line per request
  bool handle_signals = true;  // run() drains on SIGTERM/SIGINT
};

// Lifecycle: construct (binds and listens; throws std::system_error when it
// cannot: a start-up error), optionally set_ready(true), then run() blocks
// until a graceful shutdown completes. Readiness starts false ("starting").
//
// Shutdown (SIGTERM/SIGINT when handle_signals, or shutdown()): readiness goes
// false, the listening socket closes (new connections are refused), idle
// keep-alive connections close, each in-flight request completes and its
// response carries `Connection: close`; run() returns when no connection is
// left or grace_period has passed (then the remaining connections are
// dropped; a handler still running cannot be interrupted, so run() returns
// when it does).
class Server {
 public:
  // `router` gets the built-in routes GET /health, /ready and /metrics added
  // (so it must not have them). `metrics` may be shared with other parts
  // (e.g. the store's outbox_backlog callback); a fresh one when null.
  Server(ServerOptions options, Router router, std::shared_ptr<MetricsRegistry> metrics = nullptr,
         std::shared_ptr<Logger> logger = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (the ephemeral one when options.port was 0).
  std::uint16_t port() const;
  // Thread-safe. /ready answers 200 only while ready and not draining.
  void set_ready(bool ready);
  bool ready() const;
  MetricsRegistry& metrics();
  Logger& logger();

  // Runs the I/O threads (the calling thread is one of them) until stopped.
  // Call once.
  void run();
  // Thread-safe, idempotent: begins the graceful shutdown described above.
  void shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ksim::services::http
