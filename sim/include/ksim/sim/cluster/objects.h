// The cluster model's objects as the Cluster keeps them: one flat vector per
// kind, indexed by id (ids.h). Read them through the Cluster; only the
// Cluster changes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ksim/control/scheduler/types.h"
#include "ksim/sim/cluster/delete_order.h"
#include "ksim/sim/cluster/ids.h"
#include "ksim/sim/cluster/pod_template.h"
#include "ksim/sim/kernel/random.h"
#include "ksim/sim/kernel/simulator.h"
#include "ksim/sim/manifest/meta.h"
#include "ksim/sim/manifest/workloads.h"
#include "ksim/sim/scenario/node_group.h"

namespace ksim::cluster {

/// Where a node is in its life (Karpenter's NodeClaim conditions, cluster-facts
/// A.6): the instance runs, the Node object exists, the node is Ready.
enum class NodeStage {
  kLaunched,    // the instance exists; no Node object yet (not in the scheduler's view)
  kRegistered,  // the Node object exists, NotReady (node.kubernetes.io/not-ready
                // NoSchedule) and still carrying its startupTaints
  kReady,       // Ready, startup taints removed (Karpenter: Initialized)
  kGone,        // the instance is terminated and the Node object deleted
};

/// The EC2 purchase option (karpenter.sh/capacity-type values "on-demand", "spot").
enum class CapacityType { kOnDemand, kSpot };

/// "on-demand" or "spot" (the karpenter.sh/capacity-type label value).
std::string_view capacity_type_label(CapacityType t);

struct Node {
  std::string name;   // "ip-10-0-1-10": the EC2 private DNS name without its domain
  std::string group;  // the managed node group ("" for a node of a NodePool or of neither)
  ZoneId zone = kNoZone;
  std::uint32_t ip = 0;
  control::scheduler::Labels labels;
  scenario::Resources allocatable;
  bool ready = false;  // stage == kReady
  Time created{};      // the Node object's creationTimestamp (registration)
  // Identity and times for a cost model (node-seconds x price): the instance
  // runs from `launched` until `deleted`.
  std::string node_pool;  // karpenter.sh/nodepool ("" for a node-group node)
  std::string instance_type;
  CapacityType capacity_type = CapacityType::kOnDemand;
  scenario::Resources capacity;
  NodeStage stage = NodeStage::kLaunched;
  Time launched{};             // the instance was launched (node-group nodes at the start: created)
  Time ready_since{};          // Ready's lastTransitionTime (when stage >= kReady)
  Time deleted{};              // instance terminated, Node object deleted (when kGone)
  bool unschedulable = false;  // spec.unschedulable: cordoned
  bool draining = false;       // drain() started and not finished
  std::vector<scenario::Taint> taints;  // spec.taints for the node's life
  /// startupTaints still on the node (until it is Ready).
  std::vector<scenario::Taint> startup_taints;
  /// The kubelet's image cache: image and the time its pull completes.
  std::vector<std::pair<std::string, Time>> images;
  /// serializeImagePulls (kubelet default true): pulls run one at a time;
  /// the next may start at this time.
  Time puller_free_at{};
};

/// Where a pod is in its life (finer than PodPhase).
enum class PodStage {
  kPending,      // in the scheduling queue (unschedulable ones too)
  kBinding,      // assumed on a node, the binding not yet written
  kStarting,     // bound: the kubelet pulls images and starts containers
  kRunning,      // every container started, the readiness probe not yet passed
  kReady,        // Ready condition True
  kTerminating,  // deletionTimestamp set, in its grace period
  kGone,         // deleted from the API
};

/// The kind of a pod's controller (its ownerReference with controller: true).
/// kNone: a bare pod, no controller (a scenario's podTrace pods, bare_pods.cpp):
/// nothing replaces it when it goes.
enum class OwnerKind { kReplicaSet, kStatefulSet, kDaemonSet, kNone };

struct Pod {
  std::string name;
  std::string namespace_;
  /// The owner. A Deployment's pod: owner_kind kReplicaSet, replica_set its
  /// ReplicaSet, stateful_set kNoStatefulSet, ordinal -1. A StatefulSet's
  /// pod: owner_kind kStatefulSet, stateful_set and ordinal (the N of
  /// "<set>-N") set, replica_set kNoReplicaSet. A DaemonSet's pod: owner_kind
  /// kDaemonSet, daemon_set its DaemonSet and daemon_node the node it is
  /// pinned to (the node affinity matchFields metadata.name the daemon
  /// controller sets), replica_set kNoReplicaSet. A bare pod: owner_kind
  /// kNone, ordinal its row in the pod trace, replica_set kNoReplicaSet.
  /// Cluster::pod_owner() gives the template of any of them.
  ReplicaSetId replica_set{};
  OwnerKind owner_kind = OwnerKind::kReplicaSet;
  StatefulSetId stateful_set = kNoStatefulSet;
  std::int32_t ordinal = -1;
  DaemonSetId daemon_set = kNoDaemonSet;
  NodeId daemon_node = kNoNode;
  std::uint64_t uid = 0;
  std::uint32_t ip = 0;   // 0 until the pod sandbox has one (bound)
  NodeId node = kNoNode;  // the scheduler's pick, spec.nodeName once bound
  bool bound = false;     // spec.nodeName is set
  PodStage stage = PodStage::kPending;
  PodPhase phase = PodPhase::kPending;
  Time created{};
  Time ready_since{};  // Ready's lastTransitionTime (when kReady)
  Time deleted{};      // deletionTimestamp (when terminating or gone)
  std::int32_t restarts = 0;
  std::uint32_t containers_started = 0;
  /// When the last container started (phase Running); kTimeZero before.
  /// metrics-server reads it as container_start_time_seconds and the HPA as
  /// status.startTime (upstream sets startTime earlier, when the kubelet
  /// first syncs the pod, before its image pulls).
  Time started{};
  Time ready_at{};  // when the last readiness probe needed passes
  /// While unschedulable: the PodScheduled=False condition's message and the
  /// filter plugins that rejected nodes (bits of kPluginBit*).
  std::string unschedulable_message;
  std::uint8_t unschedulable_plugins = 0;
  /// PodScheduled=False (reason Unschedulable)'s lastTransitionTime: the
  /// first failure since the pod was last pending without it (when
  /// unschedulable_message is not empty).
  Time unschedulable_since{};
  /// The propagated endpoint view: visible to consumers, and when the last
  /// change of it takes (took) effect.
  bool endpoint_visible = false;
  Time endpoint_change_at{};
  EventHandle next;  // the pending lifecycle step, if any
  Rng rng{0};        // the pod's own stream ("pod/<namespace>/<name>")

  [[nodiscard]] bool active() const {
    return stage != PodStage::kTerminating && stage != PodStage::kGone;
  }
  [[nodiscard]] bool ready() const { return stage == PodStage::kReady; }
};

inline constexpr std::uint8_t kPluginBitNodeUnschedulable = 1;
inline constexpr std::uint8_t kPluginBitTaintToleration = 2;
inline constexpr std::uint8_t kPluginBitNodeAffinity = 4;
inline constexpr std::uint8_t kPluginBitNodeResourcesFit = 8;

/// What a workload controller stamps its pods from, the same for a
/// Deployment's ReplicaSet and a StatefulSet: the scheduler, the kubelet,
/// the EndpointSlice and disruption controllers read a pod's template here.
struct PodOwner {
  std::string name;
  std::string namespace_;
  manifest::LabelMap pod_labels;               // labels every pod of it carries
  manifest::LabelMap pod_annotations;          // annotations every pod of it carries
  control::scheduler::Pod scheduler_template;  // scheduler_pod() with labels and spread selector
  std::vector<ContainerPlan> containers;
  Duration grace{};                 // terminationGracePeriodSeconds (or the scenario's override)
  std::vector<ServiceId> services;  // Services selecting its pods
  std::vector<PdbId> pdbs;          // PodDisruptionBudgets selecting its pods
  std::vector<PodId> pods;          // active pods, in creation order
  Rng rng{0};                       // pod names and UIDs ("<kind>/<namespace>/<name>")
};

/// A Deployment's ReplicaSet: name "<deployment>-<pod-template-hash>", pod
/// labels the template's plus pod-template-hash, rng "replicaset/<ns>/<name>".
struct ReplicaSet : PodOwner {
  DeploymentId deployment{};
  std::int32_t replicas = 0;  // spec.replicas
};

/// apps/v1 StatefulSet: pods "<name>-<ordinal>", pod labels the template's
/// plus controller-revision-hash, rng "statefulset/<ns>/<name>" (UIDs).
struct StatefulSet : PodOwner {
  std::int32_t replicas = 0;  // spec.replicas
  manifest::PodManagementPolicy pod_management_policy =
      manifest::PodManagementPolicy::kOrderedReady;
  std::string service_name;  // spec.serviceName, the governing Service
  /// The pod object holding each ordinal, terminating ones included; kNoPod
  /// where there is none. Longer than `replicas` while condemned pods remain.
  std::vector<PodId> ordinals;
  /// By ordinal: its PersistentVolumeClaims exist (created with the ordinal's
  /// first pod, kept afterwards: persistentVolumeClaimRetentionPolicy Retain).
  std::vector<bool> claimed;
  std::vector<std::string> volume_claims;  // volumeClaimTemplates names
};

/// apps/v1 DaemonSet: a pod "<name>-<5 chars>" on every node it should run
/// on (daemon_set.cpp), pod labels the template's plus
/// controller-revision-hash and pod-template-generation, rng
/// "daemonset/<ns>/<name>". scheduler_template carries the tolerations the
/// controller adds to every daemon pod and no required node affinity (the
/// controller replaces it by the pod's own node).
struct DaemonSet : PodOwner {
  /// The daemon controller's view of a pod of it (NewPod): nodeSelector,
  /// required node affinity and the tolerations with the automatic ones;
  /// what a node must match and tolerate for the DaemonSet to run there.
  control::scheduler::Pod eligibility;
  /// Per node (NodeId index): its pod of this DaemonSet that is not gone,
  /// kNoPod where there is none.
  std::vector<PodId> by_node;
};

struct Deployment {
  std::string name;
  std::string namespace_;
  std::int32_t replicas = 0;  // spec.replicas
  ReplicaSetId replica_set{};
};

/// One ready endpoint of a Service (discovery/v1 Endpoint: address, nodeName, zone).
struct Endpoint {
  PodId pod{};
  NodeId node = kNoNode;
  ZoneId zone = kNoZone;
  std::uint32_t ip = 0;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

struct Service {
  std::string name;
  std::string namespace_;
  manifest::LabelMap selector;
  /// The EndpointSlice controller's view: ready endpoints, in the order they
  /// became ready.
  std::vector<Endpoint> ready;
  /// What consumers (kube-proxy, ingress controllers) see: the same after the
  /// endpoint propagation delay.
  std::vector<Endpoint> visible;
  /// Bumped on every change of `visible`, so a consumer can cache what it
  /// derives from the list (a balancer's ring) and notice when it is stale.
  std::uint64_t visible_version = 0;
};

/// policy/v1 PodDisruptionBudget, with the pods it selects.
struct PodDisruptionBudget {
  std::string name;
  std::string namespace_;
  std::optional<manifest::IntOrString> min_available;  // at most one of the two is set
  std::optional<manifest::IntOrString> max_unavailable;
  /// Absent: selects no pod; {}: every pod of the namespace.
  std::optional<manifest::LabelSelector> selector;
  /// The selected pods that exist in the API (terminating ones included, gone
  /// ones not), in creation order: what getPodsForPdb lists.
  std::vector<PodId> pods;
};

/// "10.1.0.7".
std::string format_ip(std::uint32_t ip);

}  // namespace ksim::cluster
