// Test helper: run one internal reader over inline YAML and collect its
// located errors (file "x.yaml").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "readers.h"

namespace ksim::scenario::testing {

/// Calls `read(root)` with `yaml` as the document; returns the error texts.
template <class F>
std::vector<std::string> read_errors(std::string_view yaml, F read) {
  detail::ErrorSink sink("x.yaml");
  read(detail::Field(YAML::Load(std::string(yaml)), "", 1, &sink));
  std::vector<LoadError> out;
  sink.flush("", out);
  std::vector<std::string> texts;
  for (const LoadError& e : out) texts.push_back(e.to_string());
  return texts;
}

}  // namespace ksim::scenario::testing
