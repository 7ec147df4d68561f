#include "time_text.h"

#include <cctype>
#include <chrono>
#include <cstdio>

namespace ksim::cli::hpa {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::unexpected<std::string> bad_time(std::string_view text) {
  return std::unexpected("'" + std::string(text) +
                         "' is not an RFC 3339 time (2006-01-02T15:04:05Z)");
}

}  // namespace

std::expected<Instant, std::string> parse_rfc3339(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
      !digits(s, 17, 2, se)) {
    return bad_time(s);
  }
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (n < 6) micros = micros * 10 + (s[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0) return bad_time(s);
    for (int k = n; k < 6; ++k) micros *= 10;
  }
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om)) {
      return bad_time(s);
    }
    offset_minutes = (s[pos] == '-' ? -1 : 1) * (oh * 60 + om);
    pos += 6;
  } else {
    return bad_time(s);
  }
  if (pos != s.size()) return bad_time(s);
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) return bad_time(s);
  const auto days = std::chrono::sys_days{ymd};
  return Instant{std::chrono::duration_cast<std::chrono::microseconds>(days.time_since_epoch())} +
         std::chrono::hours(h) + std::chrono::minutes(mi - offset_minutes) +
         std::chrono::seconds(se) + std::chrono::microseconds(micros);
}

namespace {

std::string format(Instant t, bool with_micros) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto day = std::chrono::floor<std::chrono::days>(secs);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{secs - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  std::string out(buf);
  const auto micros = (t - secs).count();
  if (with_micros && micros != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(micros));
    std::string frac(buf);
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  return out + "Z";
}

}  // namespace

std::string format_rfc3339_seconds(Instant t) { return format(t, false); }
std::string format_rfc3339_micros(Instant t) { return format(t, true); }

std::expected<Duration, std::string> parse_go_duration(std::string_view text) {
  const auto bad = [&] {
    return std::unexpected("'" + std::string(text) + "' is not a duration (e.g. 30s, 5m, 1h30m)");
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration{0};
  if (s.empty()) return bad();
  long double total_us = 0;
  while (!s.empty()) {
    std::size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == 0) return bad();
    const long double value = std::stold(std::string(s.substr(0, i)));
    s.remove_prefix(i);
    std::size_t j = 0;
    while (j < s.size() && !std::isdigit(static_cast<unsigned char>(s[j])) && s[j] != '.') ++j;
    const std::string_view unit = s.substr(0, j);
    s.remove_prefix(j);
    long double scale = 0;
    if (unit == "ns")
      scale = 1e-3L;
    else if (unit == "us" || unit == "\u00b5s" || unit == "\u03bcs")
      scale = 1;
    else if (unit == "ms")
      scale = 1e3L;
    else if (unit == "s")
      scale = 1e6L;
    else if (unit == "m")
      scale = 60e6L;
    else if (unit == "h")
      scale = 3600e6L;
    else
      return bad();
    total_us += value * scale;
  }
  if (total_us > 9.2e18L) return bad();
  const auto us = static_cast<std::int64_t>(total_us);
  return Duration{negative ? -us : us};
}

}  // namespace ksim::cli::hpa
