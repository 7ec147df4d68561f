// Distribution: the scenario's parameters over the kernel's samplers.
#include "ksim/sim/scenario/distribution.h"

#include <cmath>

#include "ksim/sim/kernel/check.h"

namespace ksim::scenario {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // clang 16 lacks aggregate CTAD

// The mean of Pareto(alpha) truncated to [lo, hi]: the integral of x f(x),
// with f(x) = alpha lo^alpha x^(-alpha-1) / (1 - (lo/hi)^alpha).
double bounded_pareto_mean(double alpha, double lo, double hi) {
  const double norm = 1.0 - std::pow(lo / hi, alpha);
  if (std::abs(alpha - 1.0) < 1e-12) return lo * std::log(hi / lo) / norm;
  return alpha * std::pow(lo, alpha) / (alpha - 1.0) *
         (std::pow(lo, 1.0 - alpha) - std::pow(hi, 1.0 - alpha)) / norm;
}

}  // namespace

std::expected<Distribution, std::string> Distribution::create(const DistributionSpec& spec) {
  Distribution d;
  d.spec_ = spec;
  // libstdc++ 12's std::expected has no and_then: unwrap by hand.
  auto keep = [&d](auto sampler) -> std::expected<Distribution, std::string> {
    if (!sampler) return std::unexpected(std::move(sampler.error()));
    d.sampler_ = std::move(*sampler);
    return d;
  };
  switch (spec.kind) {
    case DistributionKind::kConstant:
      if (!std::isfinite(spec.value) || spec.value < 0) {
        return std::unexpected("constant: need a finite value >= 0, got " +
                               std::to_string(spec.value));
      }
      d.sampler_ = spec.value;
      return d;
    case DistributionKind::kExponential:
      return keep(Exponential::create(spec.mean));
    case DistributionKind::kLogNormal:
      return keep(LogNormal::from_mean_stddev(spec.mean, spec.sd));
    case DistributionKind::kBoundedPareto:
      return keep(BoundedPareto::create(spec.alpha, spec.min, spec.max));
    case DistributionKind::kUniform:
      return keep(Uniform::create(spec.min, spec.max));
  }
  return std::unexpected("unknown distribution kind");
}

Distribution Distribution::constant(double value) {
  KSIM_CHECK(std::isfinite(value) && value >= 0, "constant distribution: bad value");
  Distribution d;
  d.spec_.value = value;
  d.sampler_ = value;
  return d;
}

double Distribution::sample(Rng& rng) const {
  return std::visit(
      Overloaded{[](double v) { return v; }, [&rng](const auto& dist) { return dist.sample(rng); }},
      sampler_);
}

Duration Distribution::sample_duration(Rng& rng) const {
  // Rounded to nearest by adding a half and truncating (the draws are never
  // negative; this avoids a libm call per draw on baseline x86-64).
  const double us = sample(rng) * 1000.0;
  return Duration{us > 0 ? static_cast<std::int64_t>(us + 0.5) : 0};
}

double Distribution::mean() const {
  switch (spec_.kind) {
    case DistributionKind::kConstant:
      return spec_.value;
    case DistributionKind::kExponential:
    case DistributionKind::kLogNormal:
      return spec_.mean;
    case DistributionKind::kBoundedPareto:
      return bounded_pareto_mean(spec_.alpha, spec_.min, spec_.max);
    case DistributionKind::kUniform:
      return (spec_.min + spec_.max) / 2;
  }
  return 0;
}

std::string_view to_string(DistributionKind kind) {
  switch (kind) {
    case DistributionKind::kConstant:
      return "constant";
    case DistributionKind::kExponential:
      return "exponential";
    case DistributionKind::kLogNormal:
      return "lognormal";
    case DistributionKind::kBoundedPareto:
      return "pareto";
    case DistributionKind::kUniform:
      return "uniform";
  }
  return "?";
}

}  // namespace ksim::scenario
