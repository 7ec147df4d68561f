// The cluster model hosted on a Simulator: nodes, Deployments with their
// ReplicaSets and pods, the kube-scheduler, the kubelets' pod lifecycle, and
// Services with their ready endpoints, built from a Scenario. Everything the
// cluster does is an Event in events(); the same scenario and seed give the
// same log.
//
// Upstream behaviour reproduced (details at each function):
//   nodes         the node groups' nodes Ready at the start (add_node: one
//                 more, Ready at once); launch_node: any shape, through
//                 launched -> registered (NotReady, not-ready and startup
//                 taints) -> Ready after the caller's delays (nodes.cpp);
//                 cordon, the Eviction API with its PDB check, drain with
//                 kubectl's 5 s retry and a forced deadline, delete_node
//                 (drain.cpp)
//   Deployment    one ReplicaSet; set_replicas scales it ("ScalingReplicaSet")
//   ReplicaSet    creates pods, deletes them in getPodsToDelete order (delete_order.h)
//   StatefulSet   pods "<name>-<ordinal>", OrderedReady or Parallel; a pod's
//                 name is reused once its predecessor is gone
//   DaemonSet     a pod per node it should run on, pinned to that node, made
//                 when the Node object appears or changes (daemon_set.cpp)
//   PDB           the pods each PodDisruptionBudget selects and its
//                 disruptionsAllowed (disruption.h), checked by evict()
//   scheduler     schedule_pod (control/scheduler) per pod, ties broken by the
//                 stream "scheduler"; binding after the scenario's latency;
//                 the scheduling queue of scheduling_queue.h with the
//                 queueing hints of the filter plugins
//   kubelet       serialized image pulls with a per-node image cache,
//                 container start, readiness probe, graceful termination
//   bare pods     a scenario's podTrace: submitted at their time, Succeeded
//                 and gone their duration after Running (bare_pods.cpp)
//   EndpointSlice ready endpoints at once (headless Services too); consumers
//                 see them after the scenario's endpoint propagation delay
//
// The scheduler, kubelet and endpoint parts serve the pods of every owner
// alike through the PodOwner they were stamped from (pod_owner()).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ksim/control/scheduler/types.h"
#include "ksim/sim/cluster/disruption.h"
#include "ksim/sim/cluster/event_log.h"
#include "ksim/sim/cluster/ids.h"
#include "ksim/sim/cluster/objects.h"
#include "ksim/sim/cluster/scheduling_queue.h"
#include "ksim/sim/kernel/check.h"
#include "ksim/sim/kernel/random.h"
#include "ksim/sim/kernel/simulator.h"
#include "ksim/sim/scenario/scenario.h"

namespace ksim::cluster {

/// What the models riding on the cluster (traffic, metrics) must hear at
/// once rather than find out later. Called from inside the cluster's events;
/// an observer must not call back into the Cluster's mutators.
class ClusterObserver {
 public:
  virtual ~ClusterObserver() = default;
  /// The pod's containers are gone (end of its grace period, or deletion
  /// before any container started): whatever it was serving is lost.
  virtual void on_pod_gone(PodId pod) = 0;
  /// The pod's deletion started (deletionTimestamp set): it still serves
  /// what it has, and its server closes idle keep-alive connections.
  virtual void on_pod_terminating(PodId /*pod*/) {}
  /// The scheduler just marked the pod PodScheduled=False reason
  /// Unschedulable, having had no such condition (Pod::unschedulable_since
  /// is now). Later failures of the same pending pod are not reported.
  virtual void on_pod_unschedulable(PodId /*pod*/) {}
  /// The node turned Ready (its startup taints removed with it).
  virtual void on_node_ready(NodeId /*node*/) {}
  /// The node is gone (delete_node): its instance terminated, the Node
  /// object deleted, every pod on it gone first.
  virtual void on_node_gone(NodeId /*node*/) {}
};

/// One node of any shape, as a node autoscaler launches it (a Karpenter
/// NodeClaim, a managed node group's scale-up). The caller computes
/// capacity and allocatable (scenario::eks_allocatable) and draws the delays.
struct NodeLaunch {
  /// Empty: the EC2-like name of its address ("ip-10-0-1-14"). Precondition:
  /// no other node that is not gone has the name.
  std::string name;
  std::string instance_type;   // node.kubernetes.io/instance-type ("": no label)
  std::string zone;            // topology.kubernetes.io/zone ("": no label)
  std::string arch = "amd64";  // kubernetes.io/arch
  CapacityType capacity_type = CapacityType::kOnDemand;
  /// At most one of the two: karpenter.sh/nodepool and
  /// karpenter.sh/capacity-type labels, or eks.amazonaws.com/nodegroup and
  /// eks.amazonaws.com/capacityType (ON_DEMAND / SPOT). The group need not be
  /// one of the scenario's.
  std::string node_pool;
  std::string node_group;
  /// More labels; the implied ones (those above, kubernetes.io/hostname,
  /// kubernetes.io/os) win over them, as for a node group's.
  manifest::LabelMap labels;
  std::vector<scenario::Taint> taints;          // spec.taints for the node's life
  std::vector<scenario::Taint> startup_taints;  // removed when it turns Ready
  scenario::Resources capacity;
  scenario::Resources allocatable;
  /// Launch -> the Node object exists (NotReady): kubelet start and
  /// registration. Launch -> Ready is the sum of the two (cluster-facts A.6:
  /// about 35-60 s with a tail). Both >= 0.
  Duration registration_delay{};
  /// Registration -> Ready with the startup taints removed (Karpenter:
  /// Initialized).
  Duration initialization_delay{};
};

/// drain()'s choices. The defaults are kubectl drain's: no deadline, the
/// node stays (cordoned) once empty.
struct DrainOptions {
  /// NodePool spec.template.spec.terminationGracePeriod: at drain + this the
  /// node is deleted whatever is left on it, and each pod still there is
  /// deleted, bypassing its PDB, once the deadline minus its own
  /// terminationGracePeriodSeconds is reached (Karpenter's terminator,
  /// "Disrupted"), granted the time left. nullopt: wait for the PDBs forever.
  std::optional<Duration> termination_grace_period;
  /// Delete the node once no pod is left on it (Karpenter's termination
  /// controller; kubectl drain leaves that to the caller).
  bool delete_when_drained = false;
  /// Karpenter's terminator: DaemonSet pods that do not tolerate
  /// karpenter.sh/disrupted:NoSchedule are evicted too, once every other
  /// pod is gone, and waited for. false (kubectl drain --ignore-daemonsets):
  /// DaemonSet pods are left on the node and not waited for.
  bool evict_daemon_set_pods = false;
  /// Refused evictions (429) are retried after this (kubectl drain: "will
  /// retry after 5s", k8s.io/kubectl/pkg/drain drain.go evictPods).
  Duration eviction_retry = std::chrono::seconds{5};
};

struct ClusterOptions {
  /// KubeSchedulerConfiguration; the default is upstream's.
  control::scheduler::SchedulerConfig scheduler;
  /// Feature gate SchedulerPopFromBackoffQ (beta, on by default since 1.33).
  bool pop_from_backoff_q = true;
};

class Cluster {
 public:
  /// Builds the cluster at sim.now(): the node groups' nodes (Ready), the
  /// Services and PodDisruptionBudgets, then for each Deployment (manifest
  /// order) its ReplicaSet and pods, then each StatefulSet's first pods (all
  /// of them when Parallel), queued for scheduling. Keeps no reference to
  /// `scenario`. `sim` must outlive it.
  Cluster(Simulator& sim, const scenario::Scenario& scenario, ClusterOptions options = {});
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  /// Adds one node of node group `group` now, Ready, in the group's next zone
  /// (round-robin continues). Pods it may help are requeued (NodeAdd).
  /// Precondition: the group exists.
  NodeId add_node(std::string_view group);

  /// Launches a node now (NodeStage::kLaunched, event "Launched"). After
  /// registration_delay the Node object exists ("RegisteredNode",
  /// "Registered"): NotReady, so tainted node.kubernetes.io/not-ready
  /// NoSchedule as the node lifecycle controller does, with its taints and
  /// startup taints; the scheduler sees it and pods it may help are requeued
  /// (NodeAdd hints). initialization_delay later it is Ready ("NodeReady",
  /// "Initialized"): the not-ready and startup taints go, pods they rejected
  /// are requeued (the same hints), observers hear on_node_ready.
  NodeId launch_node(const NodeLaunch& launch);

  /// `kubectl cordon`: spec.unschedulable, so the NodeUnschedulable filter
  /// rejects the node for new pods ("NodeNotSchedulable"). Its pods stay.
  /// Nothing for a cordoned or gone node.
  void cordon(NodeId node);
  /// `kubectl uncordon` ("NodeSchedulable"); pods the node may help are
  /// requeued. Nothing for a schedulable or gone node.
  void uncordon(NodeId node);

  /// The Eviction API (pods/eviction, upstream registry/core/pod/storage
  /// eviction.go): nullopt when the eviction was accepted, else the refusal.
  /// A pod that is gone: `pods "<name>" not found` (404). A pod already
  /// terminating, or in phase Pending, is deleted without a PDB check
  /// (canIgnorePDB). More than one PDB selecting the pod: upstream's 500
  /// text. One PDB: a pod that is not Ready goes while the budget is
  /// otherwise met (currentHealthy >= desiredHealthy > 0); else with
  /// disruptionsAllowed 0 the 429 "Cannot evict pod as it would violate the
  /// pod's disruption budget.". Accepted: graceful deletion as delete_pod
  /// (the owner replaces the pod) and an "Evicted" event.
  std::optional<std::string> evict(PodId pod);

  /// `kubectl drain` / Karpenter's terminator: cordon, then evict every pod
  /// on the node but the DaemonSet pods (see
  /// DrainOptions::evict_daemon_set_pods), retrying refused ones every options.eviction_retry
  /// ("FailedDraining" once per pod), until none is left; then, if asked or at the deadline,
  /// delete_node. Node::draining is set meanwhile. Nothing for a gone node;
  /// a second call replaces the options.
  void drain(NodeId node, DrainOptions options = {});

  /// The instance is terminated and the Node object deleted now
  /// ("RemovingNode" if it had registered): pods still on it are gone at
  /// once (their containers die with the instance; PodGC deletes the
  /// objects) and their owners replace them; a pod whose binding was in
  /// flight goes back to the scheduling queue. The scheduler's cache drops
  /// the node; observers hear on_pod_gone for each pod, then on_node_gone.
  /// Nothing for a gone node.
  void delete_node(NodeId node);

  /// The Deployment's spec.replicas (the HPA's scale subresource): the
  /// ReplicaSet follows at once. Precondition: replicas >= 0.
  void set_replicas(DeploymentId deployment, std::int32_t replicas);

  /// Registers the observer of set_observer's own slot (nullptr empties it),
  /// heard before those of add_observer. It must outlive the Cluster or be
  /// removed first.
  void set_observer(ClusterObserver* observer) { observer_ = observer; }
  /// Registers one more observer (heard in the order added); the same rules.
  void add_observer(ClusterObserver* observer);
  /// Unregisters an observer of add_observer; nothing if it is not one.
  void remove_observer(ClusterObserver* observer);

  /// The StatefulSet's spec.replicas (its scale subresource). The
  /// StatefulSet controller follows at once and then as pods become Ready or
  /// go: OrderedReady creates ordinal i+1 only once i is Running and Ready,
  /// and removes the highest ordinal first, one at a time, each only after
  /// the one before is gone; Parallel creates or deletes all at once. No
  /// event (upstream records none for a scale). Precondition: replicas >= 0.
  void set_statefulset_replicas(StatefulSetId set, std::int32_t replicas);

  /// `kubectl delete pod`: graceful deletion. The ReplicaSet replaces it at
  /// once; a StatefulSet recreates it under the same name once it is gone.
  /// Deleting a terminating or gone pod does nothing.
  void delete_pod(PodId pod);

  [[nodiscard]] std::optional<DeploymentId> find_deployment(std::string_view ns,
                                                            std::string_view name) const;
  [[nodiscard]] std::optional<ServiceId> find_service(std::string_view ns,
                                                      std::string_view name) const;
  [[nodiscard]] std::optional<StatefulSetId> find_statefulset(std::string_view ns,
                                                              std::string_view name) const;
  [[nodiscard]] std::optional<PdbId> find_pdb(std::string_view ns, std::string_view name) const;
  /// O(1) (a hash map). A StatefulSet reuses a name once its pod is gone:
  /// the newest pod of that name, which is the live one when there is one
  /// (two pods of one name never coexist).
  [[nodiscard]] std::optional<PodId> find_pod(std::string_view ns, std::string_view name) const;

  [[nodiscard]] std::optional<DaemonSetId> find_daemonset(std::string_view ns,
                                                          std::string_view name) const;
  [[nodiscard]] std::span<const DaemonSet> daemonsets() const { return daemonsets_; }
  [[nodiscard]] const DaemonSet& daemonset(DaemonSetId id) const {
    return daemonsets_[index_of(id)];
  }
  /// The daemon controller's predicate (NodeShouldRunDaemonPod, shouldRun):
  /// the node is registered and not gone, matches the DaemonSet's
  /// nodeSelector and required node affinity, and its NoSchedule and
  /// NoExecute taints are tolerated by the DaemonSet's pod with the automatic
  /// tolerations.
  [[nodiscard]] bool should_run_daemon_pod(DaemonSetId set, NodeId node) const;

  /// Every node ever launched, gone ones included (ids are indices).
  [[nodiscard]] std::span<const Node> nodes() const { return nodes_; }
  /// The nodes not gone (launched, registered or Ready), in id order.
  [[nodiscard]] std::vector<NodeId> live_nodes() const;
  /// The pods assumed or bound on the node and not gone (terminating ones
  /// included), in the order they were placed.
  [[nodiscard]] const std::vector<PodId>& node_pods(NodeId node) const;
  /// What the scheduler counts as requested on the node: the sum of its
  /// pods' cpu and memory requests (terminating pods included, as upstream's
  /// NodeInfo) and their number; zero for a node not in the scheduler's view.
  [[nodiscard]] scenario::Resources requested(NodeId node) const;
  /// The node in the scheduler's cache; nullptr before registration and once
  /// gone.
  [[nodiscard]] const control::scheduler::Node* scheduler_node(NodeId node) const;
  /// The pods now PodScheduled=False reason Unschedulable (pending, their
  /// last scheduling attempt failed), in id order; each one's first-seen time
  /// is Pod::unschedulable_since.
  [[nodiscard]] const std::set<PodId>& unschedulable_pods() const { return unschedulable_; }
  [[nodiscard]] std::span<const Pod> pods() const { return pods_; }
  [[nodiscard]] std::span<const ReplicaSet> replica_sets() const { return replica_sets_; }
  [[nodiscard]] std::span<const Deployment> deployments() const { return deployments_; }
  [[nodiscard]] std::span<const Service> services() const { return services_; }
  [[nodiscard]] std::span<const StatefulSet> statefulsets() const { return statefulsets_; }
  [[nodiscard]] std::span<const PodDisruptionBudget> pdbs() const { return pdbs_; }
  [[nodiscard]] std::span<const std::string> zones() const { return zones_; }
  [[nodiscard]] const Node& node(NodeId id) const { return nodes_[index_of(id)]; }
  [[nodiscard]] const Pod& pod(PodId id) const { return pods_[index_of(id)]; }
  [[nodiscard]] const Deployment& deployment(DeploymentId id) const {
    return deployments_[index_of(id)];
  }
  /// Precondition: id is a ReplicaSet's (not kNoReplicaSet).
  [[nodiscard]] const ReplicaSet& replica_set(ReplicaSetId id) const {
    KSIM_CHECK(index_of(id) < replica_sets_.size(), "replica_set: no such ReplicaSet");
    return replica_sets_[index_of(id)];
  }
  [[nodiscard]] const StatefulSet& statefulset(StatefulSetId id) const {
    return statefulsets_[index_of(id)];
  }
  [[nodiscard]] const PodDisruptionBudget& pdb(PdbId id) const { return pdbs_[index_of(id)]; }
  /// The ReplicaSet or StatefulSet the pod was stamped from.
  [[nodiscard]] const PodOwner& pod_owner(PodId pod) const {
    return owner_of(pods_[index_of(pod)]);
  }
  [[nodiscard]] const Service& service(ServiceId id) const { return services_[index_of(id)]; }
  /// The zone's name, "" for kNoZone.
  [[nodiscard]] std::string_view zone_name(ZoneId z) const;

  /// The Deployment's active (not terminating) pods, in creation order.
  [[nodiscard]] const std::vector<PodId>& active_pods(DeploymentId d) const;
  [[nodiscard]] std::int32_t ready_replicas(DeploymentId d) const;
  /// The StatefulSet's active (not terminating) pods, in creation order.
  [[nodiscard]] const std::vector<PodId>& active_pods(StatefulSetId s) const;
  [[nodiscard]] std::int32_t ready_replicas(StatefulSetId s) const;
  /// The disruption controller's status of the PDB now (computed on each call
  /// from the pods' current state; upstream's controller lags by its sync).
  [[nodiscard]] PdbStatus pdb_status(PdbId pdb) const;
  /// status.disruptionsAllowed: how many selected pods an eviction may take now.
  [[nodiscard]] std::int32_t disruptions_allowed(PdbId pdb) const {
    return pdb_status(pdb).disruptions_allowed;
  }
  /// The scheduler's cache: the registered nodes that are not gone, in
  /// registration order, with the pods assumed or bound on them.
  [[nodiscard]] const std::vector<control::scheduler::Node>& scheduler_nodes() const {
    return sched_nodes_;
  }
  [[nodiscard]] const SchedulingQueue& scheduling_queue() const { return queue_; }
  /// The pod trace's counts so far: pods submitted (created), and those that
  /// ran their duration and Succeeded.
  [[nodiscard]] std::size_t trace_pods_submitted() const { return trace_submitted_; }
  [[nodiscard]] std::size_t trace_pods_succeeded() const { return trace_succeeded_; }
  [[nodiscard]] const EventLog& events() const { return events_; }
  /// Drops the events logged so far (a consumer that has copied them, such
  /// as the run's trace recorder, keeps memory flat); later events append
  /// to an empty log.
  void clear_events() { events_.clear(); }

 private:
  // cluster.cpp: construction, node groups, events
  void build_nodes(const scenario::Scenario& s);
  NodeId create_node(std::size_t group);
  ZoneId zone_id(const std::string& zone);
  void log(ObjectKind kind, std::string object, EventReason reason, std::string message);
  void log_pod(PodId pod, EventReason reason, std::string message);
  void log_node(NodeId node, EventReason reason, std::string message);
  /// Calls f(observer) for set_observer's and then add_observer's.
  template <class F>
  void notify(F f) {
    if (observer_ != nullptr) f(*observer_);
    for (ClusterObserver* o : observers_) f(*o);
  }

  // nodes.cpp: node objects, their lifecycle and the scheduler's view of them
  struct NodeAddress {
    ZoneId zone = kNoZone;
    std::uint32_t ip = 0;
    std::string name;  // "ip-10-0-1-10"
  };
  NodeAddress allocate_address(const std::string& zone);
  NodeId new_node(Node n);
  void register_node(NodeId node, control::scheduler::Node view);
  void node_registered(NodeId node);
  void node_initialized(NodeId node);
  void unregister_node(NodeId node);
  [[nodiscard]] control::scheduler::Node& view_of(NodeId node);

  // drain.cpp: eviction, drain and node deletion
  void drain_round(NodeId node);
  void finish_drain(NodeId node);
  void force_gone(PodId pod);

  // pod_owner.cpp: what ReplicaSets and StatefulSets share: the template,
  // pod objects and the name index, deletion
  void init_pod_owner(PodOwner& o, const manifest::PodTemplate& t,
                      const manifest::LabelSelector& selector) const;
  [[nodiscard]] const PodOwner& owner_of(const Pod& p) const;
  PodOwner& owner_of(const Pod& p);
  [[nodiscard]] bool pod_name_taken(const std::string& ns, const std::string& name) const;
  PodId create_pod_object(PodOwner& owner, Pod pod);
  void delete_pod_object(PodId pod, std::optional<Duration> grace = std::nullopt);
  void remove_pod(PodId pod, std::optional<Duration> grace);
  void pod_object_gone(PodId pod);

  // replica_set.cpp: Deployments and ReplicaSets
  void build_workloads(const scenario::Scenario& s);
  [[nodiscard]] ReplicaSet make_replica_set(const manifest::Deployment& d, DeploymentId did) const;
  void sync_replica_set(ReplicaSetId rs);
  PodId create_pod(ReplicaSetId rs);
  void scale_down(ReplicaSetId rs, std::size_t count);

  // stateful_set.cpp: the StatefulSet controller
  void build_statefulsets(const scenario::Scenario& s);
  void sync_stateful_set(StatefulSetId set);
  void request_statefulset_sync(StatefulSetId set);
  void create_stateful_pod(StatefulSetId set, std::size_t ordinal);
  void delete_stateful_pod(StatefulSetId set, PodId pod);

  // daemon_set.cpp: DaemonSets and the daemon controller
  void build_daemonsets(const scenario::Scenario& s);
  void sync_daemon_sets(NodeId node);
  void sync_daemon_pod(DaemonSetId set, NodeId node);
  void daemon_pod_gone(PodId pod);
  void schedule_daemon_pod(PodId pod);
  void delete_pending_daemon_pods(NodeId node);
  [[nodiscard]] bool drain_waits_for(NodeId node, PodId pod) const;
  [[nodiscard]] bool drain_may_evict(NodeId node, PodId pod) const;
  // bare_pods.cpp: the scenario's pod trace (bare pods with lifetimes)
  void build_pod_trace(const scenario::Scenario& s);
  void submit_trace_pod(std::uint32_t row);
  void bare_pod_running(PodId pod);
  void complete_bare_pod(PodId pod);

  // disruption.cpp: PodDisruptionBudgets
  void build_pdbs(const scenario::Scenario& s);

  // scheduler.cpp: kube-scheduler
  void request_scheduling();
  void drain_queue();
  void schedule_one(PodId pod);
  void assume(PodId pod, NodeId node);
  void bind(PodId pod);
  void fail_scheduling(PodId pod, const std::string& message, std::uint8_t plugins);
  void clear_unschedulable(PodId pod);
  void on_node_added(NodeId node);
  void on_assigned_pod_deleted();
  void arm_backoff_flush();
  void arm_leftover_flush();
  void forget_assumed(PodId pod);

  // kubelet.cpp: pod lifecycle on the node
  void start_next_container(PodId pod);
  void container_pulled(PodId pod, Time requested, Time pull_started);
  void container_started(PodId pod);
  void pod_ready(PodId pod);
  void terminate(PodId pod, std::optional<Duration> grace = std::nullopt);
  void pod_gone(PodId pod, bool with_node = false);
  void check_drained(NodeId node);

  // endpoints.cpp: Services, EndpointSlices and their propagation
  void build_services(const scenario::Scenario& s);
  void add_endpoints(PodId pod);
  void remove_endpoints(PodId pod);
  void propagate(PodId pod, bool visible);
  void apply_visibility(PodId pod, bool visible);
  [[nodiscard]] Endpoint endpoint_of(PodId pod) const;

  Simulator& sim_;
  ClusterOptions options_;
  scenario::Timings timings_;
  RandomStreams streams_;
  Rng scheduler_rng_;

  std::vector<scenario::NodeGroup> groups_;
  std::vector<std::int32_t> group_next_zone_;  // round-robin position per group
  std::vector<std::string> zones_;
  std::vector<std::int32_t> zone_node_count_;
  std::int32_t unzoned_nodes_ = 0;
  std::vector<std::uint32_t> zone_pod_ips_;  // last pod host number per zone
  std::uint32_t unzoned_pod_ips_ = 0;
  std::vector<Node> nodes_;
  /// The scheduler's view: registered nodes not gone, in registration order.
  std::vector<control::scheduler::Node> sched_nodes_;
  std::vector<NodeId> sched_ids_;  // parallel to sched_nodes_
  /// Bumped on every change to sched_nodes_ (view_of, register, unregister):
  /// a scheduling attempt is a function of the pod's template, this view and
  /// the start index only.
  std::uint64_t sched_generation_ = 0;
  /// The last failed attempt, replayed for the next pod of the same owner
  /// while the view and the start index are unchanged (scheduler.cpp).
  struct FailedAttempt {
    std::uint64_t generation = 0;
    OwnerKind owner_kind = OwnerKind::kNone;
    std::size_t owner = 0;
    std::size_t start = 0;       // next_start_index_ before the attempt
    std::size_t next_start = 0;  // and after it
    std::string message;
    std::uint8_t plugins = 0;
    bool valid = false;
  };
  FailedAttempt last_failure_;
  /// Per node, what only the Cluster needs.
  struct NodeState {
    std::uint32_t slot = UINT32_MAX;  // index in sched_nodes_, UINT32_MAX when not there
    std::vector<PodId> pods;          // assumed or bound, not gone
    EventHandle lifecycle;            // the pending registration or Ready step
    Duration initialization_delay{};  // registration -> Ready
    EventHandle drain_round;          // the next eviction round
    EventHandle drain_deadline;       // terminationGracePeriod's end
    std::optional<Time> deadline;
    bool delete_when_drained = false;
    bool evict_daemon_set_pods = false;
    Duration eviction_retry{};
    std::set<PodId> refused;  // pods whose eviction was refused in this drain
  };
  std::vector<NodeState> node_state_;  // parallel to nodes_
  std::vector<Pod> pods_;
  /// "namespace/name" of every pod ever created -> the newest pod of that name.
  std::unordered_map<std::string, PodId> pod_index_;
  std::vector<ReplicaSet> replica_sets_;
  std::vector<Deployment> deployments_;
  std::vector<Service> services_;
  std::vector<StatefulSet> statefulsets_;
  std::vector<std::uint8_t> statefulset_sync_pending_;  // per StatefulSet
  std::vector<DaemonSet> daemonsets_;
  std::vector<PodDisruptionBudget> pdbs_;

  /// The pod trace: one template per distinct (cpu, memory) shape, and per
  /// row its shape, run time and name ("" = "trace-<row>").
  struct TraceRow {
    Duration duration{};
    std::uint32_t shape = 0;
    std::string name;
  };
  std::vector<PodOwner> trace_shapes_;
  std::vector<TraceRow> trace_rows_;
  std::size_t trace_submitted_ = 0;
  std::size_t trace_succeeded_ = 0;

  SchedulingQueue queue_;
  std::size_t next_start_index_ = 0;  // upstream nextStartNodeIndex
  bool drain_pending_ = false;
  EventHandle backoff_flush_;
  Time backoff_flush_at_{};
  EventHandle leftover_flush_;

  std::set<PodId> unschedulable_;  // PodScheduled=False reason Unschedulable

  EventLog events_;
  ClusterObserver* observer_ = nullptr;
  std::vector<ClusterObserver*> observers_;
};

}  // namespace ksim::cluster
