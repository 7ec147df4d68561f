// The calibration specs of platform 1's services parse, and each covers every
// route scenarios/api-backend.yaml lists for that service and every route of
// the profile committed for it (scenarios/profiles/), so the profile was
// made from this spec and plugs into the scenario.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <set>
#include <string>

#include "ksim/calibrate/spec.h"

namespace ksim::services {
namespace {

std::set<std::string> scenario_routes(const std::string& deployment) {
  const YAML::Node scenario =
      YAML::LoadFile(std::string(KSIM_SOURCE_DIR) + "/scenarios/api-backend.yaml");
  std::set<std::string> out;
  for (const auto& service : scenario["services"]) {
    if (service["deployment"].as<std::string>() != deployment) continue;
    for (const auto& route : service["routes"]) {
      if (!route["method"]) continue;  // GET by default; every listed one names it
      out.insert(route["method"].as<std::string>() + " " + route["path"].as<std::string>());
    }
  }
  return out;
}

std::set<std::string> profile_routes(const std::string& service) {
  const YAML::Node profile =
      YAML::LoadFile(std::string(KSIM_SOURCE_DIR) + "/scenarios/profiles/" + service + ".yaml");
  std::set<std::string> out;
  for (const auto& route : profile["routes"]) {
    out.insert(route["method"].as<std::string>() + " " + route["path"].as<std::string>());
  }
  return out;
}

void expect_covers(const std::string& service) {
  const auto spec = calibrate::read_spec(std::string(KSIM_SOURCE_DIR) + "/services/" + service +
                                         "/calibrate.yaml");
  ASSERT_TRUE(spec) << spec.error().front();
  EXPECT_EQ(spec->service, service);
  std::set<std::string> measured;
  for (const auto& r : spec->routes) measured.insert(r.method + " " + r.pattern);
  auto wanted = scenario_routes(service);
  const auto profiled = profile_routes(service);
  ASSERT_FALSE(profiled.empty());
  wanted.insert(profiled.begin(), profiled.end());
  for (const auto& route : wanted) EXPECT_TRUE(measured.contains(route)) << route;
}

TEST(CalibrateSpecTest, BackendServiceCoversTheScenarioRoutes) { expect_covers("backend-service"); }
TEST(CalibrateSpecTest, ApiServiceCoversTheScenarioRoutes) { expect_covers("api-service"); }

}  // namespace
}  // namespace ksim::services
