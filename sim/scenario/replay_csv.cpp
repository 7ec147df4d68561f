// The CSV of a replay phase: one number per line (arrival timestamps in
// seconds from the start, or requests per second for consecutive seconds);
// blank lines and '#' comments skipped; a first line that is not a number is
// a header.
#include <charconv>
#include <cmath>
#include <fstream>

#include "readers.h"

namespace ksim::scenario::detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::optional<double> parse_number(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Stores one value; returns an error sentence or "".
std::string add_value(Replay& replay, double v, double& previous) {
  if (v < 0) return "must be greater than or equal to 0, got " + std::to_string(v);
  if (replay.format == Replay::Format::kRates) {
    replay.rates.push_back(v);
    return "";
  }
  if (v < previous) return "timestamps must not decrease";
  previous = v;
  const double us = std::round(v * 1e6 / replay.speed);
  if (us > 9.2e18) return "timestamp too large";
  replay.timestamps.emplace_back(static_cast<std::int64_t>(us));
  return "";
}

}  // namespace

void read_replay_csv(Replay& replay, const std::string& field, std::vector<LoadError>& errors) {
  const std::string file = replay.csv.string();
  std::ifstream in(replay.csv);
  if (!in) {
    errors.push_back({file, 0, "", field, "cannot read the file"});
    return;
  }
  std::string line;
  int number = 0;
  bool first = true;
  double previous = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string_view s = trim(line);
    if (s.empty() || s.front() == '#') continue;
    const std::optional<double> v = parse_number(s);
    if (!v && first) {  // a header
      first = false;
      continue;
    }
    first = false;
    std::string error =
        v ? add_value(replay, *v, previous) : "expected a number, got '" + std::string(s) + "'";
    if (!error.empty()) errors.push_back(LoadError{file, number, "", field, std::move(error)});
  }
  if (replay.rates.empty() && replay.timestamps.empty()) {
    errors.push_back({file, 0, "", field, "no values in the file"});
  }
}

}  // namespace ksim::scenario::detail
