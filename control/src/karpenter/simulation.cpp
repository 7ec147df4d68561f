// NodeClaim narrowing and node fit; see simulation.h for the upstream sources.
#include "simulation.h"

#include <algorithm>
#include <limits>
#include <set>

#include "ksim/control/scheduler/selectors.h"

namespace ksim::control::karpenter::detail {
namespace {

/// upstream InstanceTypeFilterError: which criteria some type met, alone and in pairs.
struct FilterFlags {
  bool requirements_met = false, fits = false, has_offering = false;
  bool req_and_fits = false, req_and_offering = false, fits_and_offering = false;
  std::optional<Resources> min_daemon, max_daemon;
};

std::string resources_text(const FilterFlags& f, const Resources& pod) {
  if (!f.min_daemon) return pod.describe();
  const std::string lo = (*f.min_daemon + pod).describe();
  const std::string hi = (*f.max_daemon + pod).describe();
  return lo == hi ? lo : "min=" + lo + ", max=" + hi;
}

std::string filter_error(const FilterFlags& f, const Requirements& reqs, const Resources& pod) {
  std::string what;
  if (!f.requirements_met && !f.fits && !f.has_offering) {
    what =
        "no instance type met the scheduling requirements or had enough resources or had a "
        "required offering";
  } else if (!f.requirements_met && !f.fits) {
    what = "no instance type met the scheduling requirements or had enough resources";
  } else if (!f.requirements_met && !f.has_offering) {
    what = "no instance type met the scheduling requirements or had a required offering";
  } else if (!f.fits && !f.has_offering) {
    what = "no instance type had enough resources or had a required offering";
  } else if (!f.requirements_met) {
    what = "no instance type met all requirements";
  } else if (!f.fits) {
    what = "no instance type has enough resources";
  } else if (!f.has_offering) {
    what = "no instance type has the required offering";
  } else if (f.req_and_fits) {
    what =
        "no instance type which met the scheduling requirements and had enough resources, "
        "had a required offering";
  } else if (f.fits_and_offering) {
    what =
        "no instance type which had enough resources and the required offering met the "
        "scheduling requirements";
  } else if (f.req_and_offering) {
    what =
        "no instance type which met the scheduling requirements and the required offering "
        "had the required resources";
  } else {
    what = "no instance type met the requirements/resources/offering tuple";
  }
  return what + ", requirements=" + reqs.describe() + ", resources=" + resources_text(f, pod);
}

/// upstream InstanceTypes.SatisfiesMinValues: the keys whose distinct values
/// among `options` stay below minValues, with the count reached.
std::vector<std::pair<std::string, int>> unmet_min_values(const std::vector<std::size_t>& options,
                                                          const Requirements& reqs,
                                                          const Catalog& catalog) {
  std::vector<std::pair<std::string, int>> unmet;
  for (const auto& [key, vs] : reqs.entries()) {
    if (!vs.min_values) continue;
    std::set<std::string> seen;
    for (std::size_t i : options) {
      const ValueSet* v = catalog.reqs[i].get(key);
      if (v != nullptr && !v->complement) seen.insert(v->values.begin(), v->values.end());
    }
    if (static_cast<int>(seen.size()) < *vs.min_values) {
      unmet.emplace_back(key, static_cast<int>(seen.size()));
    }
  }
  return unmet;
}

std::string min_values_error(const std::vector<std::pair<std::string, int>>& unmet) {
  std::string keys;
  for (const auto& [k, n] : unmet) keys += (keys.empty() ? "" : " ") + k;
  return "minValues requirement is not met for label(s) [" + keys + "]";
}

/// Applies minValues to a filtered list: Strict empties it, BestEffort lowers
/// the minValues to what the list reaches (NodeClaimMinValuesRelaxed).
std::optional<std::string> apply_min_values(std::vector<std::size_t>& options, Requirements& reqs,
                                            const Catalog& catalog, bool best_effort) {
  if (!reqs.has_min_values()) return std::nullopt;
  const auto unmet = unmet_min_values(options, reqs, catalog);
  if (unmet.empty()) return std::nullopt;
  if (!best_effort) {
    options.clear();
    return min_values_error(unmet);
  }
  for (const auto& [k, n] : unmet) {
    ValueSet relaxed = *reqs.get(k);
    relaxed.min_values = n;
    Requirements rest;
    for (const auto& [key, vs] : reqs.entries()) rest.add(key, key == k ? relaxed : vs);
    reqs = rest;
  }
  return std::nullopt;
}

bool daemon_fits_template(const Template& t, const Requirements& it_reqs, const DaemonSetView& ds) {
  if (untolerated(t.pool->taints, ds.tolerations, true)) return false;
  const auto terms = ds.required_terms.empty() ? 1 : ds.required_terms.size();
  for (std::size_t i = 0; i < terms; ++i) {
    const auto* term = ds.required_terms.empty() ? nullptr : &ds.required_terms[i];
    const Requirements r = selector_requirements(ds.node_selector, term);
    if (!t.reqs.compatible(r, true) && !it_reqs.intersects(r)) return true;
  }
  return false;
}

}  // namespace

bool Catalog::has_offering(std::size_t i, const Requirements& r) const {
  const InstanceType& it = (*types)[i];
  return std::any_of(it.offerings.begin(), it.offerings.end(), [&](const Offering& o) {
    return o.available && r.allows(kLabelZone, o.zone) &&
           r.allows(kLabelCapacityType, capacity_type_name(o.capacity_type)) &&
           !unavailable->contains(OfferingKey{it.name, o.zone, o.capacity_type});
  });
}

Catalog make_catalog(const std::vector<InstanceType>& types, const UnavailableOfferings& u) {
  Catalog c{&types, {}, &u};
  c.reqs.reserve(types.size());
  for (const auto& it : types) c.reqs.push_back(it.requirements());
  return c;
}

Requirements selector_requirements(const Labels& node_selector,
                                   const std::vector<Requirement>* term) {
  Requirements r = Requirements::of_labels(node_selector);
  if (term != nullptr) {
    for (const auto& e : *term) r.add(e);
  }
  return r;
}

std::vector<Attempt> attempts(const PodView& pod, bool any_prefer_no_schedule) {
  std::vector<Attempt> out;
  if (pod.required_terms.empty()) {
    out.push_back({selector_requirements(pod.node_selector, nullptr), false});
  }
  for (const auto& term : pod.required_terms) {
    out.push_back({selector_requirements(pod.node_selector, &term), false});
  }
  if (any_prefer_no_schedule) out.push_back({out.back().reqs, true});
  return out;
}

std::optional<std::string> untolerated(const std::vector<Taint>& taints,
                                       const std::vector<Toleration>& tolerations,
                                       bool tolerate_prefer_no_schedule) {
  for (const auto& t : taints) {
    if (t.effect == TaintEffect::kPreferNoSchedule && tolerate_prefer_no_schedule) continue;
    if (scheduler::tolerations_tolerate(tolerations, t)) continue;
    return "did not tolerate taint " + t.key + "=" + t.value + ":" +
           std::string(scheduler::effect_name(t.effect));
  }
  return std::nullopt;
}

std::optional<Template> make_template(const NodePool& pool, const Catalog& catalog,
                                      const std::vector<DaemonSetView>& daemonsets,
                                      bool best_effort) {
  Template t;
  t.pool = &pool;
  t.reqs = Requirements::of(pool.requirements);
  t.reqs.add(Requirements::of_labels(pool.labels));
  t.reqs.add(Requirement{std::string(kLabelNodePool), Operator::kIn, {pool.name}, std::nullopt});
  for (std::size_t i = 0; i < catalog.types->size(); ++i) {
    if (!catalog.reqs[i].intersects(t.reqs) && catalog.has_offering(i, t.reqs)) {
      t.options.push_back(i);
    }
  }
  apply_min_values(t.options, t.reqs, catalog, best_effort);
  if (t.options.empty()) return std::nullopt;  // NoCompatibleInstanceTypes: pool skipped
  t.daemon.assign(catalog.types->size(), Resources{});
  for (std::size_t i : t.options) {
    for (const auto& ds : daemonsets) {
      if (daemon_fits_template(t, catalog.reqs[i], ds)) {
        t.daemon[i] += Resources{ds.cpu_milli, ds.memory_bytes, 1};
      }
    }
  }
  return t;
}

ClaimFit claim_can_add(const Claim& claim, const PodView& pod, const Attempt& attempt,
                       const Catalog& catalog, bool best_effort) {
  ClaimFit out;
  if (auto e = untolerated(claim.tmpl->pool->taints, pod.tolerations,
                           attempt.tolerate_prefer_no_schedule)) {
    out.error = *e;
    return out;
  }
  if (auto e = claim.reqs.compatible(attempt.reqs, true)) {
    out.error = "incompatible requirements, " + *e;
    return out;
  }
  out.reqs = claim.reqs;
  out.reqs.add(attempt.reqs);
  const Resources requests = claim.requests + pod.requests();
  FilterFlags f;
  for (std::size_t i : claim.options) {
    const InstanceType& it = (*catalog.types)[i];
    const Resources& daemon = claim.tmpl->daemon[i];
    f.min_daemon = f.min_daemon ? Resources::min(*f.min_daemon, daemon) : daemon;
    f.max_daemon = f.max_daemon ? Resources::max(*f.max_daemon, daemon) : daemon;
    const bool compat = !catalog.reqs[i].intersects(out.reqs);
    const bool fits = (requests + daemon).fits_in(it.allocatable);
    const bool offering = catalog.has_offering(i, out.reqs);
    f.requirements_met |= compat;
    f.fits |= fits;
    f.has_offering |= offering;
    f.req_and_fits |= compat && fits && !offering;
    f.req_and_offering |= compat && offering && !fits;
    f.fits_and_offering |= fits && offering && !compat;
    if (compat && fits && offering) out.options.push_back(i);
  }
  if (f.max_daemon == Resources{}) f.min_daemon = f.max_daemon = std::nullopt;
  const auto min_err = apply_min_values(out.options, out.reqs, catalog, best_effort);
  if (out.options.empty()) {
    out.error = min_err ? *min_err + ", requirements=" + out.reqs.describe() +
                              ", resources=" + resources_text(f, pod.requests())
                        : filter_error(f, out.reqs, pod.requests());
    return out;
  }
  out.ok = true;
  return out;
}

Resources FreeTree::never() {
  constexpr auto kLow = std::numeric_limits<std::int64_t>::min();
  return {kLow, kLow, kLow};
}

void FreeTree::reset(std::size_t n) {
  leaves_ = 1;
  while (leaves_ < n) leaves_ *= 2;
  max_.assign(2 * leaves_, never());
}

void FreeTree::set(std::size_t i, const Resources& free) {
  std::size_t at = i + leaves_;
  max_[at] = free;
  for (at /= 2; at >= 1; at /= 2) max_[at] = Resources::max(max_[2 * at], max_[2 * at + 1]);
}

std::size_t FreeTree::first_cover(std::size_t from, const Resources& want) const {
  if (leaves_ == 0) return kNone;
  return descend(1, 0, leaves_, from, want);
}

std::size_t FreeTree::descend(std::size_t at, std::size_t lo, std::size_t hi, std::size_t from,
                              const Resources& want) const {
  const Resources& m = max_[at];
  if (hi <= from || m.cpu_milli < want.cpu_milli || m.memory_bytes < want.memory_bytes ||
      m.pods < want.pods) {
    return kNone;
  }
  if (hi - lo == 1) return lo;
  const std::size_t mid = lo + (hi - lo) / 2;
  const std::size_t left = descend(2 * at, lo, mid, from, want);
  return left != kNone ? left : descend(2 * at + 1, mid, hi, from, want);
}

const Requirements& Node::reqs() const {
  if (!reqs_cache) {
    reqs_cache = Requirements::of_labels(*labels);
    reqs_cache->add(Requirement{std::string(kLabelHostname), Operator::kIn, {name}, std::nullopt});
  }
  return *reqs_cache;
}

std::optional<std::string> node_can_add(const Node& node, const Resources& requests,
                                        const PodView& pod, const Attempt& attempt) {
  if (auto e = untolerated(*node.taints, pod.tolerations, attempt.tolerate_prefer_no_schedule)) {
    return e;
  }
  if (!(requests + pod.requests()).fits_in(node.available)) {
    return std::string("exceeds node resources");
  }
  return node.reqs().compatible(attempt.reqs, false);
}

Resources missing_daemon_overhead(const Labels& labels, const std::vector<Taint>& taints,
                                  const Resources& daemon_requested,
                                  const std::vector<DaemonSetView>& daemonsets) {
  // No DaemonSet: nothing missing (what the loop below gives, without
  // building the node's requirements).
  if (daemonsets.empty()) return (Resources{} - daemon_requested).floored();
  const Requirements node = Requirements::of_labels(labels);
  Resources sum;
  for (const auto& ds : daemonsets) {
    if (untolerated(taints, ds.tolerations, true)) continue;
    const auto* term = ds.required_terms.empty() ? nullptr : &ds.required_terms.front();
    if (node.compatible(selector_requirements(ds.node_selector, term), false)) continue;
    sum += Resources{ds.cpu_milli, ds.memory_bytes, 1};
  }
  return (sum - daemon_requested).floored();
}

}  // namespace ksim::control::karpenter::detail
