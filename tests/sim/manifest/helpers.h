// Test helpers: parse inline YAML, get the set or the error texts.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "ksim/sim/manifest/load.h"

namespace ksim::manifest::testing {

/// Parses `yaml` as the file "test.yaml"; fails the test on errors.
inline ManifestSet parse_ok(std::string_view yaml) {
  LoadResult r = parse_manifests(yaml, "test.yaml");
  if (!r) {
    std::string all;
    for (const LoadError& e : r.error()) all += e.to_string() + "\n";
    ADD_FAILURE() << "unexpected errors:\n" << all;
    return {};
  }
  return std::move(*r);
}

/// The error texts of parsing `yaml` as "test.yaml" (empty when it loads).
inline std::vector<std::string> errors_of(std::string_view yaml) {
  std::vector<std::string> out;
  LoadResult r = parse_manifests(yaml, "test.yaml");
  if (r) return out;
  for (const LoadError& e : r.error()) out.push_back(e.to_string());
  return out;
}

}  // namespace ksim::manifest::testing
