// nodeGroups: instance type, count or bounds, zones, arch, capacity and
// allocatable (given, or derived the way EKS computes it), labels, taints.
#include <algorithm>
#include <map>
#include <set>

#include "readers.h"

namespace ksim::scenario::detail {
namespace {

// A quantity >= 0 as a milli-value.
std::optional<std::int64_t> read_milli(const Field& f) {
  auto v = f.quantity_milli();
  if (v && *v < 0) {
    f.fail("must be greater than or equal to 0");
    return std::nullopt;
  }
  return v;
}

// {cpu, memory, pods}, all three required.
std::optional<Resources> read_resources(const Field& f) {
  if (!f.expect_map()) return std::nullopt;
  check_known_keys(f, {"cpu", "memory", "pods"});
  auto cpu = f.require("cpu");
  auto memory = f.require("memory");
  auto pods = f.require("pods");
  auto cpu_milli = cpu ? read_milli(*cpu) : std::nullopt;
  auto memory_milli = memory ? read_milli(*memory) : std::nullopt;
  std::optional<std::int32_t> pod_count;
  if (pods) {
    pod_count = pods->int32();
    if (pod_count && *pod_count < 1) {
      pods->fail("must be at least 1, got " + std::to_string(*pod_count));
      pod_count.reset();
    }
  }
  if (!cpu_milli || !memory_milli || !pod_count) return std::nullopt;
  return Resources{*cpu_milli, (*memory_milli + 999) / 1000, *pod_count};
}

// count, or min and max (count then defaults to min): 0 <= min <= count <= max.
void read_counts(const Field& f, NodeGroup& g) {
  auto count = f.get("count");
  auto min = f.get("min");
  auto max = f.get("max");
  if (!count && !min && !max) {
    f.fail_child("count", "required field missing (or give min and max)");
    return;
  }
  if (!count && (!min || !max)) {
    f.fail_child(min ? "max" : "min", "required field missing (min and max go together)");
    return;
  }
  set_int32(f, "count", g.count);
  set_int32(f, "min", g.min);
  set_int32(f, "max", g.max);
  if (!count) g.count = g.min;
  if (!min) g.min = count && max ? 0 : g.count;
  if (!max) g.max = g.count;
  if (min && g.min < 0) min->fail("must be greater than or equal to 0");
  if (count && g.count < 0) count->fail("must be greater than or equal to 0");
  if (g.count >= 0 && g.min >= 0 && (g.count < g.min || g.count > g.max)) {
    (count ? *count : *min)
        .fail("need min <= count <= max, got min " + std::to_string(g.min) + ", count " +
              std::to_string(g.count) + ", max " + std::to_string(g.max));
  }
}

std::vector<Taint> read_taints(const Field& f) {
  std::vector<Taint> out;
  for (const Field& t : f.items()) {
    if (!t.expect_map()) continue;
    check_known_keys(t, {"key", "value", "effect"});
    Taint taint;
    if (t.require("key")) set_str(t, "key", taint.key);
    set_str(t, "value", taint.value);
    if (!t.get("effect")) t.fail_child("effect", "required field missing");
    if (auto e = one_of(t, "effect", {"NoSchedule", "PreferNoSchedule", "NoExecute"})) {
      taint.effect = *e == "NoSchedule"         ? manifest::TaintEffect::kNoSchedule
                     : *e == "PreferNoSchedule" ? manifest::TaintEffect::kPreferNoSchedule
                                                : manifest::TaintEffect::kNoExecute;
    }
    out.push_back(std::move(taint));
  }
  return out;
}

// capacity and allocatable: given, or from the catalog with EKS's reservations.
void read_sizes(const Field& f, const InstanceType* type, NodeGroup& g) {
  std::optional<Resources> capacity;
  std::optional<Resources> allocatable;
  if (auto c = f.get("capacity")) capacity = read_resources(*c);
  if (auto a = f.get("allocatable")) allocatable = read_resources(*a);
  if (!capacity && type) capacity = eks_capacity(*type);
  if (!capacity && !allocatable) {
    if (!type && !f.get("capacity") && !f.get("allocatable")) {
      if (auto t = f.get("instanceType")) {
        t->fail("unknown instance type '" + g.instance_type +
                "': give capacity (cpu, memory, pods) or allocatable");
      }
    }
    return;
  }
  g.allocatable_source = f.get("allocatable") ? AllocatableSource::kGiven
                         : f.get("capacity")  ? AllocatableSource::kFromCapacity
                                              : AllocatableSource::kFromInstanceType;
  g.capacity = capacity ? *capacity : *allocatable;
  g.allocatable = allocatable ? *allocatable : eks_allocatable(g.capacity);
}

NodeGroup read_node_group(const Field& f, const InstanceCatalog& catalog) {
  NodeGroup g;
  g.line = f.line();
  if (!f.expect_map()) return g;
  check_known_keys(f, {"name", "instanceType", "count", "min", "max", "zones", "arch", "capacity",
                       "allocatable", "labels", "taints", "capacityType", "nodePool"});
  if (f.require("name")) set_str(f, "name", g.name);
  if (f.require("instanceType")) set_str(f, "instanceType", g.instance_type);
  read_counts(f, g);
  if (auto z = f.get("zones")) g.zones = z->strings();
  const InstanceType* type = catalog.find(g.instance_type);
  if (type != nullptr) g.arch = type->arch;
  if (auto arch = one_of(f, "arch", {"amd64", "arm64"})) {
    if (type && *arch != type->arch) {
      fail_child_value(f, "arch", g.instance_type + " is " + type->arch + ", got '" + *arch + "'");
    }
    g.arch = *arch;
  }
  read_sizes(f, type, g);
  if (auto l = f.get("labels")) g.labels = l->string_map();
  if (auto t = f.get("taints")) g.taints = read_taints(*t);
  const auto eks_ct = g.labels.find("eks.amazonaws.com/capacityType");
  if (eks_ct != g.labels.end() && eks_ct->second == "SPOT") g.capacity_type = CapacityType::kSpot;
  if (auto ct = one_of(f, "capacityType", {"on-demand", "spot"})) {
    const CapacityType written = *ct == "spot" ? CapacityType::kSpot : CapacityType::kOnDemand;
    if (eks_ct != g.labels.end() && written != g.capacity_type) {
      fail_child_value(f, "capacityType",
                       "'" + *ct + "' disagrees with the label eks.amazonaws.com/capacityType: " +
                           eks_ct->second);
    }
    g.capacity_type = written;
  }
  set_str(f, "nodePool", g.node_pool);
  if (!g.node_pool.empty() && (f.get("min") || f.get("max"))) {
    fail_child_value(f, f.get("min") ? "min" : "max",
                     "a NodePool's nodes take only `count` (Karpenter sizes the pool)");
  }
  return g;
}

}  // namespace

std::vector<NodeGroup> read_node_groups(const Field& f, const InstanceCatalog& catalog) {
  std::vector<NodeGroup> out;
  std::set<std::string> names;
  for (const Field& item : f.items()) {
    out.push_back(read_node_group(item, catalog));
    const std::string& name = out.back().name;
    if (!name.empty() && !names.insert(name).second) {
      fail_child_value(item, "name", "duplicate node group name '" + name + "'");
    }
  }
  return out;
}

void resolve_node_pools(const Field& f, std::vector<NodeGroup>& groups,
                        const manifest::ManifestSet& manifests, const InstanceCatalog& catalog) {
  const std::vector<Field> items = f.items();
  for (std::size_t i = 0; i < groups.size() && i < items.size(); ++i) {
    NodeGroup& g = groups[i];
    if (g.node_pool.empty()) continue;
    const auto pool =
        std::find_if(manifests.node_pools.begin(), manifests.node_pools.end(),
                     [&](const manifest::NodePool& p) { return p.meta.name == g.node_pool; });
    if (pool == manifests.node_pools.end()) {
      fail_child_value(items[i], "nodePool", "no NodePool '" + g.node_pool + "' in the manifests");
      continue;
    }
    const InstanceType* type = catalog.find(g.instance_type);
    if (type == nullptr) {
      fail_child_value(items[i], "instanceType",
                       "Karpenter launches only catalog types; '" + g.instance_type +
                           "' is not in the instance catalog");
      continue;
    }
    // What Karpenter writes on a NodeClaim's node: the template's labels, the
    // instance type's, its own (the node group's extra labels last, as given).
    manifest::LabelMap labels = pool->template_labels;
    for (const auto& [k, v] : karpenter_instance_labels(*type)) labels[k] = v;
    labels["karpenter.sh/nodepool"] = g.node_pool;
    labels["karpenter.sh/capacity-type"] = std::string(to_string(g.capacity_type));
    labels["karpenter.sh/registered"] = "true";
    labels["karpenter.sh/initialized"] = "true";
    for (const auto& [k, v] : g.labels) labels[k] = v;
    g.labels = std::move(labels);
    std::vector<Taint> taints;
    for (const manifest::NodeTaint& t : pool->taints) taints.push_back({t.key, t.value, t.effect});
    for (const Taint& t : g.taints) {
      if (std::find(taints.begin(), taints.end(), t) == taints.end()) taints.push_back(t);
    }
    g.taints = std::move(taints);
  }
}

std::string resolve_region(const Field& root, const std::vector<NodeGroup>& groups) {
  std::map<std::string, std::string> implied;  // region -> first zone naming it
  for (const NodeGroup& g : groups) {
    for (const std::string& zone : g.zones) {
      const std::string region = region_of_zone(zone);
      if (!region.empty()) implied.try_emplace(region, zone);
    }
  }
  if (auto r = root.get("region")) {
    auto region = r->str();
    if (!region) return "";
    if (region_of_zone(*region + "a") != *region) {
      r->fail("expected an AWS region such as ap-northeast-2, got '" + *region + "'");
      return "";
    }
    for (const auto& [other, zone] : implied) {
      if (other != *region)
        r->fail("zone '" + zone + "' of nodeGroups is not in region " + *region);
    }
    return *region;
  }
  if (implied.size() > 1) {
    auto second = std::next(implied.begin());
    root.fail_child("region", "the nodeGroups' zones span regions (" + implied.begin()->second +
                                  ", " + second->second + "): set `region`");
    return "";
  }
  return implied.empty() ? "" : implied.begin()->first;
}

}  // namespace ksim::scenario::detail
