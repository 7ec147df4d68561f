// Node groups of a scenario (an EKS managed node group: one instance type, a
// node count, zones) and the allocatable each node offers to pods.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ksim/sim/manifest/meta.h"
#include "ksim/sim/manifest/pod.h"
#include "ksim/sim/scenario/instance_catalog.h"

namespace ksim::scenario {

/// Node resources as the scheduler sees them: CPU in millicores, memory in
/// bytes, a pod count.
struct Resources {
  std::int64_t cpu_milli = 0;
  std::int64_t memory_bytes = 0;
  std::int32_t pods = 0;
  friend bool operator==(const Resources&, const Resources&) = default;
};

/// A node taint (core/v1 Taint); `effect` is never kAll.
struct Taint {
  std::string key;
  std::string value;
  manifest::TaintEffect effect = manifest::TaintEffect::kNoSchedule;
  friend bool operator==(const Taint&, const Taint&) = default;
};

/// Where a node group's allocatable came from.
enum class AllocatableSource {
  kGiven,             // `allocatable:` written in the scenario
  kFromCapacity,      // EKS reservations (A.11) applied to the `capacity:` written
  kFromInstanceType,  // EKS reservations applied to the catalog's capacity
};

struct NodeGroup {
  std::string name;
  std::string instance_type;
  std::int32_t count = 0;  // nodes at the start of the run
  std::int32_t min = 0;    // bounds for a node autoscaler; both == count unless given
  std::int32_t max = 0;
  /// topology.kubernetes.io/zone values; nodes are spread over them in order
  /// (node i in zones[i % size]). Empty: the nodes carry no zone label.
  std::vector<std::string> zones;
  std::string arch = "amd64";  // kubernetes.io/arch: amd64 or arm64
  Resources capacity;
  Resources allocatable;
  AllocatableSource allocatable_source = AllocatableSource::kFromInstanceType;
  manifest::LabelMap labels;  // extra node labels (the well-known ones are implied)
  std::vector<Taint> taints;
  /// `capacityType:` (or a managed group's eks.amazonaws.com/capacityType
  /// label SPOT): what the nodes cost and what a spot interruption hits.
  CapacityType capacity_type = CapacityType::kOnDemand;
  /// `nodePool:`: the nodes are Karpenter's, launched from this NodePool
  /// before the run (labels karpenter.sh/nodepool and capacity-type, the
  /// pool's template labels and taints, the instance type's Karpenter
  /// labels). Karpenter may consolidate or expire them; the Cluster
  /// Autoscaler leaves them alone; `count` only. "" for a managed node group.
  std::string node_pool;
  int line = 0;  // where the group is written in the scenario file
};

/// The type `name` in the built-in catalog (InstanceCatalog::builtin());
/// nullptr for a type it does not list.
const InstanceType* find_instance_type(std::string_view name);

/// The capacity Karpenter's AWS provider estimates before a node registers
/// (cluster-facts A.11; KA pkg/providers/instancetype/types.go): CPU = vCPUs;
/// memory = EC2 MiB - 64 MiB on arm64 (Graviton CMA) - ceil(7.5 % VM overhead);
/// pods = ENIs x (IPv4 per ENI - 1) + 2 (VPC CNI without prefix delegation).
Resources eks_capacity(const InstanceType& type);

/// allocatable = capacity - kube-reserved - eviction threshold, as EKS
/// (nodeadm) and Karpenter compute them (cluster-facts A.11): kube-reserved
/// memory 11 MiB x pods + 255 MiB; kube-reserved CPU 6 % of the first core,
/// 1 % of the second, 0.5 % of cores 3-4, 0.25 % of the rest; eviction
/// memory.available 100 Mi; no system-reserved. Pods are not reduced.
Resources eks_allocatable(const Resources& capacity);

/// The labels Karpenter's AWS provider puts on a node of `type` besides the
/// implied ones (karpenter-provider-aws pkg/apis/v1/labels.go):
/// karpenter.k8s.aws/instance-family ("m7g"), -category ("m"), -generation
/// ("7"), -size ("large"), -cpu (vCPUs), -memory (MiB), with
/// kubernetes.io/arch and kubernetes.io/os.
manifest::LabelMap karpenter_instance_labels(const InstanceType& type);

}  // namespace ksim::scenario
