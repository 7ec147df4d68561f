// Karpenter's NodePool (karpenter.sh/v1) and EC2NodeClass (karpenter.k8s.aws/v1),
// reduced to the fields that matter for simulation (cluster-facts A.1, A.2),
// with the defaults the CRDs set (KC pkg/apis/v1/nodepool.go; KA
// pkg/apis/v1/ec2nodeclass.go). Durations are microseconds, like the kernel's.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ksim/sim/manifest/meta.h"
#include "ksim/sim/manifest/pod.h"

namespace ksim::manifest {

/// A Go duration ("720h", "1m30s", "0s") or, where the API allows it, "Never".
struct KarpenterDuration {
  bool never = false;
  std::int64_t microseconds = 0;  // meaningful unless `never`

  static KarpenterDuration of_seconds(std::int64_t s) { return {false, s * 1'000'000}; }
  static KarpenterDuration of_never() { return {true, 0}; }
  friend bool operator==(const KarpenterDuration&, const KarpenterDuration&) = default;
};

/// The NodePool requirement operators (core's six plus Gte and Lte).
enum class RequirementOperator { kIn, kNotIn, kExists, kDoesNotExist, kGt, kLt, kGte, kLte };

/// A node selector requirement with Karpenter's minValues (the least number of
/// distinct values of `key`, e.g. instance types, a launch must keep open).
struct NodePoolRequirement {
  std::string key;  // kubernetes.io/arch, karpenter.sh/capacity-type, ...
  RequirementOperator op = RequirementOperator::kIn;
  std::vector<std::string> values;
  std::optional<std::int32_t> min_values;
  friend bool operator==(const NodePoolRequirement&, const NodePoolRequirement&) = default;
};

/// A taint put on every node of the pool (core/v1 Taint; effect never kAll).
struct NodeTaint {
  std::string key;
  std::string value;
  TaintEffect effect = TaintEffect::kNoSchedule;
  friend bool operator==(const NodeTaint&, const NodeTaint&) = default;
};

struct NodeClassRef {
  std::string group;  // karpenter.k8s.aws
  std::string kind;   // EC2NodeClass
  std::string name;
  friend bool operator==(const NodeClassRef&, const NodeClassRef&) = default;
};

enum class ConsolidationPolicy { kWhenEmpty, kWhenEmptyOrUnderutilized };
enum class DisruptionReason { kUnderutilized, kEmpty, kDrifted };

/// spec.disruption.budgets[]: at most `nodes` (a count or "p%" of the pool's
/// nodes, percentages rounded up) disrupted at once, for `reasons` (all when
/// empty), while `schedule` (cron, UTC) is active for `duration` (always when
/// both are unset).
struct DisruptionBudget {
  IntOrString nodes = IntOrString::of_string("10%");
  std::string schedule;                     // "" = always
  std::optional<std::int64_t> duration_us;  // set iff schedule is
  std::vector<DisruptionReason> reasons;    // empty = every reason
  friend bool operator==(const DisruptionBudget&, const DisruptionBudget&) = default;
};

/// spec.disruption with the CRD defaults.
struct Disruption {
  ConsolidationPolicy consolidation_policy = ConsolidationPolicy::kWhenEmptyOrUnderutilized;
  KarpenterDuration consolidate_after;  // default 0s; Never disables consolidation
  std::vector<DisruptionBudget> budgets = std::vector<DisruptionBudget>(1);  // one: nodes 10%
};

struct NodePool {
  Source source;
  ObjectMeta meta;           // cluster-scoped: namespace_ is ""
  LabelMap template_labels;  // spec.template.metadata.labels
  LabelMap template_annotations;
  NodeClassRef node_class_ref;
  std::vector<NodePoolRequirement> requirements;
  std::vector<NodeTaint> taints;
  std::vector<NodeTaint> startup_taints;  // pods need not tolerate them
  KarpenterDuration expire_after = KarpenterDuration::of_seconds(720 * 3600);  // default 720h
  std::optional<std::int64_t> termination_grace_period_us;  // unset = wait for every pod
  /// spec.limits: milli-values by resource name ("cpu" "32" -> 32000,
  /// "memory" 64Gi -> bytes x 1000, "nodes" 10 -> 10000).
  std::map<std::string, std::int64_t> limits_milli;
  std::optional<std::int32_t> weight;  // 1..100; unset = 0 (tried last)
  Disruption disruption;
};

/// An amiSelectorTerms / subnetSelectorTerms / securityGroupSelectorTerms
/// entry, kept as written (ksim selects nothing in AWS).
struct SelectorTerm {
  std::string alias;  // amiSelectorTerms only: "bottlerocket@latest"
  std::string id;
  std::string name;
  std::string owner;
  LabelMap tags;
  friend bool operator==(const SelectorTerm&, const SelectorTerm&) = default;
};

/// spec.kubelet: the settings that change a node's allocatable. Reserved
/// resources are milli-values by name ("memory" 100Mi -> bytes x 1000);
/// evictionHard values are kept as written ("100Mi", "10%").
struct KubeletConfiguration {
  std::optional<std::int32_t> max_pods;
  std::optional<std::int32_t> pods_per_core;
  std::map<std::string, std::int64_t> system_reserved_milli;
  std::map<std::string, std::int64_t> kube_reserved_milli;
  std::map<std::string, std::string> eviction_hard;
};

struct BlockDeviceMapping {
  std::string device_name;                   // /dev/xvda
  std::optional<std::int64_t> volume_bytes;  // ebs.volumeSize
  std::string volume_type;                   // ebs.volumeType: gp3, ...
  bool root_volume = false;
};

struct EC2NodeClass {
  Source source;
  ObjectMeta meta;
  /// spec.amiFamily, or the family of the amiSelectorTerms alias
  /// ("bottlerocket@latest" -> "Bottlerocket"): AL2, AL2023, Bottlerocket,
  /// Windows2019, Windows2022 or Custom.
  std::string ami_family;
  std::vector<SelectorTerm> ami_selector_terms;
  std::vector<SelectorTerm> subnet_selector_terms;
  std::vector<SelectorTerm> security_group_selector_terms;
  std::string role;  // one of role / instanceProfile
  std::string instance_profile;
  KubeletConfiguration kubelet;
  std::vector<BlockDeviceMapping> block_device_mappings;
  LabelMap tags;
};

}  // namespace ksim::manifest
