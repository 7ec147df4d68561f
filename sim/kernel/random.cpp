#include "ksim/sim/kernel/random.h"

#include <cmath>

#include "ksim/sim/kernel/check.h"

namespace ksim {
namespace {

// splitmix64's state increment (the golden ratio in 64 bits).
__extension__ using Uint128 = unsigned __int128;

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

std::uint64_t splitmix_next(std::uint64_t& state) {
  state += kGolden;
  return mix64(state);
}

std::string num(double v) {
  std::string s = std::to_string(v);
  return s;
}

template <class T>
std::expected<T, std::string> checked(std::string error, auto make) {
  if (!error.empty()) return std::unexpected(std::move(error));
  return make();
}

}  // namespace

std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t fnv1a64(std::string_view s) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

Rng::Rng(std::uint64_t seed) {
  std::uint64_t st = seed;
  for (auto& w : s_) w = splitmix_next(st);
}

Rng Rng::from_state(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2, std::uint64_t s3) {
  KSIM_CHECK((s0 | s1 | s2 | s3) != 0, "xoshiro256** state must not be all zero");
  Rng r;
  r.s_[0] = s0;
  r.s_[1] = s1;
  r.s_[2] = s2;
  r.s_[3] = s3;
  return r;
}

Rng Rng::for_stream(std::uint64_t run_seed, std::string_view name) {
  return Rng(mix64(run_seed ^ mix64(fnv1a64(name))));
}

std::uint64_t Rng::below_rest(std::uint64_t n, std::uint64_t low, std::uint64_t high) {
  KSIM_CHECK(n > 0, "Rng::below: n must be positive");
  const std::uint64_t threshold = (0 - n) % n;
  while (low < threshold) {
    const Uint128 m = static_cast<Uint128>(next()) * n;
    low = static_cast<std::uint64_t>(m);
    high = static_cast<std::uint64_t>(m >> 64);
  }
  return high;
}

// --- Uniform
std::expected<Uniform, std::string> Uniform::create(double lo, double hi) {
  std::string err;
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo <= hi)) {
    err = "uniform: need finite lo <= hi, got lo=" + num(lo) + " hi=" + num(hi);
  }
  return checked<Uniform>(err, [&] { return Uniform(lo, hi); });
}
Uniform::Uniform(double lo, double hi) : lo_(lo), hi_(hi) {
  KSIM_CHECK(std::isfinite(lo) && std::isfinite(hi) && lo <= hi, "Uniform: bad parameters");
}

// --- Exponential
std::expected<Exponential, std::string> Exponential::create(double mean) {
  std::string err;
  if (!std::isfinite(mean) || !(mean > 0)) err = "exponential: mean must be > 0, got " + num(mean);
  return checked<Exponential>(err, [&] { return Exponential(mean); });
}
Exponential::Exponential(double mean) : mean_(mean) {
  KSIM_CHECK(std::isfinite(mean) && mean > 0, "Exponential: mean must be > 0");
}
double Exponential::sample(Rng& rng) const { return mean_ * standard_exponential(rng); }

namespace detail {
namespace {
constexpr double kExpR = 7.69711747013104972;
constexpr double kExpV = 0.0039496598225815571993;
constexpr double kNormalR = 3.6541528853610088;
constexpr double kNormalV = 0.00492867323399;
}  // namespace

// Ziggurat tables for the standard exponential density f(x) = exp(-x), 256
// layers of equal area v with the base layer's right edge at r (Marsaglia and
// Tsang, "The Ziggurat Method for Generating Random Variables", 2000):
//   x[0] = v / f(r), x[1] = r, x[i+1] = f^-1(v / x[i] + f(x[i])), x[256] = 0,
//   y[i] = f(x[i]).
ZigguratTable make_exponential_ziggurat() {
  ZigguratTable z{};
  z.x[0] = kExpV / std::exp(-kExpR);
  z.x[1] = kExpR;
  for (int i = 1; i < 256; ++i) z.x[i + 1] = -std::log(kExpV / z.x[i] + std::exp(-z.x[i]));
  z.x[256] = 0;
  for (int i = 0; i < 257; ++i) z.y[i] = std::exp(-z.x[i]);
  return z;
}

// The same construction for the half-normal density f(x) = exp(-x^2 / 2)
// (the 256-layer constants of Marsaglia and Tsang's RNOR):
//   x[i+1] = sqrt(-2 ln(v / x[i] + f(x[i]))).
ZigguratTable make_normal_ziggurat() {
  ZigguratTable z{};
  z.x[0] = kNormalV / std::exp(-0.5 * kNormalR * kNormalR);
  z.x[1] = kNormalR;
  for (int i = 1; i < 256; ++i) {
    z.x[i + 1] = std::sqrt(-2.0 * std::log(kNormalV / z.x[i] + std::exp(-0.5 * z.x[i] * z.x[i])));
  }
  z.x[256] = 0;
  for (int i = 0; i < 257; ++i) z.y[i] = std::exp(-0.5 * z.x[i] * z.x[i]);
  return z;
}

double standard_exponential_rest(Rng& rng, std::uint64_t bits) {
  const ZigguratTable& z = exponential_ziggurat();
  double shift = 0;  // the tail beyond r is r + another standard exponential
  for (;;) {
    const auto i = static_cast<std::size_t>(bits & 0xFF);          // layer: bits 0-7
    const double u = static_cast<double>(bits >> 11) * 0x1.0p-53;  // bits 11-63
    const double x = u * z.x[i];
    if (x < z.x[i + 1]) return shift + x;  // inside the layer's core: ~98.9 % of draws
    if (i == 0) {
      shift += kExpR;  // memorylessness: the tail is r + Exp(1)
    } else if (z.y[i] + rng.uniform01() * (z.y[i + 1] - z.y[i]) < std::exp(-x)) {
      return shift + x;  // the wedge: accepted under the curve
    }
    bits = rng.next();
  }
}

double standard_normal_rest(Rng& rng, std::uint64_t bits) {
  const ZigguratTable& z = normal_ziggurat();
  for (;;) {
    const auto i = static_cast<std::size_t>(bits & 0xFF);          // layer: bits 0-7
    const double sign = (bits & 0x100) != 0 ? -1.0 : 1.0;          // bit 8
    const double u = static_cast<double>(bits >> 11) * 0x1.0p-53;  // bits 11-63
    const double x = u * z.x[i];
    if (x < z.x[i + 1]) return sign * x;  // inside the layer's core: ~98.8 % of draws
    if (i == 0) {
      // The tail beyond r (Marsaglia 1964): r + a with a = -ln(U1) / r,
      // accepted when -2 ln(U2) > a^2.
      double a = 0, b = 0;
      do {
        a = -std::log1p(-rng.uniform01()) / kNormalR;
        b = -std::log1p(-rng.uniform01());
      } while (b + b < a * a);
      return sign * (kNormalR + a);
    }
    // The wedge: accept under the curve.
    if (z.y[i] + rng.uniform01() * (z.y[i + 1] - z.y[i]) < std::exp(-0.5 * x * x)) {
      return sign * x;
    }
    bits = rng.next();
  }
}

}  // namespace detail

// --- Normal
std::expected<Normal, std::string> Normal::create(double mean, double stddev) {
  std::string err;
  if (!std::isfinite(mean) || !std::isfinite(stddev) || !(stddev >= 0)) {
    err = "normal: need finite mean and stddev >= 0, got mean=" + num(mean) +
          " stddev=" + num(stddev);
  }
  return checked<Normal>(err, [&] { return Normal(mean, stddev); });
}
Normal::Normal(double mean, double stddev) : mean_(mean), stddev_(stddev) {
  KSIM_CHECK(std::isfinite(mean) && std::isfinite(stddev) && stddev >= 0, "Normal: bad parameters");
}
double Normal::sample(Rng& rng) const {
  // Ziggurat (standard_normal): no logarithm outside the rare tail, unlike
  // the polar method, which needs one per pair.
  return mean_ + stddev_ * standard_normal(rng);
}

// --- LogNormal
std::expected<LogNormal, std::string> LogNormal::create(double mu, double sigma) {
  std::string err;
  if (!std::isfinite(mu) || !std::isfinite(sigma) || !(sigma >= 0)) {
    err = "lognormal: need finite mu and sigma >= 0, got mu=" + num(mu) + " sigma=" + num(sigma);
  }
  return checked<LogNormal>(err, [&] { return LogNormal(mu, sigma); });
}
std::expected<LogNormal, std::string> LogNormal::from_mean_stddev(double mean, double stddev) {
  if (!std::isfinite(mean) || !(mean > 0) || !std::isfinite(stddev) || !(stddev >= 0)) {
    return std::unexpected("lognormal: need mean > 0 and stddev >= 0, got mean=" + num(mean) +
                           " stddev=" + num(stddev));
  }
  const double cv = stddev / mean;
  const double sigma2 = std::log1p(cv * cv);
  return LogNormal(std::log(mean) - sigma2 / 2, std::sqrt(sigma2));
}
LogNormal::LogNormal(double mu, double sigma) : normal_(mu, sigma) {}
double LogNormal::sample(Rng& rng) const { return std::exp(normal_.sample(rng)); }

// --- BoundedPareto
std::expected<BoundedPareto, std::string> BoundedPareto::create(double alpha, double lo,
                                                                double hi) {
  std::string err;
  if (!std::isfinite(alpha) || !(alpha > 0) || !std::isfinite(lo) || !std::isfinite(hi) ||
      !(lo > 0) || !(lo < hi)) {
    err = "bounded pareto: need alpha > 0 and 0 < lo < hi, got alpha=" + num(alpha) +
          " lo=" + num(lo) + " hi=" + num(hi);
  }
  return checked<BoundedPareto>(err, [&] { return BoundedPareto(alpha, lo, hi); });
}
BoundedPareto::BoundedPareto(double alpha, double lo, double hi)
    : alpha_(alpha), lo_(lo), tail_(-std::expm1(alpha * std::log(lo / hi))) {
  KSIM_CHECK(alpha > 0 && lo > 0 && lo < hi, "BoundedPareto: bad parameters");
}
double BoundedPareto::sample(Rng& rng) const {
  return lo_ * std::pow(1.0 - rng.uniform01() * tail_, -1.0 / alpha_);
}

// --- WeightedDiscrete
std::expected<WeightedDiscrete, std::string> WeightedDiscrete::create(
    std::span<const double> weights) {
  if (weights.empty()) return std::unexpected("weighted choice: no weights given");
  if (weights.size() >= UINT32_MAX) return std::unexpected("weighted choice: too many weights");
  double sum = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!std::isfinite(weights[i]) || weights[i] < 0) {
      return std::unexpected("weighted choice: weight[" + std::to_string(i) +
                             "] must be finite and >= 0, got " + num(weights[i]));
    }
    sum += weights[i];
  }
  if (!(sum > 0) || !std::isfinite(sum)) {
    return std::unexpected("weighted choice: weights must have a positive finite sum");
  }
  return WeightedDiscrete(weights);
}

WeightedDiscrete::WeightedDiscrete(std::span<const double> weights)
    : prob_(weights.size()), alias_(weights.size()) {
  const std::size_t n = weights.size();
  KSIM_CHECK(n > 0 && n < UINT32_MAX, "WeightedDiscrete: bad size");
  double sum = 0;
  for (const double w : weights) {
    KSIM_CHECK(std::isfinite(w) && w >= 0, "WeightedDiscrete: bad weight");
    sum += w;
  }
  KSIM_CHECK(sum > 0, "WeightedDiscrete: weights sum to zero");
  // Vose (1991): scaled probabilities split into small (< 1) and large
  // (>= 1) work lists, processed in index order so the table is deterministic.
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small;
  std::vector<std::uint32_t> large;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / sum;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // What is left has probability 1 up to rounding.
  for (const std::uint32_t i : large) {
    prob_[i] = 1.0;
    alias_[i] = i;
  }
  for (const std::uint32_t i : small) {
    prob_[i] = 1.0;
    alias_[i] = i;
  }
}

}  // namespace ksim
