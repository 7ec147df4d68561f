// One pass of the disruption controller; see disruption.h for the upstream
// sources and disruption_internal.h for the pieces.
#include "ksim/control/karpenter/disruption.h"

#include <algorithm>
#include <cmath>

#include "disruption_internal.h"
#include "ksim/control/karpenter/launch.h"

namespace ksim::control::karpenter {
namespace detail {

DisruptionContext::DisruptionContext(const DisruptionInput& input) : in(input) {
  for (const auto& it : in.instance_types) types.emplace(it.name, &it);
  for (const auto& p : in.node_pools) pools.emplace(p.name, &p);
}

std::optional<Cand> make_candidate(const DisruptionContext& ctx, const ExistingNode& node,
                                   std::string& why) {
  if (!node.nodepool) {
    why = "not managed by Karpenter";
    return std::nullopt;
  }
  const auto pool = ctx.pools.find(*node.nodepool);
  if (pool == ctx.pools.end()) {
    why = "NodePool " + *node.nodepool + " not found";
    return std::nullopt;
  }
  // statenode.go ValidateNodeDisruptable.
  if (!node.initialized) {
    why = "not initialized";
  } else if (node.marked_for_deletion) {
    why = "already being disrupted";
  } else if (node.nominated) {
    why = "pods are nominated to it";
  } else if (node.do_not_disrupt) {
    why = "disruption is blocked through the \"karpenter.sh/do-not-disrupt\" annotation";
  }
  if (!why.empty()) return std::nullopt;
  // ValidatePodsDisruptable: do-not-disrupt pods, then PDBs.
  for (const auto& p : node.pods) {
    if (p.do_not_disrupt) {
      why = "pod " + p.key() + " has \"karpenter.sh/do-not-disrupt\" annotation";
      return std::nullopt;
    }
  }
  for (const auto& p : node.pods) {
    if (p.pdb_blocked) {
      why = "a PDB prevents evicting pod " + p.key();
      return std::nullopt;
    }
  }
  Cand c;
  c.node = &node;
  c.pool = pool->second;
  const auto label = [&](std::string_view k) {
    const auto it = node.labels.find(std::string(k));
    return it == node.labels.end() ? std::string() : it->second;
  };
  if (const auto t = ctx.types.find(label(kLabelInstanceType)); t != ctx.types.end()) {
    c.type = t->second;
    c.price = node_price(*c.type, node.labels);
  }
  double cost = 0.0;
  for (const auto& p : node.pods) {
    if (p.daemonset) continue;
    c.reschedulable.push_back(&p);
    cost += eviction_cost(p);
  }
  const std::int64_t since =
      node.last_pod_event_us.value_or(node.initialized_us.value_or(node.created_us));
  c.view = DisruptionCandidate{node.name,
                               *node.nodepool,
                               label(kLabelInstanceType),
                               label(kLabelCapacityType),
                               label(kLabelZone),
                               c.price.value_or(0.0),
                               c.reschedulable.size(),
                               cost * lifetime_remaining(node, ctx.in.now_us),
                               (ctx.in.now_us - since) / 1'000'000};
  // The Consolidatable condition (nodeclaim/disruption/consolidation.go).
  const auto& after = c.pool->disruption.consolidate_after;
  if (!after) {
    why = "NodePool " + c.pool->name + " has consolidation disabled";
    return std::nullopt;
  }
  if (const auto at = consolidatable_at(ctx, node); ctx.in.now_us < *at) {
    why = "not consolidatable for " + std::to_string((*at - ctx.in.now_us + 999'999) / 1'000'000) +
          " s more (consolidateAfter " + std::to_string(after->count()) + " s, idle " +
          std::to_string(c.view.idle_seconds) + " s)";
    return std::nullopt;
  }
  return c;
}

bool emptiness_should(const Cand& c, std::string& why) {
  if (!c.reschedulable.empty()) {
    why = "not empty (" + std::to_string(c.reschedulable.size()) + " reschedulable pod" +
          (c.reschedulable.size() == 1 ? ")" : "s)");
    return false;
  }
  return true;
}

bool consolidation_should(const Cand& c, std::string& why) {
  if (c.type == nullptr) {
    why = "Instance Type \"" + c.view.instance_type + "\" not found";
  } else if (c.view.capacity_type.empty()) {
    why = "Node does not have label \"karpenter.sh/capacity-type\"";
  } else if (c.view.zone.empty()) {
    why = "Node does not have label \"topology.kubernetes.io/zone\"";
  } else if (!c.price) {
    why = "unable to determine offering for " + c.view.instance_type;
  } else if (c.pool->disruption.consolidation_policy == ConsolidationPolicy::kWhenEmpty) {
    why = "NodePool \"" + c.pool->name + "\" has non-empty consolidation disabled";
  }
  return why.empty();
}

}  // namespace detail

namespace {

using detail::Cand;
using detail::DisruptionContext;

constexpr std::int64_t kUs = 1'000'000;

std::map<std::string, std::int64_t> budget_map(const std::vector<PoolBudget>& bs) {
  std::map<std::string, std::int64_t> m;
  for (const auto& b : bs) m[b.nodepool] = b.allowed;
  return m;
}

/// consolidation.go sortCandidates: ascending disruption cost (ties by name;
/// upstream's sort.Slice leaves them unspecified). From v1.14 single-node
/// sorts by price descending instead; ksim follows the v1.0-v1.13 order.
void sort_by_cost(std::vector<const Cand*>& cs) {
  std::stable_sort(cs.begin(), cs.end(), [](const Cand* a, const Cand* b) {
    if (a->view.disruption_cost != b->view.disruption_cost) {
      return a->view.disruption_cost < b->view.disruption_cost;
    }
    return a->view.node < b->view.node;
  });
}

std::string names_of(const std::vector<const Cand*>& cs) {
  std::string s;
  for (const auto* c : cs) s += (s.empty() ? "" : ", ") + c->view.node;
  return s;
}

DisruptionCommand make_command(const DisruptionContext& ctx, DisruptionMethod m,
                               const std::vector<const Cand*>& cs) {
  DisruptionCommand cmd;
  cmd.method = m;
  cmd.reason = m == DisruptionMethod::kEmptiness ? DisruptionReason::kEmpty
                                                 : DisruptionReason::kUnderutilized;
  for (const auto* c : cs) {
    cmd.candidates.push_back(c->view);
    cmd.candidates_price_per_hour += c->price.value_or(0.0);
  }
  cmd.computed_us = ctx.in.now_us;
  cmd.validate_at_us = ctx.in.now_us + kCommandValidationDelay.count() * kUs;
  return cmd;
}

std::optional<DisruptionCommand> emptiness(const DisruptionContext& ctx,
                                           std::vector<const Cand*> cs,
                                           std::map<std::string, std::int64_t>& budget,
                                           DisruptionDecision& out) {
  sort_by_cost(cs);
  std::vector<const Cand*> empty;
  for (const auto* c : cs) {
    if (budget[c->pool->name] == 0) {
      out.trace.push_back("emptiness: " + c->view.node + " blocked by the budget of NodePool " +
                          c->pool->name);
      continue;
    }
    empty.push_back(c);
    --budget[c->pool->name];
  }
  if (empty.empty()) return std::nullopt;
  DisruptionCommand cmd = make_command(ctx, DisruptionMethod::kEmptiness, empty);
  cmd.savings_per_hour = cmd.candidates_price_per_hour;
  if (empty.size() == 1) {
    cmd.message = "node " + empty[0]->view.node + " empty for " +
                  std::to_string(empty[0]->view.idle_seconds) + " s: delete";
  } else {
    std::string list;
    for (const auto* c : empty) {
      list += (list.empty() ? "" : ", ") + c->view.node + " (empty for " +
              std::to_string(c->view.idle_seconds) + " s)";
    }
    cmd.message = "delete " + std::to_string(empty.size()) + " empty nodes: " + list;
  }
  if (cmd.savings_per_hour > 0) cmd.message += ", saves " + format_price(cmd.savings_per_hour);
  return cmd;
}

DisruptionCommand consolidation_command(const DisruptionContext& ctx, DisruptionMethod m,
                                        const std::vector<const Cand*>& cs,
                                        detail::Consolidation& c) {
  DisruptionCommand cmd = make_command(ctx, m, cs);
  cmd.decision = c.decision;
  const std::string what = describe_types(cs);
  if (c.decision == CommandDecision::kDelete) {
    cmd.savings_per_hour = cmd.candidates_price_per_hour;
    cmd.message = (cs.size() == 1 ? "delete node " + cs[0]->view.node + " (" + what + ")"
                                  : "delete " + what + " (" + names_of(cs) + ")") +
                  ": " + (cs.size() == 1 ? "its" : "their") + " pods fit on other nodes, saves " +
                  format_price(cmd.savings_per_hour);
    return cmd;
  }
  const NewNodeClaim& r = *c.replacement;
  cmd.replacement_price_per_hour = r.launch.price_per_hour;
  cmd.savings_per_hour = cmd.candidates_price_per_hour - r.launch.price_per_hour;
  cmd.message = "replace " + what + " (" + names_of(cs) + ", " +
                format_price(cmd.candidates_price_per_hour) + ") by 1 x " + r.launch.instance_type +
                " " + std::string(capacity_type_name(r.launch.capacity_type)) + " in " +
                r.launch.zone + " at " + format_price(r.launch.price_per_hour) + ", saves " +
                format_price(cmd.savings_per_hour);
  cmd.replacements.push_back(r);
  cmd.replacements.back().message = cmd.message;
  return cmd;
}

/// multinodeconsolidation.go filterOutSameInstanceType: a replacement that
/// could be one of the removed types must be cheaper than that node.
bool filter_out_same_type(const DisruptionContext& ctx, const std::vector<const Cand*>& cs,
                          detail::Consolidation& c) {
  double max_price = std::numeric_limits<double>::infinity();
  for (const auto& it : c.options) {
    for (const auto* cand : cs) {
      if (cand->type != nullptr && cand->type->name == it.name) {
        max_price = std::min(max_price, cand->price.value_or(max_price));
      }
    }
  }
  auto kept = remove_by_price(c.options, c.reqs, max_price, ctx.in.unavailable);
  if (!kept || kept->empty()) return false;
  c.options = std::move(*kept);
  return true;
}

std::optional<DisruptionCommand> multi_node(const DisruptionContext& ctx,
                                            std::vector<const Cand*> cs,
                                            std::map<std::string, std::int64_t>& budget,
                                            DisruptionDecision& out) {
  sort_by_cost(cs);
  std::vector<const Cand*> ok;
  for (const auto* c : cs) {
    if (budget[c->pool->name] == 0 || c->reschedulable.empty()) continue;
    ok.push_back(c);
    --budget[c->pool->name];
  }
  if (ok.size() < 2) {
    out.trace.push_back("multi-node consolidation: fewer than 2 candidates within budgets");
    return std::nullopt;
  }
  // firstNConsolidationOption: binary search on the prefix length (≥ 2).
  std::size_t lo = 1;
  std::size_t hi = std::min(ok.size(), kMultiNodeMaxCandidates);
  if (ok.size() <= hi) hi = ok.size() - 1;
  std::optional<DisruptionCommand> best;
  while (lo <= hi) {
    const std::size_t mid = (lo + hi) / 2;
    const std::vector<const Cand*> prefix(ok.begin(), ok.begin() + static_cast<long>(mid) + 1);
    auto c = detail::compute_consolidation(ctx, prefix);
    bool valid = c.ok && c.decision == CommandDecision::kDelete;
    if (c.ok && c.decision == CommandDecision::kReplace) {
      valid = filter_out_same_type(ctx, prefix, c) && detail::finish_replacement(ctx, c);
    }
    out.trace.push_back("multi-node consolidation: first " + std::to_string(prefix.size()) +
                        " candidates " + (valid ? "consolidate" : "do not: " + c.why_not));
    if (valid) {
      best = consolidation_command(ctx, DisruptionMethod::kMultiNodeConsolidation, prefix, c);
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

std::optional<DisruptionCommand> single_node(const DisruptionContext& ctx,
                                             std::vector<const Cand*> cs,
                                             std::map<std::string, std::int64_t>& budget,
                                             DisruptionDecision& out) {
  sort_by_cost(cs);
  // Interleave across NodePools (upstream shuffleCandidates; pool order here:
  // first appearance in the sorted list, upstream's map order is unspecified).
  std::vector<std::string> pools;
  std::map<std::string, std::vector<const Cand*>> by_pool;
  for (const auto* c : cs) {
    if (!by_pool.contains(c->pool->name)) pools.push_back(c->pool->name);
    by_pool[c->pool->name].push_back(c);
  }
  std::vector<const Cand*> order;
  for (std::size_t i = 0; order.size() < cs.size(); ++i) {
    for (const auto& p : pools) {
      if (i < by_pool[p].size()) order.push_back(by_pool[p][i]);
    }
  }
  for (const auto* c : order) {
    if (budget[c->pool->name] == 0) {
      out.trace.push_back("single-node consolidation: " + c->view.node +
                          " blocked by the budget of NodePool " + c->pool->name);
      continue;
    }
    if (c->reschedulable.empty()) continue;  // left to emptiness (its budget)
    auto r = detail::compute_consolidation(ctx, {c});
    if (r.ok && r.decision == CommandDecision::kReplace && !detail::finish_replacement(ctx, r)) {
      r.ok = false;
    }
    if (!r.ok) {
      out.not_candidates.push_back({c->view.node, r.why_not});
      out.trace.push_back("single-node consolidation: " + c->view.node + ": " + r.why_not);
      continue;
    }
    return consolidation_command(ctx, DisruptionMethod::kSingleNodeConsolidation, {c}, r);
  }
  return std::nullopt;
}

}  // namespace

std::string_view disruption_method_name(DisruptionMethod m) {
  switch (m) {
    case DisruptionMethod::kEmptiness:
      return "emptiness";
    case DisruptionMethod::kMultiNodeConsolidation:
      return "multi-node consolidation";
    case DisruptionMethod::kSingleNodeConsolidation:
      return "single-node consolidation";
  }
  return "?";
}

double eviction_cost(const PodView& pod) {
  const double cost = 1.0 + static_cast<double>(pod.deletion_cost) / std::pow(2.0, 27.0) +
                      static_cast<double>(pod.priority) / std::pow(2.0, 25.0);
  return std::clamp(cost, -10.0, 10.0);
}

double lifetime_remaining(const ExistingNode& node, std::int64_t now_us) {
  if (!node.expire_after || node.expire_after->count() <= 0) return 1.0;
  const double total = static_cast<double>(node.expire_after->count());
  const double age = static_cast<double>(now_us - node.created_us) / 1e6;
  return std::clamp((total - age) / total, 0.0, 1.0);
}

std::vector<NodeVerdict> expired_nodes(const std::vector<ExistingNode>& nodes,
                                       std::int64_t now_us) {
  std::vector<NodeVerdict> out;
  for (const auto& n : nodes) {
    if (!n.nodepool || !n.expire_after || n.marked_for_deletion) continue;
    const std::int64_t age_s = (now_us - n.created_us) / kUs;
    if (age_s >= n.expire_after->count()) {
      out.push_back({n.name, "node " + n.name + " expired: age " + std::to_string(age_s) +
                                 " s >= expireAfter " + std::to_string(n.expire_after->count()) +
                                 " s: delete (forceful, no budget)"});
    }
  }
  return out;
}

DisruptionDecision disrupt(const DisruptionInput& input) {
  const DisruptionContext ctx(input);
  DisruptionDecision out;
  std::vector<Cand> all;
  for (const auto& n : input.nodes) {
    std::string why;
    if (auto c = detail::make_candidate(ctx, n, why)) {
      all.push_back(std::move(*c));
    } else if (n.nodepool) {
      out.not_candidates.push_back({n.name, why});
    }
  }
  const DisruptionMethod methods[] = {DisruptionMethod::kEmptiness,
                                      DisruptionMethod::kMultiNodeConsolidation,
                                      DisruptionMethod::kSingleNodeConsolidation};
  bool skipping = input.resume_after.has_value();
  for (const DisruptionMethod m : methods) {
    if (skipping) {
      skipping = m != *input.resume_after;
      continue;
    }
    const bool empty_method = m == DisruptionMethod::kEmptiness;
    std::vector<const Cand*> cs;
    for (const auto& c : all) {
      std::string why;
      if (empty_method ? detail::emptiness_should(c, why) : detail::consolidation_should(c, why)) {
        cs.push_back(&c);
      } else if (!empty_method && m == DisruptionMethod::kMultiNodeConsolidation) {
        out.not_candidates.push_back({c.view.node, why});
      }
    }
    const std::string name(disruption_method_name(m));
    if (cs.empty()) {
      out.trace.push_back(name + ": no candidates");
      continue;
    }
    out.budgets = budget_mapping(
        input.node_pools, input.nodes,
        empty_method ? DisruptionReason::kEmpty : DisruptionReason::kUnderutilized, input.now_us);
    auto budget = budget_map(out.budgets);
    std::optional<DisruptionCommand> cmd;
    if (m == DisruptionMethod::kEmptiness) cmd = emptiness(ctx, cs, budget, out);
    if (m == DisruptionMethod::kMultiNodeConsolidation) cmd = multi_node(ctx, cs, budget, out);
    if (m == DisruptionMethod::kSingleNodeConsolidation) cmd = single_node(ctx, cs, budget, out);
    out.trace.push_back(name + ": " + std::to_string(cs.size()) + " candidate(s), " +
                        (cmd ? "command: " + cmd->message : std::string("no command")));
    if (cmd) {
      out.summary = name + ": " + cmd->message + " (pending validation until +" +
                    std::to_string(kCommandValidationDelay.count()) + " s)";
      out.command = std::move(cmd);
      return out;
    }
  }
  out.summary = "no disruption: " + std::to_string(all.size()) +
                " candidate node(s), no method "
                "produced a command";
  return out;
}

ValidationResult validate(const DisruptionCommand& cmd, const DisruptionInput& input) {
  ValidationResult out;
  if (input.now_us < cmd.validate_at_us) {
    out.outcome = ValidationOutcome::kNotDue;
    out.reason = "validation due in " +
                 std::to_string((cmd.validate_at_us - input.now_us + kUs - 1) / kUs) + " s";
    return out;
  }
  const DisruptionContext ctx(input);
  const bool empty_method = cmd.method == DisruptionMethod::kEmptiness;
  std::vector<Cand> cands;
  for (const auto& cv : cmd.candidates) {
    const auto n = std::find_if(input.nodes.begin(), input.nodes.end(),
                                [&](const ExistingNode& x) { return x.name == cv.node; });
    std::string why;
    if (n == input.nodes.end()) {
      out.reason = "candidate " + cv.node + " no longer exists";
      return out;
    }
    auto c = detail::make_candidate(ctx, *n, why);
    if (c && !(empty_method ? detail::emptiness_should(*c, why)
                            : detail::consolidation_should(*c, why))) {
      c.reset();
    }
    if (!c) {
      out.reason = "candidate " + cv.node + " is no longer valid: " + why;
      return out;
    }
    cands.push_back(std::move(*c));
  }
  auto budget = budget_map(budget_mapping(
      input.node_pools, input.nodes,
      empty_method ? DisruptionReason::kEmpty : DisruptionReason::kUnderutilized, input.now_us));
  for (const auto& c : cands) {
    if (budget[c.pool->name] == 0) {
      out.reason = "candidate " + c.view.node +
                   " can no longer be disrupted without violating "
                   "the budgets of NodePool " +
                   c.pool->name;
      return out;
    }
    --budget[c.pool->name];
  }
  if (!empty_method) {
    std::vector<const Cand*> cs;
    for (const auto& c : cands) cs.push_back(&c);
    const auto sim = detail::simulate(ctx, cs);
    if (sim.failure) {
      out.reason = *sim.failure;
      return out;
    }
    const auto& fresh = sim.result.new_claims;
    bool same = fresh.size() == cmd.replacements.size() && fresh.size() <= 1;
    if (same && fresh.size() == 1) {  // the command's types ⊆ the new simulation's
      const auto& now_types = fresh[0].instance_types;
      for (const auto& t : cmd.replacements[0].instance_types) {
        same &= std::find(now_types.begin(), now_types.end(), t) != now_types.end();
      }
    }
    if (!same) {
      out.reason = "scheduling simulation produced new results";
      return out;
    }
  }
  out.outcome = ValidationOutcome::kValid;
  out.reason = "still valid after " + std::to_string(kCommandValidationDelay.count()) + " s";
  out.command = cmd;
  return out;
}

}  // namespace ksim::control::karpenter
