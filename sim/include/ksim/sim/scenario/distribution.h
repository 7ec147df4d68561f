// A random quantity of a scenario (a route's CPU cost, a DynamoDB latency, a
// response size, an image pull time): the parameters as written, validated
// by the kernel's distribution types (ksim/sim/kernel/random.h), which also
// draw the samples.
#pragma once

#include <expected>
#include <string>
#include <variant>

#include "ksim/sim/kernel/random.h"
#include "ksim/sim/kernel/time.h"

namespace ksim::scenario {

enum class DistributionKind { kConstant, kExponential, kLogNormal, kBoundedPareto, kUniform };

/// The parameters, in the unit of the field that holds the distribution
/// (milliseconds for times and CPU costs, bytes for sizes). Which ones are
/// read depends on `kind`:
///   kConstant      value
///   kExponential   mean
///   kLogNormal     mean, sd (of the log-normal itself, not of its logarithm)
///   kBoundedPareto alpha, min, max
///   kUniform       min, max
struct DistributionSpec {
  DistributionKind kind = DistributionKind::kConstant;
  double value = 0;
  double mean = 0;
  double sd = 0;
  double alpha = 0;
  double min = 0;
  double max = 0;
  friend bool operator==(const DistributionSpec&, const DistributionSpec&) = default;
};

class Distribution {
 public:
  /// The constant 0.
  Distribution() = default;
  /// Validates `spec` through the kernel's X::create (a constant must be
  /// finite and >= 0); the error is the kernel's sentence.
  static std::expected<Distribution, std::string> create(const DistributionSpec& spec);
  /// Precondition: finite and >= 0.
  static Distribution constant(double value);

  /// One draw, in the field's unit. Constants draw nothing from `rng`.
  double sample(Rng& rng) const;
  /// One draw of a distribution of milliseconds, rounded to the microsecond
  /// (negative draws, impossible for the kinds above, would clamp to 0).
  Duration sample_duration(Rng& rng) const;
  /// The analytic mean, in the field's unit.
  [[nodiscard]] double mean() const;
  [[nodiscard]] const DistributionSpec& spec() const { return spec_; }
  [[nodiscard]] DistributionKind kind() const { return spec_.kind; }

  friend bool operator==(const Distribution& a, const Distribution& b) {
    return a.spec_ == b.spec_;
  }

 private:
  using Sampler = std::variant<double, Exponential, LogNormal, BoundedPareto, Uniform>;
  DistributionSpec spec_;
  Sampler sampler_{0.0};
};

/// "constant", "exponential", "lognormal", "pareto", "uniform".
std::string_view to_string(DistributionKind kind);

}  // namespace ksim::scenario
