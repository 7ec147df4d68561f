// What `ksim calibrate` makes of its measurements: the CPU cost per request of
// a route, fitted from a few rate steps, as a scenario distribution. Pure.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

namespace ksim::calibrate {

/// One rate step of one route, as measured.
struct RateSample {
  double rate = 0;              // offered, requests/s
  double seconds = 0;           // length of the measured window
  std::uint64_t completed = 0;  // answered with a 2xx
  std::uint64_t failed = 0;     // any other answer, a timeout or a connection error
  double cpu_seconds = 0;       // the service process's CPU (user + system) over the window
  /// Service time (request sent -> answer read), milliseconds.
  double service_mean_ms = 0;
  double service_sd_ms = 0;
  /// Latency from the intended send time (no coordinated omission), ms.
  double latency_p50_ms = 0;
  double latency_p99_ms = 0;
  double response_bytes_mean = 0;
};

/// A route's fitted cost.
struct RouteFit {
  /// CPU per request, ms of one core: the least-squares slope through the
  /// origin of the CPU above the idle baseline against the requests served,
  /// over every rate step (sum(x*y) / sum(x*x)).
  double cpu_mean_ms = 0;
  /// cpu_mean_ms times the coefficient of variation of the service times at
  /// the lowest rate (where queueing adds least): the spread of one
  /// request's work, which a CPU counter read per window cannot see.
  double cpu_sd_ms = 0;
  /// Per rate step: (CPU above idle) / requests, ms; how far apart these
  /// are says how linear the cost was.
  std::vector<double> cpu_per_request_ms;
  /// Largest relative deviation of cpu_per_request_ms from cpu_mean_ms.
  double spread = 0;
  double response_bytes = 0;  // mean over the steps, weighted by requests
};

/// Fits the samples of one route against the process's idle CPU rate
/// (CPU seconds per second with no load). An error when no step completed a
/// request or a step's failures exceed 1 % of its requests.
std::expected<RouteFit, std::string> fit_route(const std::vector<RateSample>& samples,
                                               double idle_cpu_per_second);

/// "213us" / "2.25ms": a duration the scenario reader takes, in whole
/// microseconds below 1 ms (a scenario's resolution), else 4 significant digits.
std::string format_ms(double ms);

}  // namespace ksim::calibrate
