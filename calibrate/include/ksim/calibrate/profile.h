// The profile `ksim calibrate` writes: the scenario's `routes[]` form with the
// fitted CPU per route, and a `calibration` block saying how it was measured
// (scenarios/README.md, "Calibrated profiles").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ksim/calibrate/fit.h"

namespace ksim::calibrate {

struct RouteProfile {
  std::string method;
  std::string pattern;
  std::string request;  // "GET /api/v1/products/p-1" as driven
  std::vector<RateSample> samples;
  RouteFit fit;
};

struct Profile {
  std::string service;
  std::string command;   // as run, one line
  std::string machine;   // "Intel(R) Xeon(R) ... x 2, Linux 6.1"
  std::string date;      // UTC, ISO 8601
  int service_cpu = -1;  // the CPU it was pinned to, -1 = none
  double idle_cpu_per_second = 0;
  std::uint64_t peak_rss_bytes = 0;
  std::vector<RouteProfile> routes;
};

/// The profile as YAML: `service`, `calibration` (machine, date, method,
/// idle CPU, peak RSS, per route the rate steps measured) and `routes[]`
/// with `cpu: {dist: lognormal, mean, sd}` (constant when sd rounds to 0)
/// and `responseBytes`.
std::string profile_yaml(const Profile& p);

}  // namespace ksim::calibrate
