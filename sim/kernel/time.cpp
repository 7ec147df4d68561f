#include "ksim/sim/kernel/time.h"

#include <cstdlib>
#include <limits>

namespace ksim {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t ns;  // nanoseconds per unit
};

// Longest names first so that "ms" is not read as "m" followed by "s".
constexpr Unit kUnits[] = {{"ns", 1},
                           {"us", 1'000},
                           {"\xC2\xB5s", 1'000},
                           {"ms", 1'000'000},
                           {"s", 1'000'000'000},
                           {"m", 60'000'000'000},
                           {"h", 3'600'000'000'000}};

__extension__ using Int128 = __int128;  // exact nanosecond accumulation

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// `v` (non-zero, < 10^width) as a fraction's digits: zero-padded to `width`,
// trailing zeros dropped.
std::string zero_padded(unsigned long long v, std::size_t width) {
  const std::string digits = std::to_string(v);
  std::string out(width - digits.size(), '0');
  out += digits;
  while (out.back() == '0') out.pop_back();
  return out;
}

}  // namespace

std::expected<Duration, std::string> parse_duration(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration{0};
  if (s.empty()) return std::unexpected("invalid duration " + quoted + ": empty");

  // Accumulate in nanoseconds as a long double-free integer pair: whole
  // nanoseconds, checked against overflow.
  Int128 total_ns = 0;
  constexpr Int128 kLimit = static_cast<Int128>(std::numeric_limits<std::int64_t>::max()) * 1000;
  while (!s.empty()) {
    std::size_t i = 0;
    Int128 whole = 0;
    while (i < s.size() && is_digit(s[i])) {
      whole = whole * 10 + (s[i] - '0');
      if (whole > kLimit) return std::unexpected("invalid duration " + quoted + ": overflow");
      ++i;
    }
    const bool had_whole = i > 0;
    Int128 frac = 0;
    Int128 frac_scale = 1;
    bool had_frac = false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && is_digit(s[i])) {
        if (frac_scale < static_cast<Int128>(1'000'000'000'000'000'000)) {
          frac = frac * 10 + (s[i] - '0');
          frac_scale *= 10;
        }
        had_frac = true;
        ++i;
      }
    }
    if (!had_whole && !had_frac) {
      return std::unexpected("invalid duration " + quoted + ": expected a number");
    }
    s.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (s.starts_with(u.name)) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) {
      return std::unexpected("invalid duration " + quoted +
                             ": missing or unknown unit (use h, m, s, ms, us or ns)");
    }
    s.remove_prefix(unit->name.size());
    total_ns += whole * unit->ns + (frac * unit->ns + frac_scale / 2) / frac_scale;
    if (total_ns > kLimit) return std::unexpected("invalid duration " + quoted + ": overflow");
  }
  // Round half away from zero to whole microseconds.
  const auto us = static_cast<std::int64_t>((total_ns + 500) / 1000);
  return Duration{negative ? -us : us};
}

std::string format_duration(Duration d) {
  const std::int64_t us = d.count();
  if (us == 0) return "0s";
  std::string out;
  unsigned long long mag = 0;
  if (us < 0) {
    out += '-';
    mag = static_cast<unsigned long long>(-(us + 1)) + 1;  // safe for INT64_MIN
  } else {
    mag = static_cast<unsigned long long>(us);
  }
  constexpr unsigned long long kUsPerS = 1'000'000;
  if (mag < kUsPerS) {
    // Sub-second: "250ms", or "1.5ms", or "7us".
    if (mag % 1000 == 0) return out + std::to_string(mag / 1000) + "ms";
    if (mag < 1000) return out + std::to_string(mag) + "us";
    const std::string frac = zero_padded(mag % 1000, 3);
    return out + std::to_string(mag / 1000) + "." + frac + "ms";
  }
  const unsigned long long hours = mag / (3600 * kUsPerS);
  const unsigned long long minutes = mag / (60 * kUsPerS) % 60;
  const unsigned long long seconds = mag / kUsPerS % 60;
  const unsigned long long micros = mag % kUsPerS;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  out += std::to_string(seconds);
  if (micros != 0) {
    const std::string frac = zero_padded(micros, 6);
    out += "." + frac;
  }
  return out + "s";
}

}  // namespace ksim
