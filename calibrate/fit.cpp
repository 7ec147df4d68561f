// fit_route: least squares through the origin; see fit.h.
#include "ksim/calibrate/fit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ksim::calibrate {

std::expected<RouteFit, std::string> fit_route(const std::vector<RateSample>& samples,
                                               double idle_cpu_per_second) {
  if (samples.empty()) return std::unexpected("no rate step was measured");
  double sxy = 0;
  double sxx = 0;
  double bytes = 0;
  std::uint64_t served = 0;
  for (const RateSample& s : samples) {
    const std::uint64_t asked = s.completed + s.failed;
    if (asked > 0 && static_cast<double>(s.failed) > 0.01 * static_cast<double>(asked)) {
      char text[160];
      std::snprintf(text, sizeof text, "%llu of %llu requests failed at %g requests/s",
                    static_cast<unsigned long long>(s.failed),
                    static_cast<unsigned long long>(asked), s.rate);
      return std::unexpected(std::string(text));
    }
    const double x = static_cast<double>(s.completed);
    const double y = std::max(0.0, s.cpu_seconds - idle_cpu_per_second * s.seconds);
    sxy += x * y;
    sxx += x * x;
    bytes += s.response_bytes_mean * x;
    served += s.completed;
  }
  if (served == 0) return std::unexpected("no request completed");
  RouteFit fit;
  fit.cpu_mean_ms = 1000.0 * sxy / sxx;
  fit.response_bytes = bytes / static_cast<double>(served);
  for (const RateSample& s : samples) {
    if (s.completed == 0) continue;
    const double y = std::max(0.0, s.cpu_seconds - idle_cpu_per_second * s.seconds);
    const double per = 1000.0 * y / static_cast<double>(s.completed);
    fit.cpu_per_request_ms.push_back(per);
    if (fit.cpu_mean_ms > 0) {
      fit.spread = std::max(fit.spread, std::abs(per - fit.cpu_mean_ms) / fit.cpu_mean_ms);
    }
  }
  const auto lowest =
      std::min_element(samples.begin(), samples.end(),
                       [](const RateSample& a, const RateSample& b) { return a.rate < b.rate; });
  const double cv =
      lowest->service_mean_ms > 0 ? lowest->service_sd_ms / lowest->service_mean_ms : 0.0;
  fit.cpu_sd_ms = fit.cpu_mean_ms * cv;
  return fit;
}

std::string format_ms(double ms) {
  // Scenarios keep durations in whole microseconds, so finer digits would
  // only pretend; %.4g never falls into exponent form in [1, 1000).
  char text[40];
  const double us = ms * 1000.0;
  if (!(us >= 0.5)) {
    std::snprintf(text, sizeof text, "0us");
  } else if (us < 999.5) {
    std::snprintf(text, sizeof text, "%.0fus", us);
  } else if (ms < 999.95) {
    std::snprintf(text, sizeof text, "%.4gms", ms);
  } else {
    std::snprintf(text, sizeof text, "%.0fms", ms);
  }
  return text;
}

}  // namespace ksim::calibrate
