// Test helpers: parse inline scenario YAML against tests/sim/scenario/data
// (its manifests/ folder holds Deployment shop/web, Service shop/web, Ingress
// shop/web and StatefulSet shop/kafka), get the scenario or the error texts.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "ksim/sim/scenario/scenario.h"

namespace ksim::scenario::testing {

inline std::filesystem::path data_dir() {
  return std::filesystem::path(KSIM_SOURCE_DIR) / "tests/sim/scenario/data";
}

/// `yaml` with the required sections it lacks appended after it (so that
/// the lines of `yaml` keep their numbers).
inline std::string complete(std::string_view yaml) {
  std::string text(yaml);
  auto has = [&text](std::string_view key) {
    return text.starts_with(key) || text.find("\n" + std::string(key)) != std::string::npos;
  };
  if (!text.empty() && !text.ends_with('\n')) text += '\n';
  if (!has("manifests:")) text += "manifests: [manifests/]\n";
  if (!has("nodeGroups:")) text += "nodeGroups: [{name: g, instanceType: m5.large, count: 1}]\n";
  if (!has("load:")) {
    text += "load:\n  routes: [{path: /}]\n  phases: [{shape: constant, rps: 1, duration: 1m}]\n";
  }
  return text;
}

/// Parses complete(yaml) as "x.yaml" in data_dir(); fails the test on errors.
inline Scenario parse_ok(std::string_view yaml) {
  ScenarioResult r = parse_scenario(complete(yaml), "x.yaml", data_dir());
  if (!r) {
    std::string all;
    for (const LoadError& e : r.error()) all += e.to_string() + "\n";
    ADD_FAILURE() << "unexpected errors:\n" << all;
    return {};
  }
  return std::move(*r);
}

/// The error texts of parsing complete(yaml) (empty when it loads).
inline std::vector<std::string> errors_of(std::string_view yaml) {
  std::vector<std::string> out;
  ScenarioResult r = parse_scenario(complete(yaml), "x.yaml", data_dir());
  if (r) return out;
  for (const LoadError& e : r.error()) out.push_back(e.to_string());
  return out;
}

}  // namespace ksim::scenario::testing
