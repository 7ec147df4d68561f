// Kubernetes resource quantities ("500m", "1.5", "128Mi", "2k", "1e3") as the
// apimachinery `resource.Quantity` type handles them, reduced to what the
// controllers need: the milli-value (upstream: Quantity.MilliValue, rounded up
// away from zero), the approximate float (Quantity.AsApproximateFloat64) and
// the canonical DecimalSI text of a milli-value (resource.NewMilliQuantity(v,
// DecimalSI).String()).
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace ksim::control {

/// A parsed quantity: value = unscaled x 10^scale (a binary suffix is folded
/// into `unscaled`, as upstream's int64Amount does). `exact` is false when the
/// number did not fit int64 (upstream falls back to inf.Dec); `unscaled` then
/// saturates.
struct Quantity {
  std::int64_t unscaled = 0;
  std::int32_t scale = 0;  // power of ten
  bool exact = true;

  /// ceil-away-from-zero of value x 1000, saturated to int64 (upstream
  /// MilliValue; upstream wraps on overflow, ksim saturates).
  [[nodiscard]] std::int64_t milli_value() const;
  /// upstream AsApproximateFloat64: float64(unscaled) x Go's math.Pow10(scale).
  [[nodiscard]] double approximate_double() const;
};

/// Parses a Kubernetes quantity string; the error names what is wrong.
std::expected<Quantity, std::string> parse_quantity(std::string_view text);

/// The canonical DecimalSI text of a milli-value: 1500 -> "1500m", 2000 -> "2",
/// 0 -> "0", 1500000 -> "1500" , 2000000000 -> "2M".
std::string format_milli_quantity(std::int64_t milli);

/// The canonical text of resource.NewMilliQuantity(milli, BinarySI): "100Mi",
/// "1Gi"; values under 1024 in magnitude or with a fractional part fall back
/// to DecimalSI as upstream does (1000000 -> "1k", 1500 -> "1500m").
std::string format_milli_quantity_binary(std::int64_t milli);

}  // namespace ksim::control
