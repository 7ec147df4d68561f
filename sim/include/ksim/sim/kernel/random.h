// Deterministic randomness: one generator and the project's own
// distributions, so a (scenario, seed) gives the same draws on every
// standard library (std::*_distribution output is implementation-defined).
//
// Generator: xoshiro256** 1.0 (Blackman and Vigna, 2018), seeded through
// splitmix64. Streams: every entity (a pod, a load phase, a node) draws from
// its own generator derived from (run seed, stable entity name), so adding an
// entity never changes another entity's draws:
//
//   h  = FNV-1a 64 of the entity name's bytes
//   z  = mix64(run_seed ^ mix64(h))          (mix64: splitmix64's finalizer)
//   state[0..3] = the next four splitmix64 outputs starting from z
//
// Transcendental functions (log, exp) come from the C library; results are
// identical for the same binary and C library.
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ksim {

/// splitmix64's output function (a bijective 64-bit mixer).
std::uint64_t mix64(std::uint64_t x);

/// FNV-1a, 64-bit, over the bytes of `s`.
std::uint64_t fnv1a64(std::string_view s);

/// xoshiro256**: 2^256 - 1 period, 64-bit outputs.
class Rng {
 public:
  /// Seeds the state with four splitmix64 outputs starting from `seed`.
  explicit Rng(std::uint64_t seed);
  /// Uses `state` as is. Precondition: not all zero.
  static Rng from_state(std::uint64_t s0, std::uint64_t s1, std::uint64_t s2, std::uint64_t s3);
  /// The stream of entity `name` in run `run_seed` (see the file comment).
  static Rng for_stream(std::uint64_t run_seed, std::string_view name);

  /// Next 64 random bits.
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, 1), 53 random bits.
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject).
  /// Precondition: n > 0.
  std::uint64_t below(std::uint64_t n) {
    // Lemire, "Fast random integer generation in an interval" (2019): the
    // high word of next() x n, redrawn in the rare biased case (below_rest).
    __extension__ using U128 = unsigned __int128;
    const U128 m = static_cast<U128>(next()) * n;
    if (static_cast<std::uint64_t>(m) >= n && n != 0) return static_cast<std::uint64_t>(m >> 64);
    return below_rest(n, static_cast<std::uint64_t>(m), static_cast<std::uint64_t>(m >> 64));
  }

 private:
  Rng() = default;
  std::uint64_t below_rest(std::uint64_t n, std::uint64_t low, std::uint64_t high);
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4] = {};
};

/// Derives per-entity streams for one run.
class RandomStreams {
 public:
  explicit RandomStreams(std::uint64_t run_seed) : seed_(run_seed) {}
  [[nodiscard]] std::uint64_t seed() const { return seed_; }
  [[nodiscard]] Rng stream(std::string_view entity) const { return Rng::for_stream(seed_, entity); }

 private:
  std::uint64_t seed_;
};

// Distributions. Each is a small value type: `create` validates parameters
// from user input and returns an error sentence; the constructor asserts
// them. sample() draws from the generator given.

/// Uniform real in [lo, hi).
class Uniform {
 public:
  static std::expected<Uniform, std::string> create(double lo, double hi);
  Uniform(double lo, double hi);
  double sample(Rng& rng) const { return lo_ + (hi_ - lo_) * rng.uniform01(); }

 private:
  double lo_, hi_;
};

namespace detail {
/// Ziggurat tables (random.cpp documents their construction): 256 layers of
/// equal area; layer i spans [0, x[i]) horizontally, [y[i], y[i+1]) vertically.
struct ZigguratTable {
  double x[257];
  double y[257];
};
ZigguratTable make_exponential_ziggurat();
ZigguratTable make_normal_ziggurat();
inline const ZigguratTable& exponential_ziggurat() {
  static const ZigguratTable t = make_exponential_ziggurat();
  return t;
}
inline const ZigguratTable& normal_ziggurat() {
  static const ZigguratTable t = make_normal_ziggurat();
  return t;
}
/// The draws that miss the layers' cores, starting from the 64 bits `bits`
/// already drawn (the same sequence of draws as one loop would make).
double standard_exponential_rest(Rng& rng, std::uint64_t bits);
double standard_normal_rest(Rng& rng, std::uint64_t bits);
}  // namespace detail

/// A standard exponential (mean 1) by the ziggurat method: one 64-bit draw and
/// a table look-up for ~98.9 % of samples; exact density (no approximation).
/// The common path is inline (this is drawn for every Poisson arrival).
inline double standard_exponential(Rng& rng) {
  const detail::ZigguratTable& z = detail::exponential_ziggurat();
  const std::uint64_t bits = rng.next();
  const auto i = static_cast<std::size_t>(bits & 0xFF);  // layer: bits 0-7
  const double x = static_cast<double>(bits >> 11) * 0x1.0p-53 * z.x[i];
  if (x < z.x[i + 1]) return x;
  return detail::standard_exponential_rest(rng, bits);
}

/// Exponential with the given mean (> 0): mean * standard_exponential().
class Exponential {
 public:
  static std::expected<Exponential, std::string> create(double mean);
  explicit Exponential(double mean);
  double sample(Rng& rng) const;
  [[nodiscard]] double mean() const { return mean_; }

 private:
  double mean_;
};

/// Normal(mean, stddev >= 0), Marsaglia's polar method (one value per call;
/// the pair's second value is discarded so that sample() has no hidden state).
/// A standard normal draw (mean 0, sd 1) by the ziggurat method of Marsaglia
/// and Tsang (2000), 256 layers; its tail beyond 3.654 by Marsaglia's 1964
/// method, so the law is exact. The common path is inline.
inline double standard_normal(Rng& rng) {
  const detail::ZigguratTable& z = detail::normal_ziggurat();
  const std::uint64_t bits = rng.next();
  const auto i = static_cast<std::size_t>(bits & 0xFF);  // layer: bits 0-7
  const double x = static_cast<double>(bits >> 11) * 0x1.0p-53 * z.x[i];
  if (x < z.x[i + 1]) return (bits & 0x100) != 0 ? -x : x;  // sign: bit 8
  return detail::standard_normal_rest(rng, bits);
}

class Normal {
 public:
  static std::expected<Normal, std::string> create(double mean, double stddev);
  Normal(double mean, double stddev);
  double sample(Rng& rng) const;

 private:
  double mean_, stddev_;
};

/// exp(Normal(mu, sigma)).
class LogNormal {
 public:
  static std::expected<LogNormal, std::string> create(double mu, double sigma);
  /// The log-normal whose own mean and standard deviation are given (> 0, >= 0):
  /// sigma^2 = ln(1 + (sd/mean)^2), mu = ln(mean) - sigma^2 / 2.
  static std::expected<LogNormal, std::string> from_mean_stddev(double mean, double stddev);
  LogNormal(double mu, double sigma);
  double sample(Rng& rng) const;

 private:
  Normal normal_;
};

/// Pareto with shape alpha > 0 truncated to [lo, hi], 0 < lo < hi, by
/// inversion: x = lo * (1 - U * (1 - (lo/hi)^alpha))^(-1/alpha).
class BoundedPareto {
 public:
  static std::expected<BoundedPareto, std::string> create(double alpha, double lo, double hi);
  BoundedPareto(double alpha, double lo, double hi);
  double sample(Rng& rng) const;

 private:
  double alpha_, lo_, tail_;  // tail_ = 1 - (lo/hi)^alpha
};

/// Index i in [0, n) with probability weight[i] / sum, in O(1) per draw by
/// Vose's alias method. Weights must be finite, >= 0, with a positive sum.
class WeightedDiscrete {
 public:
  static std::expected<WeightedDiscrete, std::string> create(std::span<const double> weights);
  explicit WeightedDiscrete(std::span<const double> weights);
  std::size_t sample(Rng& rng) const {
    const auto i = static_cast<std::size_t>(rng.below(prob_.size()));
    return rng.uniform01() < prob_[i] ? i : alias_[i];
  }
  [[nodiscard]] std::size_t size() const { return prob_.size(); }

 private:
  std::vector<double> prob_;
  std::vector<std::uint32_t> alias_;
};

}  // namespace ksim
