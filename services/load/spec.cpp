// The rate curves of spec.h, their closed-form integrals, and durations.
#include "ksim/services/load/spec.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>

namespace ksim::services::load {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};

double seconds(Micros d) { return static_cast<double>(d.count()) / 1e6; }

constexpr double kDaySeconds = 86400.0;
constexpr double kTwoPi = 2 * std::numbers::pi;

struct Unit {
  std::string_view name;
  double ns;  // nanoseconds per unit
};
// Longest names first so that "ms" is not read as "m" followed by "s".
constexpr std::array<Unit, 6> kUnits = {
    {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}}};

}  // namespace

std::expected<Micros, std::string> parse_duration(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  if (text == "0") return Micros{0};
  if (text.empty()) return std::unexpected("invalid duration '': empty");
  if (text.front() == '-') return std::unexpected("must not be negative, got " + quoted);
  // Doubles hold every duration a load runs for (< 2^53 ns is 104 days)
  // exactly enough to round to the microsecond.
  double total_ns = 0;
  std::string_view s = text;
  while (!s.empty()) {
    std::size_t i = 0;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    const std::string number(s.substr(0, i));
    if (number.empty() || number == "." || std::count(number.begin(), number.end(), '.') > 1)
      return std::unexpected("invalid duration " + quoted + ": expected a number");
    s.remove_prefix(i);
    const auto unit = std::find_if(kUnits.begin(), kUnits.end(),
                                   [&](const Unit& u) { return s.starts_with(u.name); });
    if (unit == kUnits.end())
      return std::unexpected("invalid duration " + quoted +
                             ": missing or unknown unit (use h, m, s, ms, us or ns)");
    s.remove_prefix(unit->name.size());
    total_ns += std::stod(number) * unit->ns;
  }
  if (total_ns / 1e3 > static_cast<double>(std::numeric_limits<std::int64_t>::max() / 2))
    return std::unexpected("invalid duration " + quoted + ": overflow");
  return Micros{std::llround(total_ns / 1e3)};
}

double Phase::rate_at(Micros offset) const {
  if (offset < Micros{0} || offset >= duration) return 0;
  const double t = seconds(offset);
  return std::visit(
      Overloaded{
          [](const ConstantRate& c) { return c.rps; },
          [&](const Ramp& r) { return r.from + (r.to - r.from) * t / seconds(duration); },
          [&](const Step& st) { return offset < st.at ? st.from : st.to; },
          [&](const Spike& sp) {
            return offset >= sp.at && offset < sp.at + sp.width ? sp.peak : sp.rps;
          },
          [&](const Sine& si) {
            return si.mean +
                   si.amplitude * std::sin(kTwoPi * (t + seconds(si.shift)) / seconds(si.period));
          },
          [&](const Diurnal& d) {
            // cos is periodic over the day, so the time of day needs no modulo.
            const double x = (seconds(d.start) + t - seconds(d.peak_at)) / kDaySeconds;
            return d.min + (d.max - d.min) * (1 + std::cos(kTwoPi * x)) / 2;
          },
          [&](const Replay& r) {
            if (r.format == Replay::Format::kTimestamps) return 0.0;
            // Recorded second i plays during [i, i + 1) / speed, at speed x its rate.
            const auto i = static_cast<std::size_t>(std::floor(t * r.speed));
            return i < r.rates.size() ? r.rates[i] * r.speed : 0.0;
          },
      },
      shape);
}

double Phase::cumulative(double offset_s) const {
  const double len = seconds(duration);
  const double t = std::clamp(offset_s, 0.0, len);
  // The length of [a, b) that lies in [0, t].
  const auto overlap = [t](double a, double b) { return std::max(0.0, std::min(b, t) - a); };
  return std::visit(
      Overloaded{
          [&](const ConstantRate& c) { return c.rps * t; },
          [&](const Ramp& r) { return r.from * t + (r.to - r.from) * t * t / (2 * len); },
          [&](const Step& st) {
            const double at = seconds(st.at);
            return st.from * std::min(t, at) + st.to * std::max(0.0, t - at);
          },
          [&](const Spike& sp) {
            const double at = seconds(sp.at);
            return sp.rps * t + (sp.peak - sp.rps) * overlap(at, at + seconds(sp.width));
          },
          [&](const Sine& si) {
            const double p = seconds(si.period);
            const double sh = seconds(si.shift);
            return si.mean * t + si.amplitude * p / kTwoPi *
                                     (std::cos(kTwoPi * sh / p) - std::cos(kTwoPi * (t + sh) / p));
          },
          [&](const Diurnal& d) {
            const double x0 = (seconds(d.start) - seconds(d.peak_at)) / kDaySeconds;
            const double x1 = x0 + t / kDaySeconds;
            const double wave =
                t + kDaySeconds / kTwoPi * (std::sin(kTwoPi * x1) - std::sin(kTwoPi * x0));
            return d.min * t + (d.max - d.min) / 2 * wave;
          },
          [&](const Replay& r) {
            if (r.format == Replay::Format::kTimestamps) {
              const auto end = std::upper_bound(r.timestamps.begin(), r.timestamps.end(), t);
              return static_cast<double>(end - r.timestamps.begin());
            }
            // In recorded seconds the curve is piecewise constant: whole
            // seconds from the prefix sums, then the part of the current one.
            const double tau = t * r.speed;
            const auto i = static_cast<std::size_t>(std::floor(tau));
            if (i >= r.rates.size()) return r.prefix.empty() ? 0.0 : r.prefix.back();
            return r.prefix[i] + r.rates[i] * (tau - static_cast<double>(i));
          },
      },
      shape);
}

Micros LoadSpec::total() const {
  Micros sum{};
  for (const Phase& p : phases) sum += p.duration;
  return sum;
}

}  // namespace ksim::services::load
