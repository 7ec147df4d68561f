// The load a run plays: the same shape as a ksim scenario's `load:` section
// (scenarios/README.md, `load`), re-implemented here because services/ share
// no code with sim/. Open loop: the rate never depends on the replies.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ksim::services::load {

/// Offsets and lengths of the profile, in whole microseconds (the scenario's unit).
using Micros = std::chrono::microseconds;

/// A duration like "30s", "250ms", "1h30m", "1.5s" or "0" (units h, m, s,
/// ms, us, ns; rounded to the microsecond). Negative or malformed text is an
/// error whose message quotes the text.
[[nodiscard]] std::expected<Micros, std::string> parse_duration(std::string_view text);

/// Spacing of arrivals at a given rate.
enum class Arrivals {
  kPoisson,        // exponential gaps (independent users); the default
  kDeterministic,  // equal gaps of 1/rate ("uniform")
};

/// `rps` requests per second throughout.
struct ConstantRate {
  double rps = 0;
};
/// Linear from `from` to `to` over the phase.
struct Ramp {
  double from = 0;
  double to = 0;
};
/// `from` until `at` (offset in the phase), then `to`.
struct Step {
  double from = 0;
  double to = 0;
  Micros at{};
};
/// `rps`, except `peak` during [at, at + width).
struct Spike {
  double rps = 0;
  double peak = 0;
  Micros at{};
  Micros width{};
};
/// mean + amplitude sin(2 pi (t + shift) / period); amplitude <= mean.
struct Sine {
  double mean = 0;
  double amplitude = 0;
  Micros period{};
  Micros shift{};
};
/// A day: `max` at time of day `peak_at`, `min` 12 h later, a raised cosine
/// in between; the phase starts at time of day `start`.
struct Diurnal {
  double min = 0;
  double max = 0;
  Micros peak_at = std::chrono::hours{12};
  Micros start{};
};

/// A recorded load played `speed` times faster: requests per second for
/// consecutive recorded seconds, or arrival times (seconds from the start).
struct Replay {
  enum class Format { kRates, kTimestamps };
  Format format = Format::kRates;
  std::string csv;  // the file, resolved against the spec's folder
  double speed = 1.0;
  std::vector<double> rates;       // kRates: per recorded second, not scaled by speed
  std::vector<double> prefix;      // kRates: prefix[i] = rates[0] + ... + rates[i-1]
  std::vector<double> timestamps;  // kTimestamps: seconds into the phase, already / speed
};

using Shape = std::variant<ConstantRate, Ramp, Step, Spike, Sine, Diurnal, Replay>;

/// A request of the mix: its share of the traffic and, for POST/PUT, a body.
struct Route {
  std::string method = "GET";
  std::string path;
  double weight = 1.0;
  std::string body;          // sent as is; empty = no body
  std::string content_type;  // with a body; default application/json
};

struct Phase {
  Shape shape;
  Micros duration{};
  Arrivals arrivals = Arrivals::kPoisson;
  std::vector<Route> routes;  // the phase's own mix; empty = the spec's
  int line = 0;               // in the spec file; 0 = from flags

  /// Requests per second at `offset` into the phase (0 outside [0, duration)).
  /// A timestamp replay has no rate (0): its arrivals are given.
  [[nodiscard]] double rate_at(Micros offset) const;
  /// The expected number of arrivals in [0, offset] (the rate's integral,
  /// in closed form; a timestamp replay: the arrivals up to `offset`), with
  /// `offset` clamped to [0, duration].
  [[nodiscard]] double cumulative(double offset_s) const;
};

struct LoadSpec {
  std::string host;           // Host header (the scenario's target.host); "" = the URL's
  std::vector<Route> routes;  // the default mix (phases may override)
  std::vector<Phase> phases;  // played one after the other
  std::uint64_t seed = 1;     // the scenario's `seed`, when it has one
  Micros request_timeout{};   // the scenario's timings.requestTimeout; 0 = not given

  /// Sum of the phase durations.
  [[nodiscard]] Micros total() const;
};

}  // namespace ksim::services::load
