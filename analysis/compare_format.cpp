// format_comparison and comparison_json (compare.h): a comparison for people
// (an aligned table, differences marked) and for machines.
#include <fmt/format.h>

#include <cmath>

#include "ksim/analysis/compare.h"

namespace ksim::analysis {
namespace {

using nlohmann::json;

std::string latency_text(double s) {
  const double ms = s * 1000;
  return ms < 10     ? fmt::format("{:.2f}ms", ms)
         : ms < 1000 ? fmt::format("{:.1f}ms", ms)
                     : fmt::format("{:.2f}s", s);
}

// The magnitude of a value or difference in its unit (no sign).
std::string magnitude(Unit unit, double v) {
  switch (unit) {
    case Unit::kReplicas:
    case Unit::kNodes:
    case Unit::kCount:
      return std::floor(v) == v ? fmt::format("{:.0f}", v) : fmt::format("{:.2f}", v);
    case Unit::kTime:
      return format_duration(Duration{std::llround(v * 1e6)});
    case Unit::kReplicaSeconds:
      return fmt::format("{:.0f}", v);
    case Unit::kRatio:
      return fmt::format("{:.2f}%", v * 100);
    case Unit::kLatency:
      return latency_text(v);
    case Unit::kDollars:
      return v >= 1 ? fmt::format("${:.2f}", v) : fmt::format("${:.4f}", v);
  }
  return fmt::format("{}", v);
}

std::string value_text(Unit unit, const std::optional<double>& v) {
  return v ? magnitude(unit, *v) : "-";
}

std::string diff_text(const CompareRow& r) {
  if (!r.diff) return "";
  if (*r.diff == 0) return "0";
  // A ratio's difference is in percentage points.
  const std::string m = r.unit == Unit::kRatio ? fmt::format("{:.2f}pp", std::abs(*r.diff) * 100)
                                               : magnitude(r.unit, std::abs(*r.diff));
  return (*r.diff > 0 ? "+" : "-") + m;
}

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kSame:
      return "same";
    case Verdict::kDiffers:
      return "differs";
    case Verdict::kBetter:
      return "better";
    case Verdict::kWorse:
      return "worse";
  }
  return "same";
}

std::string_view unit_name(Unit u) {
  switch (u) {
    case Unit::kReplicas:
      return "replicas";
    case Unit::kTime:
      return "s since start";
    case Unit::kReplicaSeconds:
      return "replica-seconds";
    case Unit::kCount:
      return "count";
    case Unit::kRatio:
      return "ratio";
    case Unit::kLatency:
      return "s";
    case Unit::kDollars:
      return "$";
    case Unit::kNodes:
      return "nodes";
  }
  return "";
}

json or_null(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

std::string format_comparison(const Comparison& c) {
  std::string out = fmt::format("A  {}: {}\nB  {}: {}\n\n", c.a_label, c.a_description, c.b_label,
                                c.b_description);
  std::size_t w = 6;
  for (const CompareRow& r : c.rows) w = std::max(w, r.metric.size() + 2);
  out += fmt::format("{:<{}}  {:>10}  {:>10}  {:>10}  {:>8}\n", "", w, "A", "B", "B-A", "B-A %");
  std::string group;
  for (const CompareRow& r : c.rows) {
    if (r.group != group) {
      group = r.group;
      out += group + "\n";
    }
    const std::string pct = r.ratio ? fmt::format("{:+.1f}%", *r.ratio * 100) : "";
    std::string mark;
    if (r.marked) {
      mark = "  *";
      if (r.verdict == Verdict::kBetter || r.verdict == Verdict::kWorse) {
        mark += fmt::format(" {}", verdict_name(r.verdict));
      }
    }
    out += fmt::format("  {:<{}}  {:>10}  {:>10}  {:>10}  {:>8}{}\n", r.metric, w - 2,
                       value_text(r.unit, r.a), value_text(r.unit, r.b), diff_text(r), pct, mark);
  }
  out += fmt::format(
      "\n* B differs from A by more than {:g}% (and more than a small floor: 1 replica, 1 s, "
      "0.1 ms, $0.0001, ...); better / worse where lower is better (latency, errors, cost)\n",
      c.threshold * 100);
  for (const std::string& n : c.notes) out += n + "\n";
  return out;
}

json comparison_json(const Comparison& c) {
  json rows = json::array();
  for (const CompareRow& r : c.rows) {
    rows.push_back({{"group", r.group},
                    {"metric", r.metric},
                    {"unit", unit_name(r.unit)},
                    {"a", or_null(r.a)},
                    {"b", or_null(r.b)},
                    {"diff", or_null(r.diff)},
                    {"ratio", or_null(r.ratio)},
                    {"lower_is_better", r.lower_is_better},
                    {"marked", r.marked},
                    {"verdict", verdict_name(r.verdict)},
                    {"a_text", value_text(r.unit, r.a)},
                    {"b_text", value_text(r.unit, r.b)},
                    {"diff_text", diff_text(r)}});
  }
  return json{{"a", {{"label", c.a_label}, {"description", c.a_description}}},
              {"b", {{"label", c.b_label}, {"description", c.b_description}}},
              {"threshold", c.threshold},
              {"rows", std::move(rows)},
              {"notes", c.notes}};
}

}  // namespace ksim::analysis
