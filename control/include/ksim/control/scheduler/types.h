// Value types of the kube-scheduler decision for one pod, reduced to what the
// default plugins read (upstream: k8s.io/api core/v1 Pod and Node, and the
// scheduler's NodeInfo). CPU is in millicores, memory in bytes; every count is
// an integer, as upstream keeps them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ksim::control::scheduler {

using Labels = std::map<std::string, std::string>;

/// Well-known node labels (upstream: v1.LabelHostname, v1.LabelTopologyZone).
inline constexpr std::string_view kLabelHostname = "kubernetes.io/hostname";
inline constexpr std::string_view kLabelZone = "topology.kubernetes.io/zone";

/// upstream: pkg/scheduler/util DefaultMilliCPURequest / DefaultMemoryRequest,
/// what scoring assumes for a container that sets no cpu / memory request.
inline constexpr std::int64_t kDefaultMilliCpuRequest = 100;
inline constexpr std::int64_t kDefaultMemoryRequest = 200LL * 1024 * 1024;

/// upstream: framework.MaxNodeScore.
inline constexpr std::int64_t kMaxNodeScore = 100;

/// Operators of a node selector requirement (v1.NodeSelectorOperator) and of a
/// label selector (In, NotIn, Exists, DoesNotExist only).
enum class SelectorOp { kIn, kNotIn, kExists, kDoesNotExist, kGt, kLt };

struct Requirement {
  std::string key;
  SelectorOp op = SelectorOp::kIn;
  std::vector<std::string> values;
};

/// v1.NodeSelectorTerm (matchExpressions only; matchFields is not modelled).
/// Expressions are ANDed; a term without expressions matches no node.
struct NodeSelectorTerm {
  std::vector<Requirement> match_expressions;
};

/// v1.PreferredSchedulingTerm.
struct PreferredTerm {
  std::int32_t weight = 0;
  NodeSelectorTerm preference;
};

/// metav1.LabelSelector: matchLabels and matchExpressions, ANDed.
struct LabelSelector {
  Labels match_labels;
  std::vector<Requirement> match_expressions;
  [[nodiscard]] bool empty() const { return match_labels.empty() && match_expressions.empty(); }
};

enum class TaintEffect { kNoSchedule, kPreferNoSchedule, kNoExecute };

struct Taint {
  std::string key;
  std::string value;
  TaintEffect effect = TaintEffect::kNoSchedule;
};

/// v1.Toleration. An empty key with Exists tolerates every taint; an unset
/// effect matches every effect; the empty operator of the API means Equal.
enum class TolerationOp { kEqual, kExists };
struct Toleration {
  std::string key;
  TolerationOp op = TolerationOp::kEqual;
  std::string value;
  std::optional<TaintEffect> effect;
};

/// One container's requests. nullopt = not set (scoring then assumes the
/// non-zero defaults above); an explicit 0 stays 0, as upstream.
struct ContainerRequests {
  std::optional<std::int64_t> cpu_milli;
  std::optional<std::int64_t> memory_bytes;
};

/// The pod being scheduled. Its requests are the sum over its regular
/// containers (init containers and pod overhead are not modelled).
struct Pod {
  std::string name;
  std::string namespace_ = "default";
  Labels labels;
  std::vector<ContainerRequests> containers;
  Labels node_selector;  // spec.nodeSelector
  /// spec.affinity.nodeAffinity.requiredDuringScheduling...: nullopt when
  /// absent; present with no terms (or only empty terms) matches no node.
  std::optional<std::vector<NodeSelectorTerm>> required_terms;
  std::vector<PreferredTerm> preferred_terms;
  std::vector<Toleration> tolerations;
  /// The selector of the Services / ReplicaSets / StatefulSets that select the
  /// pod, ANDed (upstream helper.DefaultSelector): what the system-default
  /// spreading counts. nullopt or empty: the pod is not spread.
  std::optional<LabelSelector> spread_selector;
};

/// A pod already bound to (or assumed on) a node.
struct PlacedPod {
  std::string name;
  std::string namespace_ = "default";
  Labels labels;
  std::vector<ContainerRequests> containers;
  bool terminating = false;  // metadata.deletionTimestamp set: not counted for spreading
};

struct Node {
  std::string name;
  Labels labels;  // including kubernetes.io/hostname and topology.kubernetes.io/zone
  std::int64_t allocatable_cpu_milli = 0;
  std::int64_t allocatable_memory_bytes = 0;
  std::int64_t allocatable_pods = 0;
  bool unschedulable = false;  // spec.unschedulable (cordoned)
  std::vector<Taint> taints;
  std::vector<PlacedPod> pods;
  /// The sum of `pods`' requests (millicores, bytes) when the caller keeps it
  /// as it changes `pods`, so that node_requested() reads it instead of
  /// summing the pods on every filter and score. Unset: summed on each call.
  std::optional<std::pair<std::int64_t, std::int64_t>> pods_requested;
};

/// Score plugin weights of the default profile (upstream:
/// apis/config/v1/default_plugins.go). ImageLocality always scores 0 here (no
/// image sizes are modelled) and InterPodAffinity is skipped (no pod affinity
/// is modelled); their weights are kept for the explanation.
struct PluginWeights {
  std::int64_t taint_toleration = 3;
  std::int64_t node_affinity = 2;
  std::int64_t node_resources_fit = 1;
  std::int64_t pod_topology_spread = 2;
  std::int64_t inter_pod_affinity = 2;
  std::int64_t balanced_allocation = 1;
  std::int64_t image_locality = 1;
};

/// KubeSchedulerConfiguration defaults and release differences.
struct SchedulerConfig {
  PluginWeights weights;
  /// System default spreading (upstream podtopologyspread systemDefaultConstraints).
  std::int32_t hostname_max_skew = 3;
  std::int32_t zone_max_skew = 5;
  /// percentageOfNodesToScore; 0 = adaptive (upstream numFeasibleNodesToFind).
  std::int32_t percentage_of_nodes_to_score = 0;
  /// false: "node(s) had untolerated taint(s)" (kubernetes#134740, newest and
  /// its 1.34+ patch releases); true: "node(s) had untolerated taint {k: v}".
  bool taint_details_in_reason = false;
  /// BalancedAllocation skips pods without cpu/memory requests (#130260, 1.33).
  bool balanced_skips_best_effort = true;
};

}  // namespace ksim::control::scheduler
