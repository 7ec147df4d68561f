// Disruption budgets and the cron matcher; see budgets.h for the upstream sources.
#include "ksim/control/karpenter/budgets.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace ksim::control::karpenter {
namespace {

constexpr std::int64_t kMinuteUs = 60'000'000;
constexpr std::int64_t kHourUs = 60 * kMinuteUs;
constexpr std::int64_t kDayUs = 24 * kHourUs;

struct Bounds {
  int lo, hi;
  const std::array<std::string_view, 12>* names = nullptr;  // names[i] = lo + i
};
constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 12> kDays = {"sun", "mon", "tue", "wed", "thu", "fri",
                                                    "sat", "",    "",    "",    "",    ""};

std::optional<int> parse_value(std::string_view s, const Bounds& b) {
  if (b.names != nullptr) {
    std::string lower(s);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::size_t i = 0; i < b.names->size(); ++i) {
      if (!(*b.names)[i].empty() && (*b.names)[i] == lower) return b.lo + static_cast<int>(i);
    }
  }
  int v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

/// One comma-separated field into a bit set (robfig getRange / getField).
bool parse_field(std::string_view field, const Bounds& b, std::uint64_t& bits, bool& star) {
  if (field.empty()) return false;
  std::size_t start = 0;
  while (start <= field.size()) {
    const std::size_t comma = std::min(field.find(',', start), field.size());
    std::string_view item = field.substr(start, comma - start);
    start = comma + 1;
    int step = 1;
    if (const auto slash = item.find('/'); slash != std::string_view::npos) {
      const auto s = parse_value(item.substr(slash + 1), Bounds{0, 0});
      if (!s || *s <= 0) return false;
      step = *s;
      item = item.substr(0, slash);
    }
    int lo = 0, hi = 0;
    bool item_star = false;
    if (item == "*" || item == "?") {
      lo = b.lo;
      hi = b.hi;
      item_star = step == 1;
    } else if (const auto dash = item.find('-'); dash != std::string_view::npos) {
      const auto a = parse_value(item.substr(0, dash), b);
      const auto z = parse_value(item.substr(dash + 1), b);
      if (!a || !z) return false;
      lo = *a;
      hi = *z;
    } else {
      const auto a = parse_value(item, b);
      if (!a) return false;
      lo = *a;
      hi = step > 1 ? b.hi : *a;  // "a/n" runs to the field's maximum
    }
    if (lo < b.lo || hi > b.hi || lo > hi) return false;
    for (int v = lo; v <= hi; v += step) bits |= std::uint64_t{1} << v;
    star |= item_star;
    if (comma == field.size()) break;
  }
  return true;
}

/// Days since 1970-01-01 to (year, month 1..12, day 1..31) (H. Hinnant's civil_from_days).
void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0));
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

bool has(std::uint64_t bits, int v) { return ((bits >> v) & 1U) != 0; }

std::optional<std::int64_t> parse_nodes(const std::string& nodes, std::int64_t num_nodes) {
  if (nodes.empty()) return std::nullopt;
  const bool percent = nodes.back() == '%';
  const std::string_view digits(nodes.data(), nodes.size() - (percent ? 1 : 0));
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (digits.empty() || ec != std::errc{} || p != digits.data() + digits.size() || v < 0) {
    return std::nullopt;
  }
  if (!percent) return v;
  if (v > 100) return std::nullopt;
  return (v * num_nodes + 99) / 100;  // intstr.GetScaledValueFromIntOrPercent, roundUp
}

}  // namespace

std::optional<CronSchedule> CronSchedule::parse(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text == "@yearly" || text == "@annually") text = "0 0 1 1 *";
  if (text == "@monthly") text = "0 0 1 * *";
  if (text == "@weekly") text = "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") text = "0 0 * * *";
  if (text == "@hourly") text = "0 * * * *";
  std::vector<std::string_view> f;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const std::size_t j = std::min(text.find(' ', i), text.size());
    if (j > i) f.push_back(text.substr(i, j - i));
    i = j;
  }
  if (f.size() != 5) return std::nullopt;
  CronSchedule c;
  bool unused = false;
  if (!parse_field(f[0], {0, 59}, c.minute_, unused) ||
      !parse_field(f[1], {0, 23}, c.hour_, unused) ||
      !parse_field(f[2], {1, 31}, c.dom_, c.dom_star_) ||
      !parse_field(f[3], {1, 12, &kMonths}, c.month_, unused) ||
      !parse_field(f[4], {0, 6, &kDays}, c.dow_, c.dow_star_)) {
    return std::nullopt;
  }
  return c;
}

bool CronSchedule::matches_minute(std::int64_t unix_us) const {
  const std::int64_t days = floor_div(unix_us, kDayUs);
  const std::int64_t in_day = unix_us - days * kDayUs;
  int y = 0, m = 0, d = 0;
  civil_from_days(days, y, m, d);
  const int dow = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
  const bool dom_ok = has(dom_, d), dow_ok = has(dow_, dow);
  const bool day_ok = (dom_star_ || dow_star_) ? dom_ok && dow_ok : dom_ok || dow_ok;
  return day_ok && has(month_, m) && has(hour_, static_cast<int>(in_day / kHourUs)) &&
         has(minute_, static_cast<int>((in_day % kHourUs) / kMinuteUs));
}

std::optional<std::int64_t> CronSchedule::last_hit(std::int64_t after_us,
                                                   std::int64_t unix_us) const {
  // Walk back minute by minute, skipping whole days and hours that cannot hit.
  std::int64_t t = floor_div(unix_us, kMinuteUs) * kMinuteUs;
  while (t > after_us) {
    const std::int64_t day_start = floor_div(t, kDayUs) * kDayUs;
    const std::int64_t hour_start = floor_div(t, kHourUs) * kHourUs;
    CronSchedule day_only = *this;
    day_only.minute_ = day_only.hour_ = ~std::uint64_t{0};
    if (!day_only.matches_minute(t)) {
      t = day_start - kMinuteUs;
    } else if (!has(hour_, static_cast<int>((t - day_start) / kHourUs))) {
      t = hour_start - kMinuteUs;
    } else if (matches_minute(t)) {
      return t;
    } else {
      t -= kMinuteUs;
    }
  }
  return std::nullopt;
}

std::optional<bool> budget_active(const Budget& b, std::int64_t now_us) {
  if (!b.schedule && !b.duration) return true;
  if (!b.schedule || !b.duration) return std::nullopt;  // CEL rejects one without the other
  const auto c = CronSchedule::parse(*b.schedule);
  if (!c) return std::nullopt;
  // robfig Next(now − duration) returns the first hit strictly after it.
  const std::int64_t checkpoint = now_us - b.duration->count() * 1'000'000;
  return c->last_hit(checkpoint, now_us).has_value();
}

std::optional<std::int64_t> budget_allows(const Budget& b, std::int64_t num_nodes,
                                          std::int64_t now_us) {
  const auto active = budget_active(b, now_us);
  if (!active) return std::nullopt;
  if (!*active) return kUnboundedDisruptions;
  return parse_nodes(b.nodes, num_nodes);
}

std::int64_t allowed_disruptions(const NodePool& pool, std::int64_t num_nodes,
                                 DisruptionReason reason, std::int64_t now_us) {
  std::int64_t allowed = kUnboundedDisruptions;
  for (const auto& b : pool.disruption.budgets) {
    const auto v = budget_allows(b, num_nodes, now_us);
    if (!v) return 0;  // MustGetAllowedDisruptions: any error fails closed
    if (b.reasons.empty() ||
        std::find(b.reasons.begin(), b.reasons.end(), reason) != b.reasons.end()) {
      allowed = std::min(allowed, *v);
    }
  }
  return allowed;
}

std::vector<PoolBudget> budget_mapping(const std::vector<NodePool>& pools,
                                       const std::vector<ExistingNode>& nodes,
                                       DisruptionReason reason, std::int64_t now_us) {
  std::vector<PoolBudget> out;
  for (const auto& pool : pools) {
    PoolBudget pb;
    pb.nodepool = pool.name;
    for (const auto& n : nodes) {
      // Managed and initialized nodes only (uninitialized replacements must
      // not inflate a percentage).
      if (n.nodepool != pool.name || !n.initialized) continue;
      ++pb.num_nodes;
      if (!n.ready || n.marked_for_deletion) ++pb.disrupting;
    }
    pb.allowed_by_budgets = allowed_disruptions(pool, pb.num_nodes, reason, now_us);
    pb.allowed = std::max<std::int64_t>(0, pb.allowed_by_budgets - pb.disrupting);
    const std::string by = pb.allowed_by_budgets == kUnboundedDisruptions
                               ? std::string("no active budget limits")
                               : "budgets allow " + std::to_string(pb.allowed_by_budgets);
    pb.message = "NodePool " + pool.name + " (" + std::string(disruption_reason_name(reason)) +
                 "): " + std::to_string(pb.num_nodes) + " nodes, " + by + ", " +
                 std::to_string(pb.disrupting) + " disrupting: " + std::to_string(pb.allowed) +
                 " allowed";
    out.push_back(std::move(pb));
  }
  return out;
}

std::string_view disruption_reason_name(DisruptionReason r) {
  switch (r) {
    case DisruptionReason::kUnderutilized:
      return "Underutilized";
    case DisruptionReason::kEmpty:
      return "Empty";
    case DisruptionReason::kDrifted:
      return "Drifted";
  }
  return "?";
}

}  // namespace ksim::control::karpenter
