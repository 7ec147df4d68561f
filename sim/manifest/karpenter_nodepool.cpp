// Reading a Karpenter NodePool (karpenter.sh/v1): template, limits, weight and
// disruption, with the CRD's defaults and validation (KC pkg/apis/v1/
// nodepool.go; cluster-facts A.1).
#include <regex>

#include "readers.h"

namespace ksim::manifest::detail {
namespace {

void read_node_class_ref(const Field& f, NodeClassRef& ref) {
  if (!f.expect_map()) return;
  for (auto [key, out] : {std::pair{"group", &ref.group}, std::pair{"kind", &ref.kind},
                          std::pair{"name", &ref.name}}) {
    if (auto c = f.require(key)) {
      if (auto s = c->str()) *out = *s;
      if (c->str() && out->empty()) c->fail("must not be empty");
    }
  }
}

// spec.template: labels and annotations, then spec.template.spec.
void read_template(const Field& tpl, NodePool& p) {
  if (!tpl.expect_map()) return;
  if (auto md = tpl.get_map("metadata")) {
    if (auto l = md->get("labels")) p.template_labels = l->string_map();
    if (auto a = md->get("annotations")) p.template_annotations = a->string_map();
  }
  auto spec = tpl.require("spec");
  if (!spec || !spec->expect_map()) return;
  if (auto ref = spec->require("nodeClassRef")) read_node_class_ref(*ref, p.node_class_ref);
  if (auto r = spec->require("requirements")) p.requirements = read_karpenter_requirements(*r);
  if (auto t = spec->get("taints")) p.taints = read_node_taints(*t);
  if (auto t = spec->get("startupTaints")) p.startup_taints = read_node_taints(*t);
  if (auto e = spec->get("expireAfter")) {
    if (auto d = read_karpenter_duration(*e, true)) p.expire_after = *d;
  }
  if (auto g = spec->get("terminationGracePeriod")) {
    if (auto d = read_karpenter_duration(*g, false))
      p.termination_grace_period_us = d->microseconds;
  }
}

std::optional<DisruptionReason> to_reason(std::string_view r) {
  if (r == "Underutilized") return DisruptionReason::kUnderutilized;
  if (r == "Empty") return DisruptionReason::kEmpty;
  if (r == "Drifted") return DisruptionReason::kDrifted;
  return std::nullopt;
}

DisruptionBudget read_budget(const Field& b) {
  DisruptionBudget budget;
  if (!b.expect_map()) return budget;
  if (auto n = b.require("nodes")) {
    // The CRD's pattern: a count, or a percentage 0..100.
    static const std::regex kNodes("^((100|[0-9]{1,2})%|[0-9]+)$");
    auto s = n->str();
    if (s && std::regex_match(*s, kNodes)) {
      budget.nodes =
          s->ends_with('%') ? IntOrString::of_string(*s) : IntOrString::of_int(std::stoi(*s));
    } else if (s) {
      n->fail("expected a node count or a percentage such as \"10%\", got '" + *s + "'");
    }
  }
  set_str(b, "schedule", budget.schedule);
  if (auto d = b.get("duration")) {
    if (auto v = read_karpenter_duration(*d, false)) budget.duration_us = v->microseconds;
  }
  if (budget.schedule.empty() != !b.get("duration")) {
    b.fail_child(budget.schedule.empty() ? "schedule" : "duration",
                 "'schedule' must be set with 'duration'");
  }
  if (auto r = b.get("reasons")) {
    for (const Field& item : r->items()) {
      auto s = item.str();
      if (!s) continue;
      if (auto reason = to_reason(*s)) {
        budget.reasons.push_back(*reason);
      } else {
        item.fail("expected Underutilized, Empty or Drifted, got '" + *s + "'");
      }
    }
  }
  return budget;
}

void read_disruption(const Field& f, Disruption& d) {
  if (!f.expect_map()) return;
  if (auto p = f.get("consolidationPolicy"); p && p->str() == "Balanced") {
    p->fail(
        "consolidationPolicy Balanced (Karpenter v1.14) is not modelled: use WhenEmpty or "
        "WhenEmptyOrUnderutilized");
  } else if (auto policy =
                 one_of(f, "consolidationPolicy", {"WhenEmpty", "WhenEmptyOrUnderutilized"})) {
    d.consolidation_policy = *policy == "WhenEmpty"
                                 ? ConsolidationPolicy::kWhenEmpty
                                 : ConsolidationPolicy::kWhenEmptyOrUnderutilized;
  }
  if (auto a = f.get("consolidateAfter")) {
    if (auto v = read_karpenter_duration(*a, true)) d.consolidate_after = *v;
  }
  if (auto b = f.get("budgets")) {
    const std::vector<Field> items = b->items();
    if (items.size() > 50)
      b->fail("must have at most 50 items, got " + std::to_string(items.size()));
    d.budgets.clear();
    for (const Field& item : items) d.budgets.push_back(read_budget(item));
  }
}

void read_limits(const Field& f, NodePool& p) {
  for (const auto& [name, value] : f.entries()) {
    auto milli = value.quantity_milli();
    if (!milli) continue;
    if (*milli < 0) {
      value.fail("must be greater than or equal to 0");
      continue;
    }
    p.limits_milli[name] = *milli;
  }
}

}  // namespace

NodePool read_node_pool(const Field& root) {
  NodePool p;
  auto spec = root.require("spec");
  if (!spec || !spec->expect_map()) return p;
  if (auto t = spec->require("template")) read_template(*t, p);
  if (auto l = spec->get("limits")) read_limits(*l, p);
  if (auto w = spec->get("weight")) {
    if (auto v = w->int32()) {
      if (*v < 1 || *v > 100) {
        w->fail("must be in the range 1-100, got " + std::to_string(*v));
      } else {
        p.weight = *v;
      }
    }
  }
  if (auto d = spec->get("disruption")) read_disruption(*d, p.disruption);
  if (auto r = spec->get("replicas")) {
    r->fail("static NodePools (spec.replicas, alpha) are not modelled");
  }
  return p;
}

}  // namespace ksim::manifest::detail
