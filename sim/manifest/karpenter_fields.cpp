// Field readers shared by the Karpenter kinds: Go durations (time.ParseDuration
// syntax, as the CRDs' duration pattern accepts), node selector requirements
// with minValues, and taints. Validation follows KC pkg/apis/v1 (nodepool.go,
// nodeclaim.go CEL rules and kubebuilder markers).
#include <cctype>
#include <charconv>

#include "readers.h"

namespace ksim::manifest::detail {
namespace {

// Microseconds per unit of a Go duration.
std::optional<double> unit_micros(std::string_view unit) {
  if (unit == "ns") return 1e-3;
  if (unit == "us" || unit == "µs") return 1.0;
  if (unit == "ms") return 1e3;
  if (unit == "s") return 1e6;
  if (unit == "m") return 60e6;
  if (unit == "h") return 3600e6;
  return std::nullopt;
}

bool is_integer(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size();
}

std::optional<RequirementOperator> to_operator(std::string_view op) {
  if (op == "In") return RequirementOperator::kIn;
  if (op == "NotIn") return RequirementOperator::kNotIn;
  if (op == "Exists") return RequirementOperator::kExists;
  if (op == "DoesNotExist") return RequirementOperator::kDoesNotExist;
  if (op == "Gt") return RequirementOperator::kGt;
  if (op == "Lt") return RequirementOperator::kLt;
  if (op == "Gte") return RequirementOperator::kGte;
  if (op == "Lte") return RequirementOperator::kLte;
  return std::nullopt;
}

void check_requirement(const Field& e, const NodePoolRequirement& r) {
  switch (r.op) {
    case RequirementOperator::kIn:
      if (r.values.empty()) e.fail_child("values", "must have at least one value with operator In");
      break;
    case RequirementOperator::kNotIn:
    case RequirementOperator::kExists:
    case RequirementOperator::kDoesNotExist:
      if (!r.values.empty() && r.op != RequirementOperator::kNotIn) {
        e.get("values")->fail("must be empty with operator Exists or DoesNotExist");
      }
      break;
    default:  // Gt, Lt, Gte, Lte
      if (r.values.size() != 1 || !is_integer(r.values[0]) || r.values[0].starts_with('-')) {
        e.fail_child("values",
                     "must be a single non-negative integer with operator Gt, Lt, Gte "
                     "or Lte");
      }
  }
  if (auto mv = e.get("minValues"); mv && r.min_values) {
    if (*r.min_values < 1 || *r.min_values > 50) {
      mv->fail("must be in the range 1-50, got " + std::to_string(*r.min_values));
    } else if (r.op == RequirementOperator::kIn &&
               static_cast<std::size_t>(*r.min_values) > r.values.size()) {
      mv->fail("must be at most the number of values (" + std::to_string(r.values.size()) +
               "), got " + std::to_string(*r.min_values));
    }
  }
}

}  // namespace

std::optional<KarpenterDuration> read_karpenter_duration(const Field& f, bool allow_never) {
  auto text = f.str();
  if (!text) return std::nullopt;
  if (*text == "Never") {
    if (allow_never) return KarpenterDuration::of_never();
    f.fail("'Never' is not allowed here: expected a duration such as 30s");
    return std::nullopt;
  }
  std::string_view s = *text;
  const std::string expected =
      allow_never ? "a duration such as 30s, 1h30m or Never" : "a duration such as 30s or 1h30m";
  double micros = 0;
  bool ok = !s.empty();
  if (s == "0") s = "";  // Go accepts a bare 0
  while (ok && !s.empty()) {
    std::size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    std::size_t j = i;
    while (j < s.size() && !std::isdigit(static_cast<unsigned char>(s[j])) && s[j] != '.') ++j;
    double value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + i, value);
    auto unit = unit_micros(s.substr(i, j - i));
    ok = i > 0 && ec == std::errc() && end == s.data() + i && unit.has_value();
    if (ok) micros += value * *unit;
    s.remove_prefix(j);
  }
  if (!ok) {
    f.fail("invalid duration '" + *text + "': expected " + expected);
    return std::nullopt;
  }
  return KarpenterDuration{false, static_cast<std::int64_t>(micros + 0.5)};
}

std::vector<NodePoolRequirement> read_karpenter_requirements(const Field& f) {
  std::vector<NodePoolRequirement> out;
  const std::vector<Field> items = f.items();
  if (items.size() > 100)
    f.fail("must have at most 100 items, got " + std::to_string(items.size()));
  for (const Field& e : items) {
    NodePoolRequirement r;
    if (!e.expect_map()) continue;
    if (auto k = e.require("key")) {
      if (auto s = k->str()) r.key = *s;
      if (k->str() && r.key.empty()) k->fail("must not be empty");
    }
    if (auto v = e.get("values")) r.values = v->strings();
    if (auto mv = e.get("minValues")) r.min_values = mv->int32();
    auto op_field = e.require("operator");
    auto op_text = op_field ? op_field->str() : std::nullopt;
    if (!op_text) continue;
    auto op = to_operator(*op_text);
    if (!op) {
      op_field->fail("expected In, NotIn, Exists, DoesNotExist, Gt, Lt, Gte or Lte, got '" +
                     *op_text + "'");
      continue;
    }
    r.op = *op;
    check_requirement(e, r);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<NodeTaint> read_node_taints(const Field& f) {
  std::vector<NodeTaint> out;
  for (const Field& t : f.items()) {
    if (!t.expect_map()) continue;
    NodeTaint taint;
    if (auto k = t.require("key")) {
      if (auto s = k->str()) taint.key = *s;
      if (k->str() && taint.key.empty()) k->fail("must not be empty");
    }
    set_str(t, "value", taint.value);
    if (!t.get("effect")) t.fail_child("effect", "required field missing");
    if (auto e = one_of(t, "effect", {"NoSchedule", "PreferNoSchedule", "NoExecute"})) {
      taint.effect = *e == "NoSchedule"         ? TaintEffect::kNoSchedule
                     : *e == "PreferNoSchedule" ? TaintEffect::kPreferNoSchedule
                                                : TaintEffect::kNoExecute;
    }
    out.push_back(std::move(taint));
  }
  return out;
}

}  // namespace ksim::manifest::detail
