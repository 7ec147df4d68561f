// LoadPhase::rate_at and Load::total: the rate curves of load_profile.h.
#include "ksim/sim/scenario/load_profile.h"

#include <chrono>
#include <cmath>
#include <numbers>

namespace ksim::scenario {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // clang 16 lacks aggregate CTAD

double seconds(Duration d) { return static_cast<double>(d.count()) / 1e6; }

}  // namespace

double LoadPhase::rate_at(Duration offset) const {
  if (offset < Duration{0} || offset >= duration) return 0;
  const double t = seconds(offset);
  return std::visit(
      Overloaded{
          [](const ConstantRate& c) { return c.rps; },
          [&](const Ramp& r) { return r.from + (r.to - r.from) * t / seconds(duration); },
          [&](const Step& s) { return offset < s.at ? s.from : s.to; },
          [&](const Spike& s) {
            return offset >= s.at && offset < s.at + s.width ? s.peak : s.rps;
          },
          [&](const Sine& s) {
            const double x = (t + seconds(s.shift)) / seconds(s.period);
            return s.mean + s.amplitude * std::sin(2 * std::numbers::pi * x);
          },
          [&](const Diurnal& d) {
            const Duration day = std::chrono::hours{24};
            const Duration tod = (d.start + offset) % day;
            const double x = seconds(tod - d.peak_at) / seconds(day);
            return d.min + (d.max - d.min) * (1 + std::cos(2 * std::numbers::pi * x)) / 2;
          },
          [&](const Replay& r) {
            if (r.format == Replay::Format::kTimestamps) return 0.0;
            // Recorded second i plays during [i, i+1) / speed at speed x its rate.
            const auto i = static_cast<std::size_t>(std::floor(t * r.speed));
            return i < r.rates.size() ? r.rates[i] * r.speed : 0.0;
          },
      },
      shape);
}

Duration Load::total() const {
  Duration sum{};
  for (const LoadPhase& p : phases) sum += p.duration;
  return sum;
}

}  // namespace ksim::scenario
