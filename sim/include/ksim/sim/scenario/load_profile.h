// The load of a scenario: open-loop arrivals in phases (the rate does not
// depend on how fast the platform answers), a route mix and a target.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "ksim/sim/kernel/time.h"

namespace ksim::scenario {

/// Spacing of arrivals at a given rate.
enum class Arrivals {
  kPoisson,        // exponential gaps (independent users); the default
  kDeterministic,  // equal gaps of 1/rate
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
  Duration at{};
};
/// `rps`, except `peak` during [at, at + width).
struct Spike {
  double rps = 0;
  double peak = 0;
  Duration at{};
  Duration width{};
};
/// mean + amplitude x sin(2 pi (t + shift) / period); amplitude <= mean.
struct Sine {
  double mean = 0;
  double amplitude = 0;
  Duration period{};
  Duration shift{};
};
/// A day: `min` at peak_at + 12 h, `max` at `peak_at` (time of day), a
/// raised cosine in between (period 24 h); the phase starts at time of day
/// `start`.
struct Diurnal {
  double min = 0;
  double max = 0;
  Duration peak_at{};
  Duration start{};
};
/// A recorded load played back `speed` times faster: either arrival
/// timestamps (seconds from the start) or per-second rates (one value per
/// second of the recording).
struct Replay {
  enum class Format { kTimestamps, kRates };
  Format format = Format::kRates;
  std::filesystem::path csv;  // resolved against the scenario's folder
  double speed = 1.0;
  std::vector<Duration> timestamps;  // kTimestamps: offsets already divided by speed
  std::vector<double> rates;         // kRates: per recorded second, not yet scaled by speed
};

using PhaseShape = std::variant<ConstantRate, Ramp, Step, Spike, Sine, Diurnal, Replay>;

/// A requested path with its share of the traffic.
struct RouteWeight {
  std::string method = "GET";
  std::string path;
  double weight = 1.0;
  /// The request body and its content type (default application/json with
  /// a body), sent by ksim-load against real servers; the simulator does not
  /// model request bodies.
  std::string body;
  std::string content_type;
  friend bool operator==(const RouteWeight&, const RouteWeight&) = default;
};

struct LoadPhase {
  PhaseShape shape;
  Duration duration{};  // replay: the recording's length / speed unless given
  Arrivals arrivals = Arrivals::kPoisson;
  std::vector<RouteWeight> routes;  // overrides Load::routes when not empty
  int line = 0;

  /// Requests per second at `offset` into the phase (0 outside [0, duration)).
  /// A timestamp replay has no rate: its arrivals are given.
  [[nodiscard]] double rate_at(Duration offset) const;
};

/// Where the generated requests enter the platform.
struct LoadTarget {
  enum class Kind { kIngress, kService };
  Kind kind = Kind::kIngress;
  std::string namespace_;  // "" = any
  std::string name;        // Ingress or Service; "" = the manifests' only Ingress
  std::string host;        // Host header (ingress rules with a host); "" = none
};

struct Load {
  LoadTarget target;
  std::vector<RouteWeight> routes;  // the mix; at least one
  std::vector<LoadPhase> phases;    // played one after the other

  /// Sum of the phase durations.
  [[nodiscard]] Duration total() const;
};

}  // namespace ksim::scenario
