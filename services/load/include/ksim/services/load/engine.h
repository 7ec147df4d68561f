// The open-loop engine: plays a Schedule against one HTTP/1.1 target on
// keep-alive connections (Boost.Asio + Beast), each request at its intended
// time whatever the earlier replies did.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <vector>

#include "ksim/services/load/recorder.h"
#include "ksim/services/load/spec.h"

namespace ksim::services::load {

/// "http://HOST[:PORT][/...]" -> host and port (80 by default); only http.
struct TargetUrl {
  std::string host;
  std::uint16_t port = 80;
};
[[nodiscard]] std::expected<TargetUrl, std::string> parse_target(std::string_view url);

struct RunOptions {
  TargetUrl target;
  std::string host_header;  // "" = the spec's host, else "HOST:PORT" of the target
  std::uint64_t seed = 1;
  double time_scale = 1.0;  // see Schedule
  Micros cut{};             // > 0: stop scheduling at this wall offset
  /// Open connections at most (over all threads); a request finding none
  /// free and none to open waits, and its wait counts in its latency.
  std::size_t max_connections = 1024;
  /// A request with no complete response this long after its intended
  /// send time is abandoned (its connection closed) and counted as kTimeout.
  std::chrono::nanoseconds timeout = std::chrono::seconds{30};
  unsigned threads = 1;  // io_context threads; arrival k goes to thread k mod threads
  std::chrono::nanoseconds window = std::chrono::seconds{10};
  bool keep_records = false;  // every request's times, for --csv
  /// Called about once a second from the calling thread while the run goes
  /// on, with the requests finished so far (for a progress line).
  std::function<void(std::uint64_t finished, std::chrono::nanoseconds elapsed)> progress;
  /// Polled about every 100 ms from the calling thread: once it returns
  /// true no more requests are sent, and the run ends when those in flight
  /// have finished or timed out (Ctrl-C keeps the results of a long run).
  std::function<bool()> stop_requested;
};

struct RunResult {
  std::vector<Route> routes;  // Schedule::routes()
  /// The run's time zero: request offsets (RequestRecord) count from it.
  std::chrono::steady_clock::time_point start;
  Recorder recorder;            // merged over the threads; records sorted
  std::uint64_t scheduled = 0;  // arrivals played
  std::int64_t length_ns = 0;   // the schedule's wall length
  std::int64_t elapsed_ns = 0;  // start to the last request finished
  std::uint64_t connections_opened = 0;
  /// Highest lateness of the generator: how long after its intended time an
  /// arrival was handed to the pool (the timer woke late or the thread was
  /// busy); large values mean ksim-load itself could not keep up.
  std::int64_t max_dispatch_lag_ns = 0;
  bool stopped_early = false;  // stop_requested cut the schedule
};

/// Plays `spec` against `options.target`. Errors only for what prevents a
/// run (the target's host does not resolve); failures of requests are
/// counted in the result.
[[nodiscard]] std::expected<RunResult, std::string> run_load(const LoadSpec& spec,
                                                             const RunOptions& options);

}  // namespace ksim::services::load
