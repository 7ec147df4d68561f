// The grid of a sweep: parameters given as `--set KEY=V1,V2,...`, and their
// cartesian product in a stable order (the first parameter varies slowest,
// the last fastest, as nested loops in the order the flags were given).
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ksim::sweep {

/// One swept parameter: its key ("hpa/api-service.target") and its values in
/// the order given (at least one, no duplicates).
struct Parameter {
  std::string key;
  std::vector<std::string> values;
  friend bool operator==(const Parameter&, const Parameter&) = default;
};

/// One point of the grid: (key, value) for every parameter, in parameter order.
using Point = std::vector<std::pair<std::string, std::string>>;

/// Parses "KEY=V1,V2,..." (spaces around values trimmed). Errors name the
/// text: no '=', an empty key or value, a duplicate value.
std::expected<Parameter, std::string> parse_set(std::string_view text);

class Grid {
 public:
  Grid() = default;
  /// Errors: a key given twice.
  static std::expected<Grid, std::string> create(std::vector<Parameter> parameters);

  [[nodiscard]] const std::vector<Parameter>& parameters() const { return parameters_; }
  /// The number of points: the product of the value counts (1 with no
  /// parameter: the scenario as it is).
  [[nodiscard]] std::size_t size() const;
  /// Point `index` (< size()): index = sum of value positions times the
  /// product of the later parameters' counts.
  [[nodiscard]] Point point(std::size_t index) const;

 private:
  std::vector<Parameter> parameters_;
};

}  // namespace ksim::sweep
