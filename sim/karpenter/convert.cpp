// Value conversions between the scenario / cluster model and control::karpenter.
#include "ksim/sim/karpenter/convert.h"

#include <cctype>
#include <string>

#include "ksim/sim/scenario/node_group.h"

namespace ksim::karpenter {

namespace k = control::karpenter;
namespace sched = control::scheduler;

namespace {

k::Operator to_control(manifest::RequirementOperator op) {
  switch (op) {
    case manifest::RequirementOperator::kIn:
      return k::Operator::kIn;
    case manifest::RequirementOperator::kNotIn:
      return k::Operator::kNotIn;
    case manifest::RequirementOperator::kExists:
      return k::Operator::kExists;
    case manifest::RequirementOperator::kDoesNotExist:
      return k::Operator::kDoesNotExist;
    case manifest::RequirementOperator::kGt:
      return k::Operator::kGt;
    case manifest::RequirementOperator::kLt:
      return k::Operator::kLt;
    case manifest::RequirementOperator::kGte:
      return k::Operator::kGte;
    case manifest::RequirementOperator::kLte:
      return k::Operator::kLte;
  }
  return k::Operator::kIn;
}

k::Operator to_control(sched::SelectorOp op) {
  switch (op) {
    case sched::SelectorOp::kIn:
      return k::Operator::kIn;
    case sched::SelectorOp::kNotIn:
      return k::Operator::kNotIn;
    case sched::SelectorOp::kExists:
      return k::Operator::kExists;
    case sched::SelectorOp::kDoesNotExist:
      return k::Operator::kDoesNotExist;
    case sched::SelectorOp::kGt:
      return k::Operator::kGt;
    case sched::SelectorOp::kLt:
      return k::Operator::kLt;
  }
  return k::Operator::kIn;
}

sched::TaintEffect to_control(manifest::TaintEffect e) {
  switch (e) {
    case manifest::TaintEffect::kPreferNoSchedule:
      return sched::TaintEffect::kPreferNoSchedule;
    case manifest::TaintEffect::kNoExecute:
      return sched::TaintEffect::kNoExecute;
    case manifest::TaintEffect::kAll:
    case manifest::TaintEffect::kNoSchedule:
      return sched::TaintEffect::kNoSchedule;
  }
  return sched::TaintEffect::kNoSchedule;
}

k::DisruptionReason to_control(manifest::DisruptionReason r) {
  switch (r) {
    case manifest::DisruptionReason::kUnderutilized:
      return k::DisruptionReason::kUnderutilized;
    case manifest::DisruptionReason::kEmpty:
      return k::DisruptionReason::kEmpty;
    case manifest::DisruptionReason::kDrifted:
      return k::DisruptionReason::kDrifted;
  }
  return k::DisruptionReason::kEmpty;
}

std::optional<std::chrono::seconds> seconds_of(const manifest::KarpenterDuration& d) {
  if (d.never) return std::nullopt;
  return std::chrono::seconds{d.microseconds / 1'000'000};
}

}  // namespace

k::Taint to_control(const scenario::Taint& t) { return {t.key, t.value, to_control(t.effect)}; }

scenario::Taint to_scenario(const manifest::NodeTaint& t) { return {t.key, t.value, t.effect}; }

scenario::Taint to_scenario(const k::Taint& t) {
  manifest::TaintEffect e = manifest::TaintEffect::kNoSchedule;
  if (t.effect == sched::TaintEffect::kPreferNoSchedule)
    e = manifest::TaintEffect::kPreferNoSchedule;
  if (t.effect == sched::TaintEffect::kNoExecute) e = manifest::TaintEffect::kNoExecute;
  return {t.key, t.value, e};
}

k::Resources to_control(const scenario::Resources& r) {
  return {r.cpu_milli, r.memory_bytes, r.pods};
}

scenario::Resources to_scenario(const k::Resources& r) {
  return {r.cpu_milli, r.memory_bytes, static_cast<std::int32_t>(r.pods)};
}

k::CapacityType to_control(cluster::CapacityType t) {
  return t == cluster::CapacityType::kSpot ? k::CapacityType::kSpot : k::CapacityType::kOnDemand;
}

// Reserved capacity is not modelled by the cluster: it runs as on-demand.
cluster::CapacityType to_cluster(k::CapacityType t) {
  return t == k::CapacityType::kSpot ? cluster::CapacityType::kSpot
                                     : cluster::CapacityType::kOnDemand;
}

k::NodePool to_control(const manifest::NodePool& pool) {
  k::NodePool out;
  out.name = pool.meta.name;
  out.weight = pool.weight.value_or(0);
  out.labels = k::Labels(pool.template_labels.begin(), pool.template_labels.end());
  for (const manifest::NodePoolRequirement& r : pool.requirements) {
    std::optional<int> min_values;
    if (r.min_values) min_values = *r.min_values;
    out.requirements.push_back({r.key, to_control(r.op), r.values, min_values});
  }
  for (const manifest::NodeTaint& t : pool.taints) {
    out.taints.push_back({t.key, t.value, to_control(t.effect)});
  }
  for (const manifest::NodeTaint& t : pool.startup_taints) {
    out.startup_taints.push_back({t.key, t.value, to_control(t.effect)});
  }
  // limits are milli-values: cpu in millicores already, memory and nodes x 1000.
  if (auto it = pool.limits_milli.find("cpu"); it != pool.limits_milli.end()) {
    out.limits.cpu_milli = it->second;
  }
  if (auto it = pool.limits_milli.find("memory"); it != pool.limits_milli.end()) {
    out.limits.memory_bytes = it->second / 1000;
  }
  if (auto it = pool.limits_milli.find("nodes"); it != pool.limits_milli.end()) {
    out.limits.nodes = it->second / 1000;
  }
  const manifest::Disruption& d = pool.disruption;
  out.disruption.consolidation_policy =
      d.consolidation_policy == manifest::ConsolidationPolicy::kWhenEmpty
          ? k::ConsolidationPolicy::kWhenEmpty
          : k::ConsolidationPolicy::kWhenEmptyOrUnderutilized;
  out.disruption.consolidate_after = seconds_of(d.consolidate_after);
  out.disruption.budgets.clear();
  for (const manifest::DisruptionBudget& b : d.budgets) {
    k::Budget kb;
    kb.nodes = b.nodes.is_string ? b.nodes.str_value : std::to_string(b.nodes.int_value);
    if (!b.schedule.empty()) kb.schedule = b.schedule;
    if (b.duration_us) kb.duration = std::chrono::seconds{*b.duration_us / 1'000'000};
    for (manifest::DisruptionReason r : b.reasons) kb.reasons.push_back(to_control(r));
    out.disruption.budgets.push_back(std::move(kb));
  }
  out.expire_after = seconds_of(pool.expire_after);
  return out;
}

std::vector<k::InstanceType> instance_types(const scenario::InstanceCatalog& c,
                                            std::string_view region) {
  std::vector<k::InstanceType> out;
  for (const scenario::InstanceType& t : c.types()) {
    k::InstanceType it;
    for (const scenario::Offering& o : t.offerings) {
      if (!region.empty() && o.region != region) continue;
      it.offerings.push_back({o.zone,
                              o.capacity_type == scenario::CapacityType::kSpot
                                  ? k::CapacityType::kSpot
                                  : k::CapacityType::kOnDemand,
                              o.usd_per_hour(), true});
    }
    if (it.offerings.empty()) continue;
    it.name = t.name;
    const scenario::Resources capacity = scenario::eks_capacity(t);
    it.capacity = to_control(capacity);
    it.allocatable = to_control(scenario::eks_allocatable(capacity));
    it.labels = scenario::karpenter_instance_labels(t);
    out.push_back(std::move(it));
  }
  return out;
}

k::Resources pod_requests(const cluster::Cluster& c, cluster::PodId id) {
  k::Resources sum{0, 0, 1};
  for (const sched::ContainerRequests& r : c.pod_owner(id).scheduler_template.containers) {
    sum.cpu_milli += r.cpu_milli.value_or(0);
    sum.memory_bytes += r.memory_bytes.value_or(0);
  }
  return sum;
}

k::PodView pod_view(const cluster::Cluster& c, cluster::PodId id) {
  const cluster::Pod& p = c.pod(id);
  const sched::Pod& tpl = c.pod_owner(id).scheduler_template;
  k::PodView v;
  v.namespace_ = p.namespace_;
  v.name = p.name;
  v.uid = v.key();
  v.creation_us = to_us(p.created);
  const k::Resources r = pod_requests(c, id);
  v.cpu_milli = r.cpu_milli;
  v.memory_bytes = r.memory_bytes;
  v.node_selector = k::Labels(tpl.node_selector.begin(), tpl.node_selector.end());
  v.required_terms = required_terms(tpl);
  v.tolerations = tpl.tolerations;
  v.daemonset = p.owner_kind == cluster::OwnerKind::kDaemonSet;
  return v;
}

std::vector<std::vector<k::Requirement>> required_terms(const sched::Pod& pod) {
  std::vector<std::vector<k::Requirement>> out;
  if (!pod.required_terms) return out;
  for (const sched::NodeSelectorTerm& term : *pod.required_terms) {
    std::vector<k::Requirement> reqs;
    for (const sched::Requirement& r : term.match_expressions) {
      reqs.push_back({r.key, to_control(r.op), r.values, std::nullopt});
    }
    out.push_back(std::move(reqs));
  }
  return out;
}

}  // namespace ksim::karpenter
