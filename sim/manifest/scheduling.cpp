// Reading the scheduling constraints of a pod template: node affinity and
// tolerations, validated as the API server does
// (pkg/apis/core/validation/validation.go validateNodeSelectorRequirement,
// validateTolerations).
#include <charconv>

#include "readers.h"

namespace ksim::manifest::detail {
namespace {

std::optional<NodeSelectorOperator> to_operator(std::string_view op) {
  if (op == "In") return NodeSelectorOperator::kIn;
  if (op == "NotIn") return NodeSelectorOperator::kNotIn;
  if (op == "Exists") return NodeSelectorOperator::kExists;
  if (op == "DoesNotExist") return NodeSelectorOperator::kDoesNotExist;
  if (op == "Gt") return NodeSelectorOperator::kGt;
  if (op == "Lt") return NodeSelectorOperator::kLt;
  return std::nullopt;
}

bool is_integer(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size();
}

void check_values(const Field& e, const NodeSelectorRequirement& r) {
  switch (r.op) {
    case NodeSelectorOperator::kIn:
    case NodeSelectorOperator::kNotIn:
      if (r.values.empty()) {
        e.fail_child("values", "must be specified when `operator` is 'In' or 'NotIn'");
      }
      break;
    case NodeSelectorOperator::kExists:
    case NodeSelectorOperator::kDoesNotExist:
      if (!r.values.empty()) {
        e.get("values")->fail("may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
      }
      break;
    case NodeSelectorOperator::kGt:
    case NodeSelectorOperator::kLt:
      if (r.values.size() != 1 || !is_integer(r.values[0])) {
        e.fail_child("values", "must be a single integer value when `operator` is 'Lt' or 'Gt'");
      }
      break;
  }
}

NodeSelectorRequirement read_requirement(const Field& e) {
  NodeSelectorRequirement r;
  if (!e.expect_map()) return r;
  if (auto k = e.require("key"))
    if (auto s = k->str()) r.key = *s;
  if (auto v = e.get("values")) r.values = v->strings();
  auto op_field = e.require("operator");
  if (!op_field) return r;
  auto op_text = op_field->str();
  if (!op_text) return r;
  auto op = to_operator(*op_text);
  if (!op) {
    op_field->fail("expected In, NotIn, Exists, DoesNotExist, Gt or Lt, got '" + *op_text + "'");
    return r;
  }
  r.op = *op;
  check_values(e, r);
  return r;
}

NodeSelectorTerm read_term(const Field& t) {
  NodeSelectorTerm term;
  if (!t.expect_map()) return term;
  if (auto me = t.get("matchExpressions")) {
    for (const Field& e : me->items()) term.match_expressions.push_back(read_requirement(e));
  }
  return term;
}

}  // namespace

NodeAffinity read_node_affinity(const Field& f) {
  NodeAffinity a;
  if (!f.expect_map()) return a;
  if (auto req = f.get_map("requiredDuringSchedulingIgnoredDuringExecution")) {
    if (auto terms = req->require("nodeSelectorTerms")) {
      for (const Field& t : terms->items()) a.required.push_back(read_term(t));
      if (a.required.empty() && terms->node().IsSequence()) {
        terms->fail("must have at least one node selector term");
      }
    }
  }
  if (auto pref = f.get("preferredDuringSchedulingIgnoredDuringExecution")) {
    for (const Field& p : pref->items()) {
      if (!p.expect_map()) continue;
      PreferredTerm term;
      if (auto w = p.require("weight")) {
        if (auto v = w->int32()) term.weight = *v;
        if (term.weight < 1 || term.weight > 100) w->fail("must be in the range 1-100");
      }
      if (auto t = p.require("preference")) term.term = read_term(*t);
      a.preferred.push_back(term);
    }
  }
  return a;
}

std::vector<Toleration> read_tolerations(const Field& f) {
  std::vector<Toleration> out;
  for (const Field& t : f.items()) {
    if (!t.expect_map()) continue;
    Toleration tol;
    set_str(t, "key", tol.key);
    set_str(t, "value", tol.value);
    if (auto op = one_of(t, "operator", {"Equal", "Exists"})) {
      tol.op = *op == "Exists" ? TolerationOperator::kExists : TolerationOperator::kEqual;
    }
    if (auto e = one_of(t, "effect", {"NoSchedule", "PreferNoSchedule", "NoExecute"})) {
      tol.effect = *e == "NoSchedule"         ? TaintEffect::kNoSchedule
                   : *e == "PreferNoSchedule" ? TaintEffect::kPreferNoSchedule
                                              : TaintEffect::kNoExecute;
    }
    if (auto s = t.get("tolerationSeconds")) {
      tol.toleration_seconds = s->int64();
      if (tol.effect != TaintEffect::kNoExecute) {
        s->fail("may only be set when `effect` is 'NoExecute'");
      }
    }
    if (tol.op == TolerationOperator::kExists && !tol.value.empty()) {
      t.get("value")->fail("must be empty when `operator` is 'Exists'");
    }
    if (tol.key.empty() && tol.op != TolerationOperator::kExists) {
      t.fail_child("operator", "must be 'Exists' when `key` is empty");
    }
    out.push_back(tol);
  }
  return out;
}

}  // namespace ksim::manifest::detail
