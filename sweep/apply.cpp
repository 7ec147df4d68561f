// apply (apply.h): sweep parameters into a Scenario value. Each setter finds
// its object by "ns/name" or unique name and validates the value against what
// the scenario allows, so a bad grid fails before anything runs.
#include "ksim/sweep/apply.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>

#include "ksim/control/karpenter/requirements.h"

namespace ksim::sweep {
namespace {

using scenario::Scenario;
using Error = std::unexpected<std::string>;

std::string join(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

template <typename Int>
std::expected<Int, std::string> parse_int(std::string_view key, std::string_view value,
                                          Int min_value) {
  Int v{};
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc{} || end != value.data() + value.size()) {
    return Error(std::string(key) + ": expected an integer, got '" + std::string(value) + "'");
  }
  if (v < min_value) {
    return Error(std::string(key) + ": must be >= " + std::to_string(min_value) + ", got " +
                 std::string(value));
  }
  return v;
}

// The object named `name` ("ns/name" or a unique name) among `items`.
template <typename T, typename NsOf, typename NameOf>
std::expected<T*, std::string> find_named(std::vector<T>& items, std::string_view key,
                                          std::string_view what, std::string_view name, NsOf ns_of,
                                          NameOf name_of) {
  const auto slash = name.find('/');
  std::vector<T*> found;
  std::vector<std::string> all;
  for (T& item : items) {
    const std::string ns = ns_of(item);
    const std::string& n = name_of(item);
    all.push_back(ns.empty() ? n : ns + "/" + n);
    const bool match = slash == std::string_view::npos
                           ? n == name
                           : ns == name.substr(0, slash) && n == name.substr(slash + 1);
    if (match) found.push_back(&item);
  }
  if (found.size() == 1) return found.front();
  const std::string prefix = std::string(key) + ": ";
  if (found.empty()) {
    return Error(prefix + "no " + std::string(what) + " '" + std::string(name) + "' (" +
                 std::string(what) + "s: " + join(all) + ")");
  }
  return Error(prefix + "'" + std::string(name) + "' names " + std::to_string(found.size()) + " " +
               std::string(what) + "s: write it as namespace/name (" + join(all) + ")");
}

std::expected<manifest::HorizontalPodAutoscaler*, std::string> find_hpa(Scenario& s,
                                                                        std::string_view key,
                                                                        std::string_view name) {
  return find_named(
      s.manifests.hpas, key, "HPA", name,
      [](const manifest::HorizontalPodAutoscaler& h) { return h.meta.namespace_; },
      [](const manifest::HorizontalPodAutoscaler& h) -> const std::string& { return h.meta.name; });
}

std::expected<void, std::string> set_hpa(Scenario& s, std::string_view key, std::string_view name,
                                         std::string_view field, std::string_view value) {
  auto hpa = find_hpa(s, key, name);
  if (!hpa) return Error(hpa.error());
  control::hpa::HpaSpec& spec = (*hpa)->spec;
  if (field == "min" || field == "max") {
    auto n = parse_int<std::int32_t>(key, value, 1);
    if (!n) return Error(n.error());
    if (field == "min") {
      spec.min_replicas = *n;
    } else {
      spec.max_replicas = *n;
    }
    return {};
  }
  if (field != "target") {
    return Error(std::string(key) + ": unknown HPA field '" + std::string(field) +
                 "' (target, min, max)");
  }
  auto pct = parse_int<std::int32_t>(key, value, 1);
  if (!pct) return Error(pct.error());
  for (control::hpa::MetricSpec& m : spec.metrics) {
    if (m.type == control::hpa::MetricSourceType::kResource && m.resource_name == "cpu" &&
        m.target.type == control::hpa::MetricTargetType::kUtilization) {
      m.target.average_utilization = *pct;
      return {};
    }
  }
  return Error(std::string(key) + ": HPA " + (*hpa)->meta.namespace_ + "/" + (*hpa)->meta.name +
               " has no Resource cpu metric with a Utilization target");
}

std::expected<const scenario::InstanceType*, std::string> catalog_type(const Scenario& s,
                                                                       std::string_view key,
                                                                       std::string_view value) {
  const scenario::InstanceType* type = s.catalog.find(value);
  if (type == nullptr) {
    std::vector<std::string> names;
    for (const auto& t : s.catalog.types()) names.push_back(t.name);
    return Error(std::string(key) + ": '" + std::string(value) +
                 "' is not in the instance catalog (" + join(names) + ")");
  }
  if (!s.region.empty() && s.catalog.offerings(value, s.region).empty()) {
    return Error(std::string(key) + ": " + std::string(value) + " is not offered in " + s.region +
                 " by the instance catalog");
  }
  return type;
}

bool is_instance_key(std::string_view k) {
  namespace kl = control::karpenter;
  return k == kl::kLabelInstanceType || k.starts_with("karpenter.k8s.aws/instance-");
}

std::expected<void, std::string> set_nodepool(Scenario& s, std::string_view key,
                                              std::string_view name, std::string_view field,
                                              std::string_view value) {
  if (field != "instance") {
    return Error(std::string(key) + ": unknown NodePool field '" + std::string(field) +
                 "' (instance)");
  }
  auto pool = find_named(
      s.manifests.node_pools, key, "NodePool", name, [](const auto&) { return std::string(); },
      [](const manifest::NodePool& p) -> const std::string& { return p.meta.name; });
  if (!pool) return Error(pool.error());
  auto type = catalog_type(s, key, value);
  if (!type) return Error(type.error());
  std::vector<manifest::NodePoolRequirement>& reqs = (*pool)->requirements;
  for (const manifest::NodePoolRequirement& r : reqs) {
    // The type's own arch must be allowed: a pool for arm64 cannot run m5.
    if (r.key == control::karpenter::kLabelArch && r.op == manifest::RequirementOperator::kIn &&
        std::find(r.values.begin(), r.values.end(), (*type)->arch) == r.values.end()) {
      return Error(std::string(key) + ": " + std::string(value) + " is " + (*type)->arch +
                   " but NodePool " + std::string(name) + " requires kubernetes.io/arch In [" +
                   join(r.values) + "]");
    }
  }
  std::erase_if(reqs,
                [](const manifest::NodePoolRequirement& r) { return is_instance_key(r.key); });
  reqs.push_back({.key = std::string(control::karpenter::kLabelInstanceType),
                  .op = manifest::RequirementOperator::kIn,
                  .values = {std::string(value)},
                  .min_values = std::nullopt});
  return {};
}

// A node group's type: what node_group_reader derives from the catalog.
std::expected<void, std::string> set_group_type(Scenario& s, std::string_view key,
                                                scenario::NodeGroup& g, std::string_view value) {
  auto type = catalog_type(s, key, value);
  if (!type) return Error(type.error());
  g.instance_type = std::string(value);
  g.arch = (*type)->arch;
  g.capacity = scenario::eks_capacity(**type);
  g.allocatable = scenario::eks_allocatable(g.capacity);
  g.allocatable_source = scenario::AllocatableSource::kFromInstanceType;
  if (!g.node_pool.empty()) {
    std::erase_if(g.labels, [](const auto& kv) {
      return kv.first.starts_with("karpenter.k8s.aws/instance-");
    });
    for (const auto& [k, v] : scenario::karpenter_instance_labels(**type)) g.labels[k] = v;
  }
  return {};
}

std::expected<void, std::string> set_nodegroup(Scenario& s, std::string_view key,
                                               std::string_view name, std::string_view field,
                                               std::string_view value) {
  auto group = find_named(
      s.node_groups, key, "node group", name, [](const auto&) { return std::string(); },
      [](const scenario::NodeGroup& g) -> const std::string& { return g.name; });
  if (!group) return Error(group.error());
  scenario::NodeGroup& g = **group;
  if (field == "instanceType") return set_group_type(s, key, g, value);
  if (field == "count") {
    auto n = parse_int<std::int32_t>(key, value, 0);
    if (!n) return Error(n.error());
    g.count = *n;
    g.min = std::min(g.min, *n);
    g.max = std::max(g.max, *n);
    return {};
  }
  return Error(std::string(key) + ": unknown node group field '" + std::string(field) +
               "' (instanceType, count)");
}

std::expected<void, std::string> set_deployment(Scenario& s, std::string_view key,
                                                std::string_view name, std::string_view field,
                                                std::string_view value) {
  if (field != "replicas") {
    return Error(std::string(key) + ": unknown Deployment field '" + std::string(field) +
                 "' (replicas)");
  }
  auto d = find_named(
      s.manifests.deployments, key, "Deployment", name,
      [](const manifest::Deployment& x) { return x.meta.namespace_; },
      [](const manifest::Deployment& x) -> const std::string& { return x.meta.name; });
  if (!d) return Error(d.error());
  auto n = parse_int<std::int32_t>(key, value, 0);
  if (!n) return Error(n.error());
  (*d)->replicas = *n;
  return {};
}

}  // namespace

const std::vector<std::string>& known_keys() {
  static const std::vector<std::string> keys = {"hpa/NAME.target",
                                                "hpa/NAME.min",
                                                "hpa/NAME.max",
                                                "nodepool/NAME.instance",
                                                "nodegroup/NAME.instanceType",
                                                "nodegroup/NAME.count",
                                                "deployment/NAME.replicas",
                                                "autoscaler",
                                                "seed"};
  return keys;
}

std::expected<void, std::string> apply(Scenario& s, std::string_view key, std::string_view value) {
  if (key == "seed") {
    auto n = parse_int<std::uint64_t>(key, value, 0);
    if (!n) return Error(n.error());
    s.seed = *n;
    return {};
  }
  if (key == "autoscaler") {
    auto kind = scenario::parse_node_autoscaler(value);
    if (!kind) {
      return Error("autoscaler: expected karpenter, cluster-autoscaler, none or auto, got '" +
                   std::string(value) + "'");
    }
    s.node_autoscaling.autoscaler = *kind;
    return {};
  }
  // kind/NAME.field: NAME may hold one '/', the field follows the last '.'.
  const auto slash = key.find('/');
  const auto dot = key.rfind('.');
  if (slash == std::string_view::npos || dot == std::string_view::npos || dot < slash ||
      dot == slash + 1) {
    return Error(std::string(key) + ": unknown parameter (keys: " + join(known_keys()) + ")");
  }
  const std::string_view kind = key.substr(0, slash);
  const std::string_view name = key.substr(slash + 1, dot - slash - 1);
  const std::string_view field = key.substr(dot + 1);
  if (kind == "hpa") return set_hpa(s, key, name, field, value);
  if (kind == "nodepool") return set_nodepool(s, key, name, field, value);
  if (kind == "nodegroup") return set_nodegroup(s, key, name, field, value);
  if (kind == "deployment") return set_deployment(s, key, name, field, value);
  return Error(std::string(key) + ": unknown parameter (keys: " + join(known_keys()) + ")");
}

std::expected<void, std::string> apply_point(Scenario& s, const Point& point) {
  for (const auto& [key, value] : point) {
    if (auto r = apply(s, key, value); !r) return r;
  }
  for (const manifest::HorizontalPodAutoscaler& h : s.manifests.hpas) {
    const std::int32_t min = h.spec.min_replicas.value_or(1);
    if (min > h.spec.max_replicas) {
      return Error("HPA " + h.meta.namespace_ + "/" + h.meta.name + ": minReplicas " +
                   std::to_string(min) + " > maxReplicas " + std::to_string(h.spec.max_replicas));
    }
  }
  return {};
}

}  // namespace ksim::sweep
