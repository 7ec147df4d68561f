// Reading a LoadSpec: from a scenario file (its `load:` section and `seed`),
// from a file holding only a `load:` section (or the section's fields at the
// top), or from the quick flags (--rate --duration --path).
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

#include "ksim/services/load/spec.h"

namespace ksim::services::load {

/// Reads `file`. On error, every problem found, one a line, each as
/// "FILE:LINE: FIELD: message" (e.g. "x.yaml:14: load.phases[2].rps:
/// expected a number, got string 'fast'").
[[nodiscard]] std::expected<LoadSpec, std::string> read_spec_file(
    const std::filesystem::path& file);

/// The same from YAML text; `name` stands for the file in messages, and its
/// folder is where a replay's relative `csv` is looked for.
[[nodiscard]] std::expected<LoadSpec, std::string> read_spec_text(std::string_view yaml,
                                                                  std::string_view name);

/// The quick form: one route, one constant phase.
struct QuickLoad {
  double rate = 0;  // requests per second, > 0
  Micros duration{};
  std::string method = "GET";
  std::string path = "/";
  std::string body;
  Arrivals arrivals = Arrivals::kPoisson;
};

/// A one-phase spec from the quick flags; an error names the flag.
[[nodiscard]] std::expected<LoadSpec, std::string> quick_spec(const QuickLoad& q);

}  // namespace ksim::services::load
