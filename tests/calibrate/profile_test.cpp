// calibrate/profile: the profile written, then read back by the scenario
// reader as a service's `profile` (the route's cpu and responseBytes).
#include "ksim/calibrate/profile.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "ksim/sim/scenario/scenario.h"

namespace ksim::calibrate {
namespace {

namespace fs = std::filesystem;

Profile sample_profile() {
  Profile p;
  p.service = "web";
  p.command = "web --port 1234";
  p.machine = "test machine";
  p.date = "2026-11-22T00:00:00Z";
  p.service_cpu = 0;
  p.idle_cpu_per_second = 0.001;
  p.peak_rss_bytes = 12 * 1024 * 1024;
  RouteProfile r;
  r.method = "GET";
  r.pattern = "/items/{id}";
  r.request = "GET /items/i-1";
  RateSample s;
  s.rate = 100;
  s.seconds = 10;
  s.completed = 1000;
  s.cpu_seconds = 0.2134 + 0.01;
  s.service_mean_ms = 1.0;
  s.service_sd_ms = 0.25;
  s.response_bytes_mean = 311.6;
  r.samples = {s};
  r.fit = *fit_route(r.samples, p.idle_cpu_per_second);
  p.routes.push_back(r);
  RouteProfile h = r;
  h.pattern = "/health";
  h.samples[0].service_sd_ms = 0;  // no spread: a constant
  h.fit = *fit_route(h.samples, p.idle_cpu_per_second);
  p.routes.push_back(h);
  return p;
}

TEST(CalibrateProfile, ReadBackByTheScenarioReader) {
  const fs::path dir = fs::temp_directory_path() / ("ksim-profile-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "web.yaml";
  std::ofstream(file) << profile_yaml(sample_profile());
  const std::string scenario =
      "manifests: [manifests/]\n"
      "nodeGroups: [{name: g, instanceType: m5.large, count: 1}]\n"
      "services: [{deployment: web, profile: " +
      file.string() +
      "}]\n"
      "load:\n  routes: [{path: /}]\n"
      "  phases: [{shape: constant, rps: 1, duration: 1m}]\n";
  const auto s = scenario::parse_scenario(scenario, "x.yaml",
                                          fs::path(KSIM_SOURCE_DIR) / "tests/sim/scenario/data");
  fs::remove_all(dir);
  ASSERT_TRUE(s.has_value()) << s.error().front().to_string();
  const auto& routes = s->services.at(0).routes;
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].method, "GET");
  EXPECT_EQ(routes[0].path, "/items/{id}");
  // (0.2234 - 0.001 x 10) / 1000 s = 0.2134 ms, written as 213us (a
  // scenario's resolution); sd 0.25 of it, 53us.
  EXPECT_EQ(routes[0].cpu_ms.kind(), scenario::DistributionKind::kLogNormal);
  EXPECT_NEAR(routes[0].cpu_ms.mean(), 0.213, 1e-12);
  EXPECT_EQ(routes[0].response_bytes, scenario::Distribution::constant(312));
  EXPECT_EQ(routes[1].cpu_ms, scenario::Distribution::constant(0.213));
}

TEST(CalibrateProfile, CalibrationBlockSaysHowItWasMeasured) {
  const std::string y = profile_yaml(sample_profile());
  EXPECT_NE(y.find("machine: test machine"), std::string::npos) << y;
  EXPECT_NE(y.find("pinnedToCpu: 0"), std::string::npos);
  EXPECT_NE(y.find("peakRssMiB: 12.0"), std::string::npos);
  EXPECT_NE(y.find("{rps: 100, seconds: 10.00, requests: 1000, failed: 0, cpuSeconds: 0.2234, "
                   "cpuPerRequest: 213us"),
            std::string::npos)
      << y;
}

}  // namespace
}  // namespace ksim::calibrate
