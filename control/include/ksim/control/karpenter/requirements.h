// Karpenter's node-selector requirement algebra (upstream kubernetes-sigs/karpenter
// pkg/scheduling/requirement.go and requirements.go). A Requirements set maps
// each label key to the set of values it still allows; adding a requirement for
// a key already present intersects the two. Pods, NodePools, NodeClaims,
// instance types and offerings are all compared through it.
//
// Representation (as upstream): a value set that is either concrete (In,
// DoesNotExist = the empty concrete set) or a complement (NotIn, Exists = the
// complement of nothing), with optional integer bounds (Gt n is kept as
// "at least n+1", Lt n as "at most n-1", Gte/Lte as written) and minValues.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ksim::control::karpenter {

using Labels = std::map<std::string, std::string>;

/// Well-known labels (upstream v1.WellKnownLabels plus the AWS provider's
/// additions in karpenter-provider-aws pkg/apis/v1/labels.go).
inline constexpr std::string_view kLabelNodePool = "karpenter.sh/nodepool";
inline constexpr std::string_view kLabelCapacityType = "karpenter.sh/capacity-type";
inline constexpr std::string_view kLabelZone = "topology.kubernetes.io/zone";
inline constexpr std::string_view kLabelRegion = "topology.kubernetes.io/region";
inline constexpr std::string_view kLabelInstanceType = "node.kubernetes.io/instance-type";
inline constexpr std::string_view kLabelArch = "kubernetes.io/arch";
inline constexpr std::string_view kLabelOs = "kubernetes.io/os";
inline constexpr std::string_view kLabelHostname = "kubernetes.io/hostname";
inline constexpr std::string_view kLabelInstanceCategory = "karpenter.k8s.aws/instance-category";
inline constexpr std::string_view kLabelInstanceFamily = "karpenter.k8s.aws/instance-family";
inline constexpr std::string_view kLabelInstanceGeneration =
    "karpenter.k8s.aws/instance-generation";
inline constexpr std::string_view kLabelInstanceSize = "karpenter.k8s.aws/instance-size";
inline constexpr std::string_view kLabelInstanceCpu = "karpenter.k8s.aws/instance-cpu";
inline constexpr std::string_view kLabelInstanceMemory = "karpenter.k8s.aws/instance-memory";
inline constexpr std::string_view kLabelInstanceHypervisor =
    "karpenter.k8s.aws/instance-hypervisor";

/// True for a key in AllowUndefinedWellKnownLabels: a pod may require it of a
/// NodePool that does not constrain it (the instance type or offering decides).
bool is_well_known_label(std::string_view key);

/// NodeSelectorOperator plus Karpenter's Gte/Lte.
enum class Operator { kIn, kNotIn, kExists, kDoesNotExist, kGt, kLt, kGte, kLte };

std::string_view operator_name(Operator op);

/// One requirement as written in a NodePool or pod (NodeSelectorRequirement
/// WithMinValues). Gt/Lt/Gte/Lte take exactly one integer value.
struct Requirement {
  std::string key;
  Operator op = Operator::kIn;
  std::vector<std::string> values;
  /// NodePool only: at least this many distinct values of `key` must remain
  /// among a NodeClaim's instance type options.
  std::optional<int> min_values;
};

/// The values one key still allows.
struct ValueSet {
  bool complement = true;  // true: every value except `values`
  std::set<std::string> values;
  std::optional<std::int64_t> gte;  // integer lower bound (inclusive)
  std::optional<std::int64_t> lte;  // integer upper bound (inclusive)
  std::optional<int> min_values;

  /// upstream Requirement.Has: the value is allowed (bounds need an integer).
  [[nodiscard]] bool has(std::string_view value) const;
  /// upstream Requirement.Len: number of allowed values; a complement counts as
  /// INT64_MAX minus its exclusions (bounds ignored, as upstream).
  [[nodiscard]] std::int64_t size() const;
  /// upstream Requirement.Operator: In, NotIn, Exists or DoesNotExist.
  [[nodiscard]] Operator op() const;
  /// upstream Requirement.Intersection (minValues: the larger one).
  [[nodiscard]] ValueSet intersect(const ValueSet& other) const;
  /// "key In [a b]" as upstream Requirement.String prints it.
  [[nodiscard]] std::string describe(std::string_view key) const;
};

/// upstream NewRequirement: the value set of one written requirement.
ValueSet value_set_of(const Requirement& r);

class Requirements {
 public:
  Requirements() = default;
  /// upstream NewNodeSelectorRequirementsWithMinValues.
  static Requirements of(const std::vector<Requirement>& rs);
  /// upstream NewLabelRequirements: each label as "key In [value]".
  static Requirements of_labels(const Labels& labels);

  /// Adds (intersects) one requirement / every key of another set.
  void add(const Requirement& r);
  void add(std::string_view key, const ValueSet& vs);
  void add(const Requirements& other);

  [[nodiscard]] bool has(std::string_view key) const;
  /// nullptr when the key is not constrained (upstream Get then yields Exists).
  [[nodiscard]] const ValueSet* get(std::string_view key) const;
  /// True when the key is unconstrained or allows `value`.
  [[nodiscard]] bool allows(std::string_view key, std::string_view value) const;
  [[nodiscard]] bool has_min_values() const;
  [[nodiscard]] const std::map<std::string, ValueSet, std::less<>>& entries() const {
    return entries_;
  }

  /// upstream Requirements.Intersects: every key both sets constrain still has
  /// a common value (except when both sides are NotIn/DoesNotExist). nullopt
  /// when they intersect, else the first offending key as upstream words it:
  /// "key k, <incoming> not in <existing>".
  [[nodiscard]] std::optional<std::string> intersects(const Requirements& incoming) const;
  /// upstream Requirements.Compatible: a key the incoming set requires (other
  /// than NotIn/DoesNotExist) must be defined here, unless it is well-known and
  /// `allow_undefined_well_known` ("label \"k\" does not have known values");
  /// then intersects().
  [[nodiscard]] std::optional<std::string> compatible(const Requirements& incoming,
                                                      bool allow_undefined_well_known) const;
  /// upstream Requirements.String: "k1 In [a], k2 Exists" in key order.
  [[nodiscard]] std::string describe() const;

 private:
  std::map<std::string, ValueSet, std::less<>> entries_;
};

}  // namespace ksim::control::karpenter
