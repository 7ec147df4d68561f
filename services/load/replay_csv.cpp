// read_replay_csv (replay_csv.h): the rules of scenarios/README.md's replay.
#include "replay_csv.h"

#include <charconv>
#include <cmath>
#include <fstream>

namespace ksim::services::load::detail {
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
std::string add_value(Replay& r, double v) {
  if (v < 0) return "must not be negative, got " + std::to_string(v);
  if (r.format == Replay::Format::kRates) {
    r.rates.push_back(v);
    return "";
  }
  const double t = v / r.speed;
  if (!r.timestamps.empty() && t < r.timestamps.back()) return "timestamps must not decrease";
  r.timestamps.push_back(t);
  return "";
}

}  // namespace

void read_replay_csv(Replay& r, const Field& csv_field) {
  std::ifstream in(r.csv);
  if (!in) {
    csv_field.fail("cannot read " + r.csv);
    return;
  }
  std::string line;
  int number = 0;
  bool first = true;
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
    const std::string error =
        v ? add_value(r, *v) : "expected a number, got '" + std::string(s) + "'";
    if (!error.empty()) csv_field.fail_in(r.csv, number, error);
  }
  if (r.rates.empty() && r.timestamps.empty()) csv_field.fail("no values in " + r.csv);
  r.prefix.assign(1, 0.0);
  for (double rate : r.rates) r.prefix.push_back(r.prefix.back() + rate);
}

}  // namespace ksim::services::load::detail
