// Grid (grid.h): `--set` parsing and the mixed-radix numbering of points.
#include "ksim/sweep/grid.h"

#include <algorithm>
#include <set>

#include "ksim/sim/kernel/check.h"

namespace ksim::sweep {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::expected<Parameter, std::string> parse_set(std::string_view text) {
  const std::string quoted = "--set '" + std::string(text) + "'";
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) {
    return std::unexpected(quoted + ": expected KEY=V1,V2,... (e.g. hpa/api.target=50,70)");
  }
  Parameter p;
  p.key = std::string(trim(text.substr(0, eq)));
  if (p.key.empty()) return std::unexpected(quoted + ": empty key before '='");
  std::string_view rest = text.substr(eq + 1);
  std::set<std::string, std::less<>> seen;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view value = trim(rest.substr(0, comma));
    if (value.empty()) return std::unexpected(quoted + ": empty value for " + p.key);
    if (!seen.insert(std::string(value)).second) {
      return std::unexpected(quoted + ": value '" + std::string(value) + "' given twice");
    }
    p.values.emplace_back(value);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return p;
}

std::expected<Grid, std::string> Grid::create(std::vector<Parameter> parameters) {
  std::set<std::string> keys;
  for (const Parameter& p : parameters) {
    KSIM_CHECK(!p.values.empty(), "a parameter has at least one value");
    if (!keys.insert(p.key).second) {
      return std::unexpected("--set " + p.key + " given twice: list all its values in one --set");
    }
  }
  Grid g;
  g.parameters_ = std::move(parameters);
  return g;
}

std::size_t Grid::size() const {
  std::size_t n = 1;
  for (const Parameter& p : parameters_) n *= p.values.size();
  return n;
}

Point Grid::point(std::size_t index) const {
  KSIM_CHECK(index < size(), "grid point index out of range");
  Point out(parameters_.size());
  // The last parameter is the lowest digit.
  for (std::size_t i = parameters_.size(); i-- > 0;) {
    const Parameter& p = parameters_[i];
    out[i] = {p.key, p.values[index % p.values.size()]};
    index /= p.values.size();
  }
  return out;
}

}  // namespace ksim::sweep
