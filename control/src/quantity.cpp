// Kubernetes quantities. upstream: apimachinery pkg/api/resource quantity.go
// (ParseQuantity, MilliValue, AsApproximateFloat64, CanonicalizeBytes) and
// amount.go (negativeScaleInt64, removeInt64Factors).
#include "ksim/control/quantity.h"

#include <array>
#include <cctype>
#include <limits>

namespace ksim::control {
namespace {

__extension__ using Int128 = __int128;

constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMinInt64 = std::numeric_limits<std::int64_t>::min();

struct Suffix {
  std::string_view text;
  int base;  // 10 or 2
  int exponent;
};

constexpr std::array<Suffix, 16> kSuffixes{{{"Ki", 2, 10},
                                            {"Mi", 2, 20},
                                            {"Gi", 2, 30},
                                            {"Ti", 2, 40},
                                            {"Pi", 2, 50},
                                            {"Ei", 2, 60},
                                            {"n", 10, -9},
                                            {"u", 10, -6},
                                            {"m", 10, -3},
                                            {"", 10, 0},
                                            {"k", 10, 3},
                                            {"M", 10, 6},
                                            {"G", 10, 9},
                                            {"T", 10, 12},
                                            {"P", 10, 15},
                                            {"E", 10, 18}}};

std::expected<std::pair<int, int>, std::string> parse_suffix(std::string_view s) {
  for (const Suffix& x : kSuffixes) {
    if (x.text == s) return std::pair{x.base, x.exponent};
  }
  if (s.size() >= 2 && (s[0] == 'e' || s[0] == 'E')) {
    std::string_view e = s.substr(1);
    bool neg = false;
    if (e[0] == '+' || e[0] == '-') {
      neg = e[0] == '-';
      e.remove_prefix(1);
    }
    if (e.empty() || e.size() > 6) return std::unexpected("bad exponent '" + std::string(s) + "'");
    int v = 0;
    for (char c : e) {
      if (!std::isdigit(static_cast<unsigned char>(c))) {
        return std::unexpected("bad exponent '" + std::string(s) + "'");
      }
      v = v * 10 + (c - '0');
    }
    return std::pair{10, neg ? -v : v};
  }
  return std::unexpected("unknown suffix '" + std::string(s) + "'");
}

Int128 clamp_to_int64(Int128 v, bool& exact) {
  if (v > kMaxInt64) {
    exact = false;
    return kMaxInt64;
  }
  if (v < kMinInt64) {
    exact = false;
    return kMinInt64;
  }
  return v;
}

// Go's math.Pow10, table for table, so that AsApproximateFloat64 rounds alike.
double go_pow10(int n) {
  static constexpr std::array<double, 32> kTab{1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23,
                                               1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31};
  static constexpr std::array<double, 10> kPos32{1e0,   1e32,  1e64,  1e96,  1e128,
                                                 1e160, 1e192, 1e224, 1e256, 1e288};
  static constexpr std::array<double, 11> kNeg32{1e-0,   1e-32,  1e-64,  1e-96,  1e-128, 1e-160,
                                                 1e-192, 1e-224, 1e-256, 1e-288, 1e-320};
  if (n >= 0 && n <= 308) {
    return kPos32[static_cast<std::size_t>(n / 32)] * kTab[static_cast<std::size_t>(n % 32)];
  }
  if (n < 0 && n >= -323) {
    return kNeg32[static_cast<std::size_t>(-n / 32)] / kTab[static_cast<std::size_t>(-n % 32)];
  }
  return n > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

}  // namespace

std::expected<Quantity, std::string> parse_quantity(std::string_view text) {
  std::string_view s = text;
  if (s.empty()) return std::unexpected(std::string("empty quantity"));
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::size_t i = 0;
  Int128 digits = 0;
  bool overflow = false;
  int fraction_digits = 0;
  int dropped_int_digits = 0;  // integer digits beyond what fits: they scale up
  bool seen_digit = false;
  bool seen_dot = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.' && !seen_dot) {
      seen_dot = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    seen_digit = true;
    if (digits > (static_cast<Int128>(kMaxInt64) * 100)) {
      overflow = true;
      if (!seen_dot) ++dropped_int_digits;
      continue;  // keep magnitude, drop precision
    }
    digits = digits * 10 + (c - '0');
    if (seen_dot) ++fraction_digits;
  }
  if (!seen_digit) return std::unexpected("quantity '" + std::string(text) + "' has no digits");
  auto suffix = parse_suffix(s.substr(i));
  if (!suffix) return std::unexpected("quantity '" + std::string(text) + "': " + suffix.error());
  Quantity q;
  q.exact = !overflow;
  q.scale = dropped_int_digits - fraction_digits;
  const auto [base, exponent] = *suffix;
  Int128 value = digits;
  if (base == 10) {
    q.scale += exponent;
  } else {
    for (int k = 0; k < exponent; ++k) {
      if (value > static_cast<Int128>(kMaxInt64) * 4) {
        q.exact = false;
        break;
      }
      value *= 2;
    }
  }
  // Fold trailing precision into the scale while the value does not fit.
  while ((value > kMaxInt64) && value % 10 == 0) {
    value /= 10;
    ++q.scale;
  }
  if (negative) value = -value;
  q.unscaled = static_cast<std::int64_t>(clamp_to_int64(value, q.exact));
  return q;
}

std::int64_t Quantity::milli_value() const {
  const int shift = scale + 3;
  Int128 v = unscaled;
  if (shift >= 0) {
    for (int k = 0; k < shift; ++k) {
      v *= 10;
      if (v > kMaxInt64) return kMaxInt64;
      if (v < kMinInt64) return kMinInt64;
    }
    return static_cast<std::int64_t>(v);
  }
  // upstream negativeScaleInt64: divide, rounding away from zero.
  bool fraction = false;
  for (int k = 0; k < -shift; ++k) {
    if (v % 10 != 0) fraction = true;
    v /= 10;
    if (v == 0) break;
  }
  if (fraction) v += unscaled > 0 ? 1 : -1;
  return static_cast<std::int64_t>(v);
}

double Quantity::approximate_double() const {
  const auto base = static_cast<double>(unscaled);
  if (scale == 0) return base;
  return base * go_pow10(scale);
}

std::string format_milli_quantity(std::int64_t milli) {
  if (milli == 0) return "0";
  // upstream int64Amount.AsCanonicalBytes with value = milli, scale = -3.
  Int128 amount = milli;
  int exponent = -3;
  const bool negative = amount < 0;
  if (negative) amount = -amount;
  while (amount >= 10 && amount % 10 == 0) {
    amount /= 10;
    ++exponent;
  }
  switch (exponent % 3) {
    case 1:
    case -2:
      amount *= 10;
      exponent -= 1;
      break;
    case 2:
    case -1:
      amount *= 100;
      exponent -= 2;
      break;
    default:
      break;
  }
  std::string digits;
  for (Int128 a = amount; a > 0; a /= 10) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(a % 10)));
  }
  if (negative) digits.insert(digits.begin(), '-');
  switch (exponent) {
    case -3:
      return digits + "m";
    case 0:
      return digits;
    case 3:
      return digits + "k";
    case 6:
      return digits + "M";
    case 9:
      return digits + "G";
    case 12:
      return digits + "T";
    case 15:
      return digits + "P";
    case 18:
      return digits + "E";
    default:
      return digits + "e" + std::to_string(exponent);
  }
}

std::string format_milli_quantity_binary(std::int64_t milli) {
  if (milli == 0) return "0";
  // upstream CanonicalizeBytes: |value| < 1024 or inexact at scale 0 -> DecimalSI.
  if ((milli > -1'024'000 && milli < 1'024'000) || milli % 1000 != 0) {
    return format_milli_quantity(milli);
  }
  std::int64_t amount = milli / 1000;
  int times = 0;
  // removeInt64Factors(value, 1024)
  const bool negative = amount < 0;
  if (negative) amount = -amount;
  while (amount >= 1024 && amount % 1024 == 0) {
    amount /= 1024;
    ++times;
  }
  if (negative) amount = -amount;
  static constexpr std::array<const char*, 7> kBinary{"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  return std::to_string(amount) + kBinary[static_cast<std::size_t>(times)];
}

}  // namespace ksim::control
