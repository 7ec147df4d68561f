// Cluster Autoscaler's decisions for managed node groups, pure (upstream
// kubernetes/autoscaler cluster-autoscaler: core/static_autoscaler.go RunOnce,
// core/scaleup/orchestrator, estimator/binpacking_estimator.go,
// expander/waste/waste.go, core/scaledown/eligibility/eligibility.go,
// simulator/utilization, config defaults in config/autoscaling_options.go and
// FAQ.md). The caller runs `autoscale` every --scan-interval (10 s), carries
// `CaState` from one call to the next, and acts on the decision.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ksim/control/scheduler/types.h"

namespace ksim::control::cluster_autoscaler {

using Labels = std::map<std::string, std::string>;
using scheduler::Taint;
using scheduler::Toleration;

struct CaOptions {
  double scale_down_utilization_threshold = 0.5;             // --scale-down-utilization-threshold
  std::chrono::seconds scale_down_unneeded_time{600};        // --scale-down-unneeded-time 10m
  std::chrono::seconds scale_down_unready_time{1200};        // --scale-down-unready-time 20m
  std::chrono::seconds scale_down_delay_after_add{600};      // --scale-down-delay-after-add 10m
  std::chrono::seconds scale_down_delay_after_failure{180};  // 3m
  int max_empty_bulk_delete = 10;                            // --max-empty-bulk-delete
  int max_drain_parallelism = 1;                             // non-empty nodes at a time
  bool ignore_daemonsets_utilization = false;                // counted by default
};

struct PodView {
  std::string namespace_ = "default";
  std::string name;
  std::int64_t cpu_milli = 0;
  std::int64_t memory_bytes = 0;
  Labels node_selector;
  std::vector<Toleration> tolerations;
  bool daemonset = false;  // not moved on scale-down; counted in utilization by default
  bool mirror = false;     // static pod: not moved
  /// Cannot be moved (a PDB forbids eviction, local storage, kube-system
  /// without PDB, no controller...), as the caller evaluates the drain rules.
  bool not_movable = false;
  [[nodiscard]] std::string key() const { return namespace_ + "/" + name; }
};

/// A managed node group: its size bounds and the template node new
/// instances look like (identical machines per group).
struct NodeGroup {
  std::string name;
  int min_size = 0;
  int max_size = 0;
  int target_size = 0;  // current desired capacity (nodes requested, registered or not)
  std::int64_t capacity_cpu_milli = 0, capacity_memory_bytes = 0;
  std::int64_t allocatable_cpu_milli = 0, allocatable_memory_bytes = 0;
  std::int64_t max_pods = 110;
  Labels labels;
  std::vector<Taint> taints;
  /// Pod requests every new node carries (DaemonSets).
  std::int64_t daemon_cpu_milli = 0, daemon_memory_bytes = 0;
};

struct NodeView {
  std::string name;
  std::optional<std::string> group;  // nullopt: not autoscaled (e.g. Karpenter's)
  std::int64_t allocatable_cpu_milli = 0, allocatable_memory_bytes = 0;
  std::int64_t max_pods = 110;
  Labels labels;
  std::vector<Taint> taints;
  std::vector<PodView> pods;
  bool ready = true;
  bool scale_down_disabled = false;  // cluster-autoscaler.kubernetes.io/scale-down-disabled
  bool being_deleted = false;
};

/// History carried between calls (upstream unneeded-node tracking).
struct CaState {
  std::map<std::string, std::int64_t> unneeded_since_us;
  std::optional<std::int64_t> last_scale_up_us;
  std::optional<std::int64_t> last_scale_down_failure_us;
};

struct CaInput {
  std::int64_t now_us = 0;
  std::vector<NodeGroup> groups;
  std::vector<NodeView> nodes;
  /// Pods kube-scheduler marked Unschedulable.
  std::vector<PodView> unschedulable;
  CaState state;
  CaOptions options;
};

/// One expansion option (upstream expander.Option) with its least-waste score.
struct ScaleUpOption {
  std::string group;
  int node_count = 0;
  std::vector<std::string> pods;
  double wasted_cpu = 0.0, wasted_memory = 0.0;  // fractions of the new nodes' capacity
  std::string message;
};

struct ScaleUp {
  std::string group;
  int delta = 0;
  int new_target = 0;
  std::vector<std::string> pods;
  std::string
      message;  // "pods a, b unschedulable: ng-arm +1 (least-waste: wastes 12% cpu, 40% memory)"
};

struct ScaleDown {
  std::string node;
  std::string group;
  double utilization = 0.0;  // max(cpu, memory) requests / allocatable
  bool empty = false;        // no pods to move
  std::string message;
};

struct NodeStatus {
  std::string node;
  double utilization = 0.0;
  bool unneeded = false;
  std::string reason;  // why not unneeded, or "unneeded for 300 s of 600 s"
};

struct CaDecision {
  std::optional<ScaleUp> scale_up;
  std::vector<ScaleUpOption> options;  // every option considered, with its waste
  std::vector<ScaleDown> scale_down;
  std::vector<NodeStatus> nodes;
  std::vector<std::string> pods_remaining_unschedulable;
  CaState next_state;
  std::string summary;
};

/// One scan:
/// - Scale-up: unschedulable pods that fit the free room of an existing ready
///   node are left to the scheduler (FilterOutSchedulable); for each group
///   below max, the remaining pods whose selector and tolerations the
///   template admits are packed first-fit-decreasing onto template nodes
///   (binpacking estimator), capped at max − target; the expander least-waste
///   picks the option with the least (wasted CPU + wasted memory) fraction of
///   the new nodes' capacity (waste.go uses Status.Capacity). Ties, random
///   upstream, go to more pods helped, then the group name ascending (ksim).
/// - Scale-down (skipped within delay-after-add of a scale-up, this one
///   included, or delay-after-failure): a group node whose utilization
///   max(Σ cpu requests / allocatable, Σ memory / allocatable) is below the
///   threshold (strictly), not annotated, whose movable pods fit on other
///   nodes (first fit, nodes by name, not onto nodes already unneeded in this
///   scan) and none of them unmovable, is unneeded; it is removed once
///   unneeded for scale-down-unneeded-time (unready nodes: unready-time) if its
///   group stays ≥ min. Empty nodes go in bulk (≤ 10), at most one non-empty.
CaDecision autoscale(const CaInput& input);

/// max(cpu, memory) utilization of a node as upstream utilization.Calculate.
double node_utilization(const NodeView& node, bool ignore_daemonsets);

}  // namespace ksim::control::cluster_autoscaler
