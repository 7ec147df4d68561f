// nodeAutoscaling (which node autoscaler, node launch times, the Cluster
// Autoscaler's flags) and faults (spot interruptions, insufficient capacity),
// with their names checked against the manifests and node groups.
#include <algorithm>

#include "readers.h"

namespace ksim::scenario {

std::string_view node_autoscaler_name(NodeAutoscalerKind k) {
  switch (k) {
    case NodeAutoscalerKind::kAuto:
      return "auto";
    case NodeAutoscalerKind::kNone:
      return "none";
    case NodeAutoscalerKind::kKarpenter:
      return "karpenter";
    case NodeAutoscalerKind::kClusterAutoscaler:
      return "cluster-autoscaler";
  }
  return "auto";
}

std::optional<NodeAutoscalerKind> parse_node_autoscaler(std::string_view s) {
  for (const NodeAutoscalerKind k :
       {NodeAutoscalerKind::kAuto, NodeAutoscalerKind::kNone, NodeAutoscalerKind::kKarpenter,
        NodeAutoscalerKind::kClusterAutoscaler}) {
    if (node_autoscaler_name(k) == s) return k;
  }
  return std::nullopt;
}

std::string_view fault_name(FaultKind k) {
  switch (k) {
    case FaultKind::kSpotInterruption:
      return "spotInterruption";
    case FaultKind::kInsufficientCapacity:
      return "insufficientCapacity";
    case FaultKind::kRegistrationFailure:
      return "registrationFailure";
  }
  return "?";
}

bool Fault::breaks(std::string_view type, std::string_view in_zone, Duration t) const {
  if (kind != FaultKind::kRegistrationFailure) return false;
  if (t < at || t >= at + duration) return false;
  if (!instance_type.empty() && instance_type != type) return false;
  return zone.empty() || zone == in_zone;
}

bool Fault::denies(std::string_view type, std::string_view in_zone, CapacityType ct,
                   Duration t) const {
  if (kind != FaultKind::kInsufficientCapacity) return false;
  if (t < at || t >= at + duration) return false;
  if (!instance_type.empty() && instance_type != type) return false;
  if (!zone.empty() && zone != in_zone) return false;
  return !capacity_type || *capacity_type == ct;
}

namespace detail {
namespace {

void read_cluster_autoscaler(const Field& f, NodeAutoscaling& out) {
  if (!f.expect_map()) return;
  check_known_keys(f, {"scanInterval", "scaleDownUtilizationThreshold", "scaleDownUnneededTime",
                       "scaleDownDelayAfterAdd"});
  if (auto c = f.get("scanInterval"))
    if (auto d = read_positive_duration(*c)) out.ca_scan_interval = *d;
  if (auto c = f.get("scaleDownUtilizationThreshold")) {
    if (auto v = c->number(); v && (*v < 0 || *v > 1)) {
      c->fail("must be between 0 and 1, got " + c->node().Scalar());
    } else if (v) {
      out.ca_scale_down_utilization_threshold = *v;
    }
  }
  set_duration(f, "scaleDownUnneededTime", out.ca_scale_down_unneeded_time);
  set_duration(f, "scaleDownDelayAfterAdd", out.ca_scale_down_delay_after_add);
}

Fault read_fault(const Field& f) {
  Fault fault;
  fault.line = f.line();
  if (!f.expect_map()) return fault;
  auto type =
      one_of(f, "type", {"spotInterruption", "insufficientCapacity", "registrationFailure"});
  if (!f.get("type")) f.fail_child("type", "required field missing");
  fault.kind = !type                             ? FaultKind::kSpotInterruption
               : *type == "insufficientCapacity" ? FaultKind::kInsufficientCapacity
               : *type == "registrationFailure"  ? FaultKind::kRegistrationFailure
                                                 : FaultKind::kSpotInterruption;
  if (fault.kind == FaultKind::kSpotInterruption) {
    check_known_keys(
        f, {"type", "at", "nodes", "notice", "nodePool", "nodeGroup", "instanceType", "zone"});
    set_count(f, "nodes", fault.nodes);
    if (auto n = f.get("notice"))
      if (auto d = read_positive_duration(*n)) fault.notice = *d;
    set_str(f, "nodePool", fault.node_pool);
    set_str(f, "nodeGroup", fault.node_group);
  } else {
    const bool ice = fault.kind == FaultKind::kInsufficientCapacity;
    if (ice) {
      check_known_keys(f, {"type", "at", "for", "instanceType", "zone", "capacityType"});
    } else {
      check_known_keys(f, {"type", "at", "for", "instanceType", "zone"});
    }
    if (auto d = f.get("for"))
      if (auto v = read_positive_duration(*d)) fault.duration = *v;
    if (auto ct = ice ? one_of(f, "capacityType", {"on-demand", "spot"}) : std::nullopt) {
      fault.capacity_type = *ct == "spot" ? CapacityType::kSpot : CapacityType::kOnDemand;
    }
  }
  if (auto at = f.require("at"))
    if (auto d = read_duration(*at)) fault.at = *d;
  set_str(f, "instanceType", fault.instance_type);
  set_str(f, "zone", fault.zone);
  return fault;
}

}  // namespace

NodeAutoscaling read_node_autoscaling(const Field& f) {
  NodeAutoscaling out;
  if (!f.expect_map()) return out;
  check_known_keys(f, {"autoscaler", "registration", "initialization", "clusterAutoscaler"});
  if (auto a = one_of(f, "autoscaler", {"auto", "none", "karpenter", "cluster-autoscaler"})) {
    out.autoscaler = *parse_node_autoscaler(*a);
  }
  if (auto r = f.get("registration"))
    if (auto d = read_distribution(*r, Unit::kMilliseconds)) out.registration_ms = *d;
  if (auto i = f.get("initialization"))
    if (auto d = read_distribution(*i, Unit::kMilliseconds)) out.initialization_ms = *d;
  if (auto ca = f.get("clusterAutoscaler")) read_cluster_autoscaler(*ca, out);
  return out;
}

std::vector<Fault> read_faults(const Field& f) {
  std::vector<Fault> out;
  for (const Field& item : f.items()) out.push_back(read_fault(item));
  return out;
}

void check_node_autoscaling(const Field& root, const Scenario& s) {
  const bool pools = !s.manifests.node_pools.empty();
  if (auto na = root.get("nodeAutoscaling")) {
    if (s.node_autoscaling.autoscaler == NodeAutoscalerKind::kKarpenter && !pools) {
      fail_child_value(*na, "autoscaler", "karpenter needs a NodePool in the manifests");
    }
    const bool scalable =
        std::any_of(s.node_groups.begin(), s.node_groups.end(), [](const NodeGroup& g) {
          return g.node_pool.empty() && (g.min != g.count || g.max != g.count);
        });
    if (s.node_autoscaling.autoscaler == NodeAutoscalerKind::kClusterAutoscaler && !scalable) {
      fail_child_value(*na, "autoscaler",
                       "cluster-autoscaler needs a managed node group with min or max other "
                       "than its count");
    }
  }
  auto faults = root.get("faults");
  if (!faults) return;
  std::size_t i = 0;
  for (const Field& item : faults->items()) {
    if (i >= s.faults.size()) break;
    const Fault& fault = s.faults[i++];
    if (!item.is_map()) continue;
    if (!fault.node_pool.empty() &&
        std::none_of(s.manifests.node_pools.begin(), s.manifests.node_pools.end(),
                     [&](const manifest::NodePool& p) { return p.meta.name == fault.node_pool; })) {
      fail_child_value(item, "nodePool", "no NodePool '" + fault.node_pool + "' in the manifests");
    }
    if (!fault.node_group.empty() &&
        std::none_of(s.node_groups.begin(), s.node_groups.end(),
                     [&](const NodeGroup& g) { return g.name == fault.node_group; })) {
      fail_child_value(item, "nodeGroup", "no node group '" + fault.node_group + "'");
    }
    if (!fault.instance_type.empty() && s.catalog.find(fault.instance_type) == nullptr) {
      fail_child_value(item, "instanceType",
                       "unknown instance type '" + fault.instance_type + "' (not in the catalog)");
    }
    if (fault.at >= s.duration && s.duration > Duration{0}) {
      fail_child_value(item, "at", "after the run's end (" + format_duration(s.duration) + ")");
    }
  }
}

}  // namespace detail
}  // namespace ksim::scenario
