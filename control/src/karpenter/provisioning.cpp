// The scheduling simulation and launch choice; see provisioning.h.
#include "ksim/control/karpenter/provisioning.h"

#include <algorithm>
#include <deque>
#include <map>
#include <numeric>
#include <optional>

#include "simulation.h"

namespace ksim::control::karpenter {
namespace {

using detail::Attempt;
using detail::Claim;
using detail::Node;
using detail::Template;

using detail::ProvisioningBase;
using detail::Remaining;

/// What is free on a node with `requested` on it: what fits_in accepts
/// (a node whose allocatable has a negative part takes nothing).
Resources free_on(const Node& n, const Resources& requested) {
  const Resources& a = n.available;
  if (a.cpu_milli < 0 || a.memory_bytes < 0 || a.pods < 0) return detail::FreeTree::never();
  return a - requested;
}

/// One simulation over a base: what it changes (requests on nodes, new
/// claims, limits) is its own. The base's per-node requests and free tree
/// are changed in place and restored when the simulation ends.
struct Placing {
  const ProvisioningBase& base;
  std::vector<Claim> claims;  // creation order
  std::map<std::string, Remaining> remaining;
  bool any_prefer_no_schedule = false;
  bool explain = true;
  std::vector<std::pair<std::size_t, Resources>> undo;  // (node, requests before), in order
  std::vector<std::size_t> excluded;

  Placing(const ProvisioningBase& b, bool why) : base(b), remaining(b.remaining), explain(why) {}
  Placing(const Placing&) = delete;
  Placing& operator=(const Placing&) = delete;
  ~Placing() {
    for (auto it = undo.rbegin(); it != undo.rend(); ++it) base.requests[it->first] = it->second;
    for (const auto& [i, old] : undo) base.free.set(i, free_on(base.nodes[i], base.requests[i]));
    for (const std::size_t i : excluded) base.free.set(i, free_on(base.nodes[i], base.requests[i]));
  }
  void add(std::size_t i, const Resources& r) {
    undo.emplace_back(i, base.requests[i]);
    base.requests[i] += r;
    base.free.set(i, free_on(base.nodes[i], base.requests[i]));
  }
  void exclude(std::size_t i) {
    excluded.push_back(i);
    base.free.set(i, detail::FreeTree::never());
  }
};

bool has_prefer_no_schedule(const std::vector<Taint>& taints) {
  return std::any_of(taints.begin(), taints.end(),
                     [](const Taint& t) { return t.effect == TaintEffect::kPreferNoSchedule; });
}

Node make_node(const std::string& name, const Labels& labels, const std::vector<Taint>& taints,
               Resources available, Resources missing_daemons, bool initialized, bool in_flight) {
  return Node{name,      initialized,     in_flight, &labels,     &taints,
              available, missing_daemons, false,     std::nullopt};
}

std::optional<PodPlacement> add_to_nodes(Placing& s, const PodView& pod, bool moved,
                                         const Attempt& a) {
  // The nodes in order, those without room for the pod skipped (node_can_add
  // rejects them whatever it would say first); left-out nodes have none.
  const Resources wanted = pod.requests();
  const detail::FreeTree& free = s.base.free;
  for (std::size_t i = free.first_cover(0, wanted); i != detail::FreeTree::kNone;
       i = free.first_cover(i + 1, wanted)) {
    const Node& n = s.base.nodes[i];
    // scheduler.go addToExistingNode: pods a disruption would move skip nodes
    // still inside consolidateAfter (pending pods and deleting nodes' pods do not).
    if (moved && n.under_consolidate_after) continue;
    if (detail::node_can_add(n, s.base.requests[i], pod, a)) continue;
    s.add(i, wanted);
    PodPlacement p{pod.key(),
                   n.in_flight ? PlacementKind::kInFlightClaim : PlacementKind::kExistingNode,
                   n.name,
                   {}};
    if (s.explain) {
      p.message = "pod " + p.pod + " nominated to " +
                  (n.in_flight ? "in-flight NodeClaim " : "node ") + n.name +
                  (n.initialized ? "" : " (not initialized yet)") + ", which has room";
    }
    return p;
  }
  return std::nullopt;
}

void commit(Claim& c, const PodView& pod, detail::ClaimFit&& fit) {
  c.reqs = std::move(fit.reqs);
  c.options = std::move(fit.options);
  c.requests += pod.requests();
  c.pods.push_back(pod.key());
}

std::optional<PodPlacement> add_to_claims(Placing& s, const PodView& pod, const Attempt& a) {
  // scheduler.go: new NodeClaims sorted by fewest pods (ties: creation order here;
  // upstream's sort.Slice leaves ties unspecified).
  std::vector<std::size_t> order(s.claims.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return s.claims[x].pods.size() < s.claims[y].pods.size();
  });
  for (std::size_t i : order) {
    auto fit = detail::claim_can_add(s.claims[i], pod, a, s.base.catalog, s.base.best_effort);
    if (!fit.ok) continue;
    commit(s.claims[i], pod, std::move(fit));
    if (!s.explain)
      return PodPlacement{pod.key(), PlacementKind::kNewNodeClaim, s.claims[i].name, {}};
    return PodPlacement{pod.key(), PlacementKind::kNewNodeClaim, s.claims[i].name,
                        "pod " + pod.key() + " joins new NodeClaim " + s.claims[i].name +
                            " (NodePool " + s.claims[i].tmpl->pool->name + ")"};
  }
  return std::nullopt;
}

std::string max_daemon_text(const Template& t) {
  Resources m;
  for (std::size_t i : t.options) m = Resources::max(m, t.daemon[i]);
  return m.describe();
}

/// scheduler.go addToNewNodeClaim: the first template (weight order) that takes the pod.
std::optional<PodPlacement> add_to_new_claim(Placing& s, const PodView& pod, const Attempt& a,
                                             std::string& error) {
  if (s.base.templates.empty()) {
    error = "nodepool requirements filtered out all available instance types";
    return std::nullopt;
  }
  std::vector<std::string> errs;
  for (const auto& t : s.base.templates) {
    const std::string& name = t.pool->name;
    Claim c{&t, name + "-" + std::to_string(s.claims.size() + 1), t.reqs, t.options, {}, {}};
    if (auto r = s.remaining.find(name); r != s.remaining.end()) {
      if (r->second.nodes && *r->second.nodes == 0) {
        errs.push_back("node limits have been exhausted for nodepool: \"" + name + "\"");
        continue;
      }
      std::erase_if(c.options, [&](std::size_t i) {
        return !r->second.admits((*s.base.catalog.types)[i].capacity);
      });
      if (c.options.empty()) {
        errs.push_back("all available instance types exceed limits for nodepool: \"" + name + "\"");
        continue;
      }
    }
    auto fit = detail::claim_can_add(c, pod, a, s.base.catalog, s.base.best_effort);
    if (!fit.ok) {
      errs.push_back("incompatible with nodepool \"" + name +
                     "\", daemonset overhead=" + max_daemon_text(t) + ", " + fit.error);
      continue;
    }
    commit(c, pod, std::move(fit));
    if (auto r = s.remaining.find(name); r != s.remaining.end()) {  // subtractMax
      Resources m;
      for (std::size_t i : c.options) m = Resources::max(m, (*s.base.catalog.types)[i].capacity);
      r->second.subtract(m.cpu_milli, m.memory_bytes);
    }
    s.claims.push_back(std::move(c));
    return PodPlacement{pod.key(), PlacementKind::kNewNodeClaim, s.claims.back().name,
                        "pod " + pod.key() + " opens new NodeClaim " + s.claims.back().name +
                            " from NodePool " + name};
  }
  for (const auto& e : errs) error += (error.empty() ? "" : "; ") + e;
  return std::nullopt;
}

/// Solve's trySchedule: each relaxation in turn; the error of the last one.
std::optional<PodPlacement> try_schedule(Placing& s, const PodView& pod, bool moved,
                                         std::string& error) {
  for (const auto& a : detail::attempts(pod, s.any_prefer_no_schedule)) {
    error.clear();
    if (auto p = add_to_nodes(s, pod, moved, a)) return p;
    if (auto p = add_to_claims(s, pod, a)) return p;
    if (auto p = add_to_new_claim(s, pod, a, error)) return p;
  }
  return std::nullopt;
}

NewNodeClaim finalize(const Placing& s, const Claim& c) {
  NewNodeClaim out;
  out.name = c.name;
  out.nodepool = c.tmpl->pool->name;
  out.pods = c.pods;
  out.requirements = c.reqs;
  out.pod_requests = c.requests;
  std::vector<InstanceType> options;
  for (std::size_t k = 0; k < c.options.size(); ++k) {
    const std::size_t i = c.options[k];
    options.push_back((*s.base.catalog.types)[i]);
    out.instance_types.push_back(options.back().name);
    // addDaemonRequests: the smallest overhead among the remaining types.
    out.daemon_overhead =
        k == 0 ? c.tmpl->daemon[i] : Resources::min(out.daemon_overhead, c.tmpl->daemon[i]);
  }
  out.launch = choose_offering(options, c.reqs, *s.base.unavailable);
  std::string pods;
  for (const auto& p : c.pods) pods += (pods.empty() ? "" : ", ") + p;
  out.message = (c.pods.size() == 1 ? "pod " : "pods ") + pods +
                " unschedulable: new NodeClaim from NodePool " + out.nodepool + ": " +
                (out.launch.ok ? out.launch.message : "cannot launch: " + out.launch.message);
  return out;
}

std::string summarize(const ProvisioningResult& r) {
  std::size_t existing = 0, in_flight = 0, fresh = 0;
  for (const auto& p : r.placements) {
    existing += p.kind == PlacementKind::kExistingNode;
    in_flight += p.kind == PlacementKind::kInFlightClaim;
    fresh += p.kind == PlacementKind::kNewNodeClaim;
  }
  return std::to_string(r.placements.size()) +
         " provisionable pod(s): " + std::to_string(existing) + " nominated to existing nodes, " +
         std::to_string(in_flight) + " to in-flight NodeClaims, " + std::to_string(fresh) +
         " packed into " + std::to_string(r.new_claims.size()) + " new NodeClaim(s), " +
         std::to_string(r.unschedulable) + " unschedulable";
}

}  // namespace

std::vector<std::string> nodepool_order(const std::vector<NodePool>& pools) {
  std::vector<const NodePool*> ps;
  for (const auto& p : pools) ps.push_back(&p);
  std::stable_sort(ps.begin(), ps.end(), [](const NodePool* a, const NodePool* b) {
    return a->weight != b->weight ? a->weight > b->weight : a->name > b->name;
  });
  std::vector<std::string> out;
  for (const auto* p : ps) out.push_back(p->name);
  return out;
}

std::vector<std::string> pod_order(std::vector<PodView> pods) {
  std::stable_sort(pods.begin(), pods.end(), [](const PodView& a, const PodView& b) {
    if (a.cpu_milli != b.cpu_milli) return a.cpu_milli > b.cpu_milli;
    if (a.memory_bytes != b.memory_bytes) return a.memory_bytes > b.memory_bytes;
    if (a.creation_us != b.creation_us) return a.creation_us < b.creation_us;
    return (a.uid.empty() ? a.key() : a.uid) < (b.uid.empty() ? b.key() : b.uid);
  });
  std::vector<std::string> out;
  for (const auto& p : pods) out.push_back(p.key());
  return out;
}

ProvisioningResult provision(const ProvisioningInput& input) {
  std::vector<detail::BaseNode> nodes;
  nodes.reserve(input.nodes.size());
  for (const auto& n : input.nodes) nodes.push_back({&n, n.under_consolidate_after});
  const ProvisioningBase base =
      detail::make_base(nodes, input.in_flight, input.node_pools, input.instance_types,
                        input.unavailable, input.daemonsets, input.min_values_best_effort);
  std::vector<detail::SimPod> pods;
  pods.reserve(input.pods.size());
  for (const auto& p : input.pods) pods.push_back({&p, p.being_moved});
  return detail::provision(base, pods, {});
}

namespace detail {

ProvisioningBase make_base(const std::vector<BaseNode>& nodes,
                           const std::vector<InFlightNodeClaim>& in_flight,
                           const std::vector<NodePool>& pools,
                           const std::vector<InstanceType>& types, const UnavailableOfferings& u,
                           const std::vector<DaemonSetView>& daemonsets, bool best_effort) {
  ProvisioningBase b;
  b.catalog = make_catalog(types, u);
  b.unavailable = &u;
  b.best_effort = best_effort;
  struct Entry {
    Node node;
    const ExistingNode* origin;
    bool pns;
  };
  std::vector<Entry> entries;
  entries.reserve(nodes.size() + in_flight.size());
  for (const BaseNode& bn : nodes) {
    const ExistingNode& n = *bn.node;
    Entry e{make_node(n.name, n.labels, n.taints, n.allocatable - n.requested,
                      missing_daemon_overhead(n.labels, n.taints, n.daemon_requested, daemonsets),
                      n.initialized, false),
            &n, has_prefer_no_schedule(n.taints)};
    e.node.under_consolidate_after = bn.under_consolidate_after;
    entries.push_back(std::move(e));
  }
  for (const auto& c : in_flight) {
    entries.push_back(
        {make_node(c.name, c.labels, c.taints, c.allocatable - c.requested,
                   missing_daemon_overhead(c.labels, c.taints, {}, daemonsets), false, true),
         nullptr, false});
    b.pools_prefer_no_schedule |= has_prefer_no_schedule(c.taints);
  }
  // scheduler.go sortExistingNodes: initialized first, then by name.
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) {
    if (x.node.initialized != y.node.initialized) return x.node.initialized;
    return x.node.name < y.node.name;
  });
  b.free.reset(entries.size());
  for (auto& e : entries) {
    b.free.set(b.nodes.size(), free_on(e.node, e.node.requests));
    b.requests.push_back(e.node.requests);
    b.index.emplace(e.node.name, b.nodes.size());
    b.nodes.push_back(std::move(e.node));
    b.origin.push_back(e.origin);
    b.prefer_no_schedule.push_back(e.pns);
    b.nodes_prefer_no_schedule += e.pns ? 1 : 0;
  }
  for (const auto& name : nodepool_order(pools)) {
    const auto& pool = *std::find_if(pools.begin(), pools.end(),
                                     [&](const NodePool& p) { return p.name == name; });
    b.pools_prefer_no_schedule |= has_prefer_no_schedule(pool.taints);
    if (auto t = make_template(pool, b.catalog, daemonsets, best_effort)) {
      b.templates.push_back(std::move(*t));
    }
    const auto& l = pool.limits;
    if (!l.cpu_milli && !l.memory_bytes && !l.nodes) continue;
    Remaining r{l.cpu_milli, l.memory_bytes, l.nodes};
    for (const BaseNode& bn : nodes) {
      const ExistingNode& n = *bn.node;
      if (n.nodepool == pool.name) r.subtract(n.capacity.cpu_milli, n.capacity.memory_bytes);
    }
    for (const auto& c : in_flight) {
      if (c.nodepool == pool.name) r.subtract(c.capacity.cpu_milli, c.capacity.memory_bytes);
    }
    b.remaining[pool.name] = r;
  }
  return b;
}

ProvisioningResult provision(const ProvisioningBase& base, const std::vector<SimPod>& pods,
                             const std::vector<std::size_t>& excluded, bool explain) {
  Placing s(base, explain);
  std::size_t pns_left = base.nodes_prefer_no_schedule;
  std::vector<char> seen(base.nodes.size(), 0);
  for (const std::size_t i : excluded) {
    if (seen[i] != 0) continue;
    seen[i] = 1;
    s.exclude(i);
    if (base.prefer_no_schedule[i]) --pns_left;
    // A node left out does not count against its NodePool's limits.
    const ExistingNode* n = base.origin[i];
    if (n == nullptr || !n->nodepool) continue;
    if (auto r = s.remaining.find(*n->nodepool); r != s.remaining.end()) {
      r->second.restore(n->capacity.cpu_milli, n->capacity.memory_bytes);
    }
  }
  s.any_prefer_no_schedule = base.pools_prefer_no_schedule || pns_left > 0;
  std::map<std::string, const SimPod*> by_key;
  for (const auto& p : pods) {
    if (!p.pod->daemonset) by_key.emplace(p.pod->key(), &p);
  }
  std::vector<const SimPod*> ordered;
  ordered.reserve(by_key.size());
  for (const auto& [k, p] : by_key) ordered.push_back(p);
  // pod_order's sort over pointers: the same comparator on the same
  // (key-ordered) input, so the same order.
  std::stable_sort(ordered.begin(), ordered.end(), [](const SimPod* x, const SimPod* y) {
    const PodView& a = *x->pod;
    const PodView& b = *y->pod;
    if (a.cpu_milli != b.cpu_milli) return a.cpu_milli > b.cpu_milli;
    if (a.memory_bytes != b.memory_bytes) return a.memory_bytes > b.memory_bytes;
    if (a.creation_us != b.creation_us) return a.creation_us < b.creation_us;
    return (a.uid.empty() ? a.key() : a.uid) < (b.uid.empty() ? b.key() : b.uid);
  });
  std::deque<const SimPod*> queue(ordered.begin(), ordered.end());
  // queue.go: a pod popped when the queue is as long as when it was last
  // pushed means a whole pass placed nothing: stop.
  std::map<const SimPod*, std::size_t> last_len;
  std::map<const SimPod*, std::string> errors;
  ProvisioningResult out;
  while (!queue.empty()) {
    const SimPod* p = queue.front();
    if (auto it = last_len.find(p); it != last_len.end() && it->second == queue.size()) break;
    queue.pop_front();
    if (auto placed = try_schedule(s, *p->pod, p->being_moved, errors[p])) {
      out.placements.push_back(std::move(*placed));
      continue;
    }
    queue.push_back(p);
    last_len[p] = queue.size();
  }
  for (const SimPod* p : queue) {
    out.placements.push_back(
        {p->pod->key(), PlacementKind::kUnschedulable, "", "Failed to schedule pod, " + errors[p]});
    ++out.unschedulable;
  }
  for (const auto& c : s.claims) out.new_claims.push_back(finalize(s, c));
  out.summary = summarize(out);
  return out;
}

}  // namespace detail

Resources daemon_overhead(const NodePool& pool, const InstanceType& it,
                          const std::vector<DaemonSetView>& daemonsets) {
  const std::vector<InstanceType> one{it};
  const UnavailableOfferings none;
  const auto catalog = detail::make_catalog(one, none);
  const auto t = detail::make_template(pool, catalog, daemonsets, true);
  return t ? t->daemon[0] : Resources{};
}

std::string_view placement_kind_name(PlacementKind k) {
  switch (k) {
    case PlacementKind::kExistingNode:
      return "existing node";
    case PlacementKind::kInFlightClaim:
      return "in-flight NodeClaim";
    case PlacementKind::kNewNodeClaim:
      return "new NodeClaim";
    case PlacementKind::kUnschedulable:
      return "unschedulable";
  }
  return "?";
}

}  // namespace ksim::control::karpenter
