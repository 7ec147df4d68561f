// Pod template and node group conversions; see pod_template.h.
#include "ksim/sim/cluster/pod_template.h"

#include <chrono>

namespace ksim::cluster {
namespace sched = control::scheduler;
namespace {

// 32-bit FNV-1a (upstream hashes with hash/fnv New32a).
std::uint32_t fnv32a(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (const unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

sched::SelectorOp selector_op(manifest::NodeSelectorOperator op) {
  switch (op) {
    case manifest::NodeSelectorOperator::kIn:
      return sched::SelectorOp::kIn;
    case manifest::NodeSelectorOperator::kNotIn:
      return sched::SelectorOp::kNotIn;
    case manifest::NodeSelectorOperator::kExists:
      return sched::SelectorOp::kExists;
    case manifest::NodeSelectorOperator::kDoesNotExist:
      return sched::SelectorOp::kDoesNotExist;
    case manifest::NodeSelectorOperator::kGt:
      return sched::SelectorOp::kGt;
    case manifest::NodeSelectorOperator::kLt:
      return sched::SelectorOp::kLt;
  }
  return sched::SelectorOp::kIn;
}

sched::SelectorOp label_op(std::string_view op) {
  if (op == "NotIn") return sched::SelectorOp::kNotIn;
  if (op == "Exists") return sched::SelectorOp::kExists;
  if (op == "DoesNotExist") return sched::SelectorOp::kDoesNotExist;
  if (op == "Gt") return sched::SelectorOp::kGt;
  if (op == "Lt") return sched::SelectorOp::kLt;
  return sched::SelectorOp::kIn;
}

sched::NodeSelectorTerm term(const manifest::NodeSelectorTerm& t) {
  sched::NodeSelectorTerm out;
  for (const auto& r : t.match_expressions) {
    out.match_expressions.push_back(sched::Requirement{r.key, selector_op(r.op), r.values});
  }
  return out;
}

sched::TaintEffect taint_effect(manifest::TaintEffect e) {
  switch (e) {
    case manifest::TaintEffect::kPreferNoSchedule:
      return sched::TaintEffect::kPreferNoSchedule;
    case manifest::TaintEffect::kNoExecute:
      return sched::TaintEffect::kNoExecute;
    default:
      return sched::TaintEffect::kNoSchedule;
  }
}

sched::Toleration toleration(const manifest::Toleration& t) {
  sched::Toleration out;
  out.key = t.key;
  out.op = t.op == manifest::TolerationOperator::kExists ? sched::TolerationOp::kExists
                                                         : sched::TolerationOp::kEqual;
  out.value = t.value;
  if (t.effect != manifest::TaintEffect::kAll) out.effect = taint_effect(t.effect);
  return out;
}

}  // namespace

std::string safe_encode(std::string_view s) {
  std::string out(s.size(), ' ');
  for (std::size_t i = 0; i < s.size(); ++i) {
    out[i] = kNameAlphabet[static_cast<unsigned char>(s[i]) % kNameAlphabet.size()];
  }
  return out;
}

std::string random_suffix(Rng& rng, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += kNameAlphabet[rng.below(kNameAlphabet.size())];
  return out;
}

namespace {

// Stands in for the hash of the whole template (see pod_template.h).
std::string template_hash(const manifest::ObjectMeta& meta, const manifest::PodTemplate& t) {
  std::string key = meta.namespace_ + "/" + meta.name;
  for (const auto& c : t.containers) key += "/" + c.image;
  return safe_encode(std::to_string(fnv32a(key)));
}

}  // namespace

std::string pod_template_hash(const manifest::Deployment& d) {
  return template_hash(d.meta, d.template_);
}

std::string controller_revision_hash(const manifest::StatefulSet& s) {
  return s.meta.name + "-" + template_hash(s.meta, s.template_);
}

std::string controller_revision_hash(const manifest::DaemonSet& d) {
  return template_hash(d.meta, d.template_);
}

sched::Pod scheduler_pod(const manifest::PodTemplate& t, std::string_view ns) {
  sched::Pod p;
  p.namespace_ = std::string(ns);
  for (const auto& c : t.containers) {
    sched::ContainerRequests r;
    if (auto it = c.requests_milli.find("cpu"); it != c.requests_milli.end()) {
      r.cpu_milli = it->second;
    }
    if (auto it = c.requests_milli.find("memory"); it != c.requests_milli.end()) {
      r.memory_bytes = it->second / 1000;  // milli-bytes to bytes
    }
    p.containers.push_back(r);
  }
  p.node_selector = t.node_selector;
  if (!t.node_affinity.required.empty()) {
    p.required_terms.emplace();
    for (const auto& rt : t.node_affinity.required) p.required_terms->push_back(term(rt));
  }
  for (const auto& pt : t.node_affinity.preferred) {
    p.preferred_terms.push_back(sched::PreferredTerm{pt.weight, term(pt.term)});
  }
  for (const auto& tol : t.tolerations) p.tolerations.push_back(toleration(tol));
  return p;
}

sched::LabelSelector scheduler_selector(const manifest::LabelSelector& s) {
  sched::LabelSelector out;
  out.match_labels = s.match_labels;
  for (const auto& r : s.match_expressions) {
    out.match_expressions.push_back(sched::Requirement{r.key, label_op(r.op), r.values});
  }
  return out;
}

sched::LabelSelector default_spread_selector(
    const std::vector<const manifest::LabelMap*>& service_selectors,
    const manifest::LabelSelector& replica_set_selector) {
  sched::LabelSelector out;
  // upstream: Services match the pod, so their selectors cannot conflict;
  // labels.Merge keeps the later value of a key.
  for (const manifest::LabelMap* s : service_selectors) {
    for (const auto& [k, v] : *s) out.match_labels[k] = v;
  }
  const sched::LabelSelector rs = scheduler_selector(replica_set_selector);
  for (const auto& [k, v] : rs.match_labels) out.match_labels[k] = v;
  out.match_expressions.insert(out.match_expressions.end(), rs.match_expressions.begin(),
                               rs.match_expressions.end());
  return out;
}

bool pulls_always(std::string_view image) {
  // A digest pins the image; otherwise the tag follows the last ':' after the
  // last '/' (a ':' before it belongs to a registry port).
  if (image.find('@') != std::string_view::npos) return false;
  const std::size_t slash = image.rfind('/');
  const std::size_t colon = image.rfind(':');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash)) {
    return true;  // untagged: ":latest"
  }
  return image.substr(colon + 1) == "latest";
}

ContainerPlan container_plan(const manifest::Container& c, const scenario::ProbeOverride& o) {
  ContainerPlan plan{c.name, c.image, pulls_always(c.image), Duration{0}};
  if (c.readiness_probe) {
    const manifest::Probe& p = *c.readiness_probe;
    const Duration delay = o.initial_delay.value_or(std::chrono::seconds{p.initial_delay_seconds});
    const Duration period = o.period.value_or(std::chrono::seconds{p.period_seconds});
    const std::int32_t success = o.success_threshold.value_or(p.success_threshold);
    plan.ready_after_start = delay + period * (success > 1 ? success - 1 : 0);
  }
  return plan;
}

sched::Node scheduler_node(const scenario::NodeGroup& g, std::string_view name,
                           std::string_view zone) {
  sched::Node n;
  n.name = std::string(name);
  n.labels = g.labels;
  n.labels[std::string(sched::kLabelHostname)] = n.name;
  n.labels["kubernetes.io/os"] = "linux";
  n.labels["kubernetes.io/arch"] = g.arch;
  if (!g.instance_type.empty()) n.labels["node.kubernetes.io/instance-type"] = g.instance_type;
  if (!zone.empty()) n.labels[std::string(sched::kLabelZone)] = std::string(zone);
  n.allocatable_cpu_milli = g.allocatable.cpu_milli;
  n.allocatable_memory_bytes = g.allocatable.memory_bytes;
  n.allocatable_pods = g.allocatable.pods;
  for (const auto& t : g.taints) {
    n.taints.push_back(sched::Taint{t.key, t.value, taint_effect(t.effect)});
  }
  return n;
}

}  // namespace ksim::cluster
