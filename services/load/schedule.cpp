// Schedule (schedule.h).
#include "ksim/services/load/schedule.h"

#include <algorithm>
#include <cmath>

namespace ksim::services::load {
namespace {

// SplitMix64: decorrelated seeds for the two streams from one user seed.
std::uint64_t split_mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

bool same_route(const Route& a, const Route& b) {
  return a.method == b.method && a.path == b.path && a.body == b.body &&
         a.content_type == b.content_type;
}

}  // namespace

double Rng::exponential() { return -std::log1p(-uniform()); }

Schedule::Schedule(const LoadSpec& spec, std::uint64_t seed, double time_scale, Micros cut)
    : phases_(spec.phases),
      gaps_(split_mix(seed)),
      picks_(split_mix(seed ^ 0x5DEECE66Dull)),
      scale_(time_scale > 0 ? time_scale : 1.0) {
  const auto index_of = [&](const Route& r) {
    auto it = std::find_if(routes_.begin(), routes_.end(),
                           [&](const Route& x) { return same_route(x, r); });
    if (it == routes_.end()) {
      routes_.push_back(r);
      return static_cast<std::uint32_t>(routes_.size() - 1);
    }
    return static_cast<std::uint32_t>(it - routes_.begin());
  };
  for (const Route& r : spec.routes) index_of(r);
  for (const Phase& p : phases_) {
    Mix mix;
    double sum = 0;
    for (const Route& r : p.routes.empty() ? spec.routes : p.routes) {
      sum += std::max(0.0, r.weight);
      mix.cumulative.push_back(sum);
      mix.route.push_back(index_of(r));
    }
    mixes_.push_back(std::move(mix));
  }
  const double total_s = static_cast<double>(spec.total().count()) / 1e6 * scale_;
  length_ns_ = std::llround(total_s * 1e9);
  if (cut > Micros{0}) length_ns_ = std::min(length_ns_, cut.count() * 1000);
  if (!phases_.empty()) enter_phase(0);
}

void Schedule::enter_phase(std::size_t i) {
  phase_ = i;
  if (i >= phases_.size()) return;
  const Phase& p = phases_[i];
  phase_total_ = p.cumulative(static_cast<double>(p.duration.count()) / 1e6);
  last_t_ = 0;
  replay_next_ = 0;
  replay_copies_ = 0;
  // Each wall arrival stands for 1/scale units of the profile's integral.
  target_ = (p.arrivals == Arrivals::kPoisson ? gaps_.exponential() : 0.5) / scale_;
}

std::uint32_t Schedule::pick_route() {
  const Mix& mix = mixes_[phase_];
  if (mix.route.size() == 1) return mix.route[0];
  const double u = picks_.uniform() * mix.cumulative.back();
  const auto it = std::upper_bound(mix.cumulative.begin(), mix.cumulative.end(), u);
  const auto k = std::min<std::size_t>(static_cast<std::size_t>(it - mix.cumulative.begin()),
                                       mix.route.size() - 1);
  return mix.route[k];
}

// The offset t in [last_t_, duration] where L(t) = target (L is
// non-decreasing): Newton steps on the rate, kept inside a shrinking
// bracket, bisection when a step leaves it (where the rate is 0 or jumps).
double Schedule::solve(double target) const {
  const Phase& p = phases_[phase_];
  double lo = last_t_;
  double hi = static_cast<double>(p.duration.count()) / 1e6;
  double x = lo;
  for (int i = 0; i < 200 && hi - lo > 1e-10; ++i) {
    const double f = p.cumulative(x) - target;
    if (std::abs(f) <= 1e-12 * std::max(1.0, target)) return x;
    (f < 0 ? lo : hi) = x;
    const double r = p.rate_at(Micros{std::llround(x * 1e6)});
    double next = r > 0 ? x - f / r : lo;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    x = next;
  }
  return hi;
}

std::optional<Arrival> Schedule::next_replayed(const Replay& r) {
  const double len = static_cast<double>(phases_[phase_].duration.count()) / 1e6;
  while (replay_copies_ == 0) {
    if (replay_next_ >= r.timestamps.size() || r.timestamps[replay_next_] >= len)
      return std::nullopt;
    const auto k = static_cast<double>(replay_next_);
    replay_copies_ =
        static_cast<std::uint64_t>(std::floor((k + 1) * scale_) - std::floor(k * scale_));
    replay_at_ = r.timestamps[replay_next_++];
  }
  --replay_copies_;
  const std::int64_t at = std::llround((phase_start_s_ + replay_at_) * scale_ * 1e9);
  if (at >= length_ns_) {
    phase_ = phases_.size();  // the run's length cuts the replay
    return std::nullopt;
  }
  return Arrival{at, pick_route(), static_cast<std::uint32_t>(phase_)};
}

std::optional<Arrival> Schedule::next() {
  while (phase_ < phases_.size()) {
    const Phase& p = phases_[phase_];
    const auto* replay = std::get_if<Replay>(&p.shape);
    if (replay != nullptr && replay->format == Replay::Format::kTimestamps) {
      if (auto a = next_replayed(*replay)) return a;
      if (phase_ >= phases_.size()) break;
    } else if (target_ <= phase_total_ && phase_total_ > 0) {
      const double t = solve(target_);
      last_t_ = t;
      target_ += (p.arrivals == Arrivals::kPoisson ? gaps_.exponential() : 1.0) / scale_;
      const std::int64_t at = std::llround((phase_start_s_ + t) * scale_ * 1e9);
      if (at >= length_ns_) {
        phase_ = phases_.size();
        return std::nullopt;
      }
      return Arrival{at, pick_route(), static_cast<std::uint32_t>(phase_)};
    }
    phase_start_s_ += static_cast<double>(p.duration.count()) / 1e6;
    enter_phase(phase_ + 1);
  }
  return std::nullopt;
}

}  // namespace ksim::services::load
