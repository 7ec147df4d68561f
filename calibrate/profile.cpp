// profile_yaml: a yaml-cpp Emitter over the Profile.
#include "ksim/calibrate/profile.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>

namespace ksim::calibrate {
namespace {

std::string fixed(double v, int decimals) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

void emit_samples(YAML::Emitter& e, const RouteProfile& r) {
  e << YAML::Key << "steps" << YAML::Value << YAML::BeginSeq;
  for (std::size_t i = 0; i < r.samples.size(); ++i) {
    const RateSample& s = r.samples[i];
    e << YAML::Flow << YAML::BeginMap;
    e << YAML::Key << "rps" << YAML::Value << s.rate;
    e << YAML::Key << "seconds" << YAML::Value << fixed(s.seconds, 2);
    e << YAML::Key << "requests" << YAML::Value << s.completed;
    e << YAML::Key << "failed" << YAML::Value << s.failed;
    e << YAML::Key << "cpuSeconds" << YAML::Value << fixed(s.cpu_seconds, 4);
    if (i < r.fit.cpu_per_request_ms.size()) {
      e << YAML::Key << "cpuPerRequest" << YAML::Value << format_ms(r.fit.cpu_per_request_ms[i]);
    }
    e << YAML::Key << "p50" << YAML::Value << format_ms(s.latency_p50_ms);
    e << YAML::Key << "p99" << YAML::Value << format_ms(s.latency_p99_ms);
    e << YAML::EndMap;
  }
  e << YAML::EndSeq;
}

void emit_calibration(YAML::Emitter& e, const Profile& p) {
  e << YAML::Key << "calibration" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "command" << YAML::Value << p.command;
  e << YAML::Key << "machine" << YAML::Value << p.machine;
  e << YAML::Key << "date" << YAML::Value << p.date;
  if (p.service_cpu >= 0) e << YAML::Key << "pinnedToCpu" << YAML::Value << p.service_cpu;
  e << YAML::Key << "method" << YAML::Value
    << "open-loop Poisson load per rate step (ksim-load); CPU of the service process from "
       "/proc; cpu mean = least-squares slope of CPU above idle against requests; sd = mean x "
       "the coefficient of variation of service times at the lowest rate";
  e << YAML::Key << "idleCpuPerSecond" << YAML::Value << fixed(p.idle_cpu_per_second, 6);
  e << YAML::Key << "peakRssMiB" << YAML::Value
    << fixed(static_cast<double>(p.peak_rss_bytes) / (1024.0 * 1024.0), 1);
  e << YAML::Key << "routes" << YAML::Value << YAML::BeginSeq;
  for (const RouteProfile& r : p.routes) {
    e << YAML::BeginMap;
    e << YAML::Key << "route" << YAML::Value << r.method + " " + r.pattern;
    e << YAML::Key << "request" << YAML::Value << r.request;
    e << YAML::Key << "spread" << YAML::Value << fixed(r.fit.spread, 3);
    emit_samples(e, r);
    e << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap;
}

}  // namespace

std::string profile_yaml(const Profile& p) {
  YAML::Emitter e;
  e << YAML::Comment("Written by ksim calibrate: the CPU each route of " + p.service +
                     " costs, measured on a real binary. Replace it by running the command "
                     "again on your machine.");
  e << YAML::BeginMap;
  e << YAML::Key << "service" << YAML::Value << p.service;
  emit_calibration(e, p);
  e << YAML::Key << "routes" << YAML::Value << YAML::BeginSeq;
  for (const RouteProfile& r : p.routes) {
    e << YAML::BeginMap;
    e << YAML::Key << "method" << YAML::Value << r.method;
    e << YAML::Key << "path" << YAML::Value << r.pattern;
    const std::string mean = format_ms(r.fit.cpu_mean_ms);
    const std::string sd = format_ms(r.fit.cpu_sd_ms);
    e << YAML::Key << "cpu" << YAML::Value;
    if (sd == "0us") {
      e << mean;
    } else {
      e << YAML::Flow << YAML::BeginMap << YAML::Key << "dist" << YAML::Value << "lognormal"
        << YAML::Key << "mean" << YAML::Value << mean << YAML::Key << "sd" << YAML::Value << sd
        << YAML::EndMap;
    }
    e << YAML::Key << "responseBytes" << YAML::Value
      << static_cast<std::int64_t>(std::llround(r.fit.response_bytes));
    e << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace ksim::calibrate
