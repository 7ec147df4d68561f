// Small helpers that put numbers into explanation sentences.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "ksim/control/hpa/types.h"

namespace ksim::control::hpa::text {

/// A ratio or factor with up to `digits` decimals ("1.667", "0.5").
inline std::string num(double v, int digits = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  std::string s(buf);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

/// A milli-value as a quantity-like string ("1500m").
inline std::string milli(std::int64_t v) { return std::to_string(v) + "m"; }

inline std::string seconds(Duration d) { return num(static_cast<double>(d.count()) / 1e6) + "s"; }

}  // namespace ksim::control::hpa::text
