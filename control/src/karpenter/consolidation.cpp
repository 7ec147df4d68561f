// The scheduling simulation of disruption and computeConsolidation; see
// disruption_internal.h for the upstream sources.
#include <algorithm>
#include <limits>
#include <set>

#include "disruption_internal.h"
#include "ksim/control/karpenter/launch.h"

namespace ksim::control::karpenter::detail {
namespace {

/// upstream InstanceTypes.OrderByPrice(reqs): cheapest compatible available
/// offering, then name.
void order_by_price(std::vector<InstanceType>& its, const Requirements& reqs,
                    const UnavailableOfferings& u) {
  const auto cheapest = [&](const InstanceType& it) {
    double best = std::numeric_limits<double>::infinity();
    for (const auto& o : it.offerings) {
      if (o.available && reqs.allows(kLabelZone, o.zone) &&
          reqs.allows(kLabelCapacityType, capacity_type_name(o.capacity_type)) &&
          !u.contains(OfferingKey{it.name, o.zone, o.capacity_type})) {
        best = std::min(best, o.price_per_hour);
      }
    }
    return best;
  };
  std::stable_sort(its.begin(), its.end(), [&](const InstanceType& a, const InstanceType& b) {
    const double pa = cheapest(a), pb = cheapest(b);
    return pa != pb ? pa < pb : a.name < b.name;
  });
}

void pin_spot(Requirements& reqs) {
  reqs.add(Requirement{std::string(kLabelCapacityType), Operator::kIn, {"spot"}, std::nullopt});
}

bool has_spot_offering(const InstanceType& it, const Requirements& reqs,
                       const UnavailableOfferings& u) {
  return std::any_of(it.offerings.begin(), it.offerings.end(), [&](const Offering& o) {
    return o.capacity_type == CapacityType::kSpot && o.available &&
           reqs.allows(kLabelZone, o.zone) &&
           !u.contains(OfferingKey{it.name, o.zone, o.capacity_type});
  });
}

Consolidation no_op(std::string why) {
  Consolidation c;
  c.why_not = std::move(why);
  return c;
}

}  // namespace

std::optional<std::int64_t> consolidatable_at(const DisruptionContext& ctx,
                                              const ExistingNode& node) {
  if (!node.nodepool) return std::nullopt;
  const auto p = ctx.pools.find(*node.nodepool);
  if (p == ctx.pools.end() || !p->second->disruption.consolidate_after) return std::nullopt;
  // nodeclaim/disruption/consolidation.go: since lastPodEventTime, else Initialized.
  const std::int64_t since =
      node.last_pod_event_us.value_or(node.initialized_us.value_or(node.created_us));
  return since + p->second->disruption.consolidate_after->count() * 1'000'000;
}

const ProvisioningBase& DisruptionContext::base() const {
  if (base_) return *base_;
  std::vector<BaseNode> nodes;
  for (const auto& n : in.nodes) {
    if (n.marked_for_deletion) continue;  // their pods reschedule (simulate)
    const auto at = consolidatable_at(*this, n);
    nodes.push_back({&n, n.nodepool.has_value() && n.initialized && at && in.now_us < *at});
  }
  base_ = make_base(nodes, in.in_flight, in.node_pools, in.instance_types, in.unavailable,
                    in.daemonsets, in.options.min_values_best_effort);
  return *base_;
}

Simulation simulate(const DisruptionContext& ctx, const std::vector<const Cand*>& cands) {
  const ProvisioningBase& base = ctx.base();
  std::set<std::string> names;
  for (const auto* c : cands) names.insert(c->node->name);
  std::vector<std::size_t> excluded;
  for (const auto& name : names) {
    if (const auto it = base.index.find(name); it != base.index.end())
      excluded.push_back(it->second);
  }
  std::vector<SimPod> pods;
  std::set<std::string> must_move;  // non-pending pods: they must all schedule
  for (const auto& n : ctx.in.nodes) {
    // A deleting node's pods reschedule too, exempt from consolidateAfter.
    if (names.contains(n.name) || !n.marked_for_deletion) continue;
    for (const auto& p : n.pods) {
      if (p.daemonset) continue;
      pods.push_back({&p, false});
      must_move.insert(p.key());
    }
  }
  for (const auto* c : cands) {
    for (const auto* p : c->reschedulable) {
      pods.push_back({p, true});
      must_move.insert(p->key());
    }
  }
  for (const auto& p : ctx.in.pending_pods) pods.push_back({&p, false});
  Simulation s;
  // Where each pod went is all that is read here: no sentence per placement.
  s.result = provision(base, pods, excluded, /*explain=*/false);
  for (const auto& pl : s.result.placements) {
    if (!must_move.contains(pl.pod)) continue;  // pending pods need not fit
    if (pl.kind == PlacementKind::kUnschedulable) {
      s.failure = "pod " + pl.pod + " cannot be rescheduled: " + pl.message;
      return s;
    }
    // helpers.go UninitializedNodeError: no decision on a node not yet initialized.
    const auto at = base.index.find(pl.target);
    const bool initialized = at != base.index.end() && base.nodes[at->second].initialized;
    if (pl.kind == PlacementKind::kInFlightClaim ||
        (pl.kind == PlacementKind::kExistingNode && !initialized)) {
      s.failure = "pod " + pl.pod + " would schedule against uninitialized node " + pl.target;
      return s;
    }
  }
  return s;
}

std::string describe_types(const std::vector<const Cand*>& cands) {
  std::vector<std::pair<std::string, int>> counts;
  for (const auto* c : cands) {
    auto it = std::find_if(counts.begin(), counts.end(),
                           [&](const auto& e) { return e.first == c->view.instance_type; });
    if (it == counts.end()) {
      counts.emplace_back(c->view.instance_type, 1);
    } else {
      ++it->second;
    }
  }
  std::string out;
  for (const auto& [t, n] : counts) {
    out += (out.empty() ? "" : " + ") + std::to_string(n) + " x " + t;
  }
  return out;
}

Consolidation compute_consolidation(const DisruptionContext& ctx,
                                    const std::vector<const Cand*>& cands) {
  const Simulation sim = simulate(ctx, cands);
  if (sim.failure) return no_op(*sim.failure);
  Consolidation out;
  for (const auto* c : cands) out.candidates_price += c->price.value_or(0.0);
  if (sim.result.new_claims.empty()) {  // every pod fits elsewhere: delete
    out.ok = true;
    out.decision = CommandDecision::kDelete;
    return out;
  }
  if (sim.result.new_claims.size() > 1) {
    return no_op("Can't remove without creating " + std::to_string(sim.result.new_claims.size()) +
                 " candidates");
  }
  const NewNodeClaim& claim = sim.result.new_claims.front();
  out.replacement = claim;
  out.reqs = claim.requirements;
  for (const auto& name : claim.instance_types) out.options.push_back(*ctx.types.at(name));
  order_by_price(out.options, out.reqs, ctx.in.unavailable);
  const auto& u = ctx.in.unavailable;
  const bool all_spot = std::all_of(cands.begin(), cands.end(), [](const Cand* c) {
    return c->view.capacity_type == capacity_type_name(CapacityType::kSpot);
  });
  if (all_spot && out.reqs.allows(kLabelCapacityType, "spot")) {
    // computeSpotToSpotConsolidation.
    if (!ctx.in.options.spot_to_spot_consolidation) {
      return no_op(
          "SpotToSpotConsolidation is disabled, can't replace a spot node with a spot node");
    }
    pin_spot(out.reqs);
    std::erase_if(out.options,
                  [&](const InstanceType& it) { return !has_spot_offering(it, out.reqs, u); });
    auto kept = remove_by_price(out.options, out.reqs, out.candidates_price, u);
    if (!kept) return no_op("Filtering by price: minValues requirement is not met");
    if (kept->empty()) return no_op("Can't replace with a cheaper node");
    if (cands.size() == 1) {
      if (kept->size() < kMinSpotToSpotInstanceTypes) {
        return no_op(
            "SpotToSpotConsolidation requires 15 cheaper instance type options than the "
            "current candidate to consolidate, got " +
            std::to_string(kept->size()));
      }
      kept->resize(kMinSpotToSpotInstanceTypes);  // launch with the 15 cheapest only
    }
    out.options = std::move(*kept);
    out.ok = true;
    out.decision = CommandDecision::kReplace;
    return out;
  }
  // Strictly cheaper: worst launch price < the candidates' price.
  auto kept = remove_by_price(out.options, out.reqs, out.candidates_price, u);
  if (!kept) return no_op("Filtering by price: minValues requirement is not met");
  if (kept->empty()) return no_op("Can't replace with a cheaper node");
  out.options = std::move(*kept);
  // OD -> [OD, spot]: filtered assuming spot launches, so pin spot (a failed
  // launch leaves the node alone rather than buying pricier on-demand).
  if (out.reqs.allows(kLabelCapacityType, "spot") &&
      out.reqs.allows(kLabelCapacityType, "on-demand")) {
    pin_spot(out.reqs);
  }
  out.ok = true;
  out.decision = CommandDecision::kReplace;
  return out;
}

bool finish_replacement(const DisruptionContext& ctx, Consolidation& c) {
  NewNodeClaim& r = *c.replacement;
  r.requirements = c.reqs;
  r.instance_types.clear();
  for (const auto& it : c.options) r.instance_types.push_back(it.name);
  r.launch = choose_offering(c.options, c.reqs, ctx.in.unavailable);
  if (!r.launch.ok) {
    c.why_not = "replacement cannot launch: " + r.launch.message;
    return false;
  }
  return true;
}

}  // namespace ksim::control::karpenter::detail
