// upstream: apimachinery pkg/labels/selector.go (Requirement.Matches,
// NewRequirement), component-helpers scheduling/corev1/nodeaffinity
// (nodeSelectorTerm.match, RequiredNodeAffinity.Match, PreferredSchedulingTerms),
// core/v1 toleration.go (ToleratesTaint) and component-helpers
// scheduling/corev1/helpers.go (FindMatchingUntoleratedTaint).
#include "ksim/control/scheduler/selectors.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace ksim::control::scheduler {

std::optional<std::int64_t> parse_int64(std::string_view s) {
  // strconv.ParseInt accepts one leading '+' or '-'; std::from_chars only '-'.
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.front() == '+' || s.front() == '-') return std::nullopt;
  // Parse the magnitude as unsigned so that "-9223372036854775808" fits.
  std::uint64_t magnitude = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  constexpr std::uint64_t kMaxPositive = 9'223'372'036'854'775'807ULL;
  if (negative) {
    if (magnitude > kMaxPositive + 1) return std::nullopt;
    return magnitude == kMaxPositive + 1 ? std::numeric_limits<std::int64_t>::min()
                                         : -static_cast<std::int64_t>(magnitude);
  }
  if (magnitude > kMaxPositive) return std::nullopt;
  return static_cast<std::int64_t>(magnitude);
}

namespace {

// validation.IsValidLabelValue: empty, or at most 63 characters of
// [A-Za-z0-9-_.] that begin and end alphanumeric.
bool valid_label_value(std::string_view v) {
  if (v.empty()) return true;
  if (v.size() > 63) return false;
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(v.front()) || !alnum(v.back())) return false;
  return std::ranges::all_of(v,
                             [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

}  // namespace

bool requirement_valid(const Requirement& r) {
  if (!std::ranges::all_of(r.values, valid_label_value)) return false;
  switch (r.op) {
    case SelectorOp::kIn:
    case SelectorOp::kNotIn:
      return !r.values.empty();
    case SelectorOp::kExists:
    case SelectorOp::kDoesNotExist:
      return r.values.empty();
    case SelectorOp::kGt:
    case SelectorOp::kLt:
      return r.values.size() == 1 && parse_int64(r.values.front()).has_value();
  }
  return false;
}

bool requirement_matches(const Requirement& r, const Labels& labels) {
  const auto it = labels.find(r.key);
  const bool has = it != labels.end();
  const auto in_values = [&] {
    return has && std::ranges::find(r.values, it->second) != r.values.end();
  };
  switch (r.op) {
    case SelectorOp::kIn:
      return in_values();
    case SelectorOp::kNotIn:
      return !in_values();
    case SelectorOp::kExists:
      return has;
    case SelectorOp::kDoesNotExist:
      return !has;
    case SelectorOp::kGt:
    case SelectorOp::kLt: {
      if (!has || r.values.size() != 1) return false;
      const auto label_value = parse_int64(it->second);
      const auto bound = parse_int64(r.values.front());
      if (!label_value || !bound) return false;
      return r.op == SelectorOp::kGt ? *label_value > *bound : *label_value < *bound;
    }
  }
  return false;
}

bool term_matches(const NodeSelectorTerm& term, const Labels& labels) {
  if (term.match_expressions.empty()) return false;  // nil or empty term selects nothing
  if (!std::ranges::all_of(term.match_expressions, requirement_valid)) return false;
  return std::ranges::all_of(term.match_expressions,
                             [&](const Requirement& r) { return requirement_matches(r, labels); });
}

bool required_node_affinity_matches(const Pod& pod, const Labels& node_labels) {
  for (const auto& [key, value] : pod.node_selector) {  // labels.SelectorFromSet
    const auto it = node_labels.find(key);
    if (it == node_labels.end() || it->second != value) return false;
  }
  if (!pod.required_terms) return true;
  return std::ranges::any_of(
      *pod.required_terms, [&](const NodeSelectorTerm& t) { return term_matches(t, node_labels); });
}

std::int64_t preferred_affinity_weight(const std::vector<PreferredTerm>& terms,
                                       const Labels& node_labels) {
  std::int64_t sum = 0;
  for (const auto& t : terms) {
    if (t.weight == 0 || t.preference.match_expressions.empty()) continue;
    if (term_matches(t.preference, node_labels)) sum += t.weight;
  }
  return sum;
}

bool selector_matches(const LabelSelector& s, const Labels& labels) {
  for (const auto& [key, value] : s.match_labels) {
    const auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return std::ranges::all_of(s.match_expressions, [&](const Requirement& r) {
    return requirement_valid(r) && requirement_matches(r, labels);
  });
}

bool tolerates(const Toleration& t, const Taint& taint) {
  if (t.effect && *t.effect != taint.effect) return false;
  if (!t.key.empty() && t.key != taint.key) return false;
  return t.op == TolerationOp::kExists || t.value == taint.value;
}

bool tolerations_tolerate(const std::vector<Toleration>& tolerations, const Taint& taint) {
  return std::ranges::any_of(tolerations, [&](const Toleration& t) { return tolerates(t, taint); });
}

std::optional<Taint> first_untolerated_taint(const std::vector<Taint>& taints,
                                             const std::vector<Toleration>& tolerations) {
  for (const auto& taint : taints) {
    if (taint.effect == TaintEffect::kPreferNoSchedule) continue;
    if (!tolerations_tolerate(tolerations, taint)) return taint;
  }
  return std::nullopt;
}

std::string_view effect_name(TaintEffect e) {
  switch (e) {
    case TaintEffect::kNoSchedule:
      return "NoSchedule";
    case TaintEffect::kPreferNoSchedule:
      return "PreferNoSchedule";
    case TaintEffect::kNoExecute:
      return "NoExecute";
  }
  return "";
}

}  // namespace ksim::control::scheduler
