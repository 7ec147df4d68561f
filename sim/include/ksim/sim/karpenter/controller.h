// Karpenter on the kernel: the provisioner over the cluster model. Pods the
// scheduler marks Unschedulable trigger a batch (control::karpenter::
// batch_window: 1 s idle, 10 s max); when the batch closes, every pod then
// Unschedulable is handed to control::karpenter::provision with the cluster
// as Karpenter's state sees it, and each new NodeClaim is launched as a node
// (Cluster::launch_node) with the chosen offering. Each decision is handed
// to a callback as a ProvisioningRecord.
//
// What the snapshot holds (snapshot.h):
//   pods        Cluster::unschedulable_pods() but DaemonSet pods
//               (provisionable_pods: upstream pod.IsProvisionable), requests
//               summed over containers
//   nodes       every live node that is Ready and neither cordoned nor
//               draining (managed node groups' too), with its requests and
//               the DaemonSet pods' part of them (daemon_requested)
//   in flight   Karpenter nodes launched or registered but not yet Ready: the
//               pods they will take are still Pending, so a later batch packs
//               them there again instead of launching twice (requested
//               without DaemonSet pods: the claim's overhead counts them)
//   NodePools   the scenario's (Scenario::manifests.node_pools)
//   catalog     Scenario::catalog in Scenario::region, EKS allocatable
//   daemonsets  the cluster's DaemonSets (daemonset_views: requests,
//               nodeSelector, required affinity, tolerations): a new
//               NodeClaim's type must hold its pods plus the DaemonSets that
//               would run on it (control::karpenter daemon overhead), and a
//               node's missing daemon pods are reserved on it
//
// Disruption (disruption.cpp; control::karpenter::disrupt): every 10 s a
// pass over the DisruptionInput of the cluster; a command is held 15 s, then
// `validate`d against the cluster as it is then. A valid delete cordons and
// drains its candidates at once (Cluster::drain with the pool's
// terminationGracePeriod, delete_when_drained: Karpenter's terminator); a
// valid replace launches its replacement, cordons the candidates (upstream's
// karpenter.sh/disrupted:NoSchedule taint) and drains them once every
// replacement is Ready. An invalid command lets the same pass resume after
// its method. No pass starts while a command awaits validation.
//   lastPodEventTime  a pod seen on a node for the first time at a pass
//                     (bound since the last pass, up to 10 s late), a pod
//                     starting to terminate (its deletionTimestamp), a pod
//                     gone (at once, via on_pod_gone)
//   PDBs              a pod is pdb_blocked when more than one PDB selects it
//                     or its only PDB allows no disruption now
//   expiration        at each pass, before `disrupt`, the Ready Karpenter
//                     nodes `expired_nodes` names are drained with the pool's
//                     terminationGracePeriod and deleted (upstream's forceful
//                     expiration controller: no budget, no replacement first;
//                     their pods go Pending and are provisioned for)
//   DaemonSets        their pods are flagged on the nodes (consolidation does
//                     not move them; they do not count as pod events) and
//                     the DaemonSets are passed for the replacements'
//                     overhead; drains evict the daemon pods that do not
//                     tolerate karpenter.sh/disrupted last
//                     (DrainOptions::evict_daemon_set_pods)
//   do-not-disrupt    a pod annotated karpenter.sh/do-not-disrupt: "true"
//                     keeps its node from being a candidate (the duration
//                     form is not modelled)
//   not modelled      nominations, drift
//
// Triggers: a pod's first Unschedulable report; a node turning Ready or
// going away while pods are Unschedulable (the model reports a pod only once
// per pending spell, upstream re-triggers on every pod and node event).
//
// Node lifecycle: launch -> registered after Options::registration (default
// log-normal, mean 30 s, sd 8 s) -> Ready after Options::initialization
// (default 10 s): launch-to-Ready about 35-60 s with a tail (cluster-facts
// A.6). Draws come from the stream "karpenter/launch" of the scenario's seed,
// one registration then one initialization draw per NodeClaim, in launch
// order. Registration timeout (upstream nodeclaim lifecycle liveness.go): a
// NodeClaim whose node has not registered 15 minutes after launch is deleted
// (the instance terminated) and its pods are provisioned again; a node
// registers late when the registration draw says so, or never when a
// `registrationFailure` fault covers its launch.
//
// Unavailable offerings (AWS provider pkg/cache UnavailableOfferings): an
// offering (type x zone x capacity type) marked unavailable is left out of
// provisioning and replacement launches for 3 minutes
// (UnavailableOfferingsTTL). Marked by a launch that fails with
// InsufficientInstanceCapacity (a scenario `insufficientCapacity` fault:
// KarpenterOptions::faults; the pods stay Pending and a new batch opens) and
// by a spot interruption of a node of that offering (mark_unavailable;
// upstream interruption controller, SpotInterruptionKind).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ksim/control/karpenter/batcher.h"
#include "ksim/control/karpenter/disruption.h"
#include "ksim/control/karpenter/provisioning.h"
#include "ksim/control/karpenter/types.h"
#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/kernel/random.h"
#include "ksim/sim/kernel/simulator.h"
#include "ksim/sim/scenario/distribution.h"
#include "ksim/sim/scenario/scenario.h"

namespace ksim::karpenter {

/// What became of one pod or NodeClaim of a provisioning decision.
enum class ProvisioningAction {
  kLaunched,             // a new NodeClaim launched as a node
  kLaunchFailed,         // a new NodeClaim with no offering to launch (choose_offering
                         // failed)
  kUnschedulable,        // a pod fits nowhere: it stays Pending
  kRegistrationTimeout,  // a launched node did not register in time: deleted
};
/// "launched", "launch-failed", "unschedulable", "registration-timeout".
std::string_view action_name(ProvisioningAction a);

/// One provisioning decision, as the trace records it.
struct ProvisioningRecord {
  Time at{};
  ProvisioningAction action = ProvisioningAction::kLaunched;
  std::string nodepool;           // "" for kUnschedulable
  std::vector<std::string> pods;  // namespace/name
  std::string node;               // the launched node's name (kLaunched)
  cluster::NodeId node_id = cluster::kNoNode;
  std::string instance_type;
  std::string zone;
  control::karpenter::CapacityType capacity_type = control::karpenter::CapacityType::kOnDemand;
  double price_per_hour = 0.0;
  Duration registration_delay{};    // drawn (kLaunched)
  Duration initialization_delay{};  // drawn (kLaunched)
  /// The control result's sentence: NewNodeClaim::message, or the pod's
  /// FailedScheduling text.
  std::string message;
};

/// What happened to a disruption command.
enum class DisruptionStage {
  kComputed,   // disrupt returned it; validation is due 15 s later
  kInvalid,    // validate refused it (`reason`); nothing was done
  kExecuted,   // valid: replacements launched, candidates cordoned (and, for
               // a delete, drained at once)
  kDraining,   // a replace's replacements are Ready: its candidates drain
  kAbandoned,  // a replacement was gone before Ready: candidates uncordoned
  kExpired,    // the node outlived its expireAfter: drained and deleted,
               // no budget, no replacement first (method and decision unset)
};
/// "computed", "invalid", "executed", "draining", "abandoned", "expired".
std::string_view stage_name(DisruptionStage s);

/// One step of a disruption command, as the trace records it.
struct DisruptionRecord {
  Time at{};
  DisruptionStage stage = DisruptionStage::kComputed;
  control::karpenter::DisruptionMethod method = control::karpenter::DisruptionMethod::kEmptiness;
  control::karpenter::CommandDecision decision = control::karpenter::CommandDecision::kDelete;
  std::vector<std::string> candidates;    // node names
  std::vector<std::string> nodepools;     // each candidate's
  std::vector<std::string> replacements;  // launched node names (kExecuted of a replace)
  double candidates_price_per_hour = 0.0;
  double replacement_price_per_hour = 0.0;
  double savings_per_hour = 0.0;
  /// The command's sentence (DisruptionCommand::message).
  std::string message;
  /// kInvalid: ValidationResult::reason; kExpired: the expiration sentence.
  std::string reason;
};

struct KarpenterOptions {
  /// Launch -> the Node object exists; milliseconds (scenario::Distribution).
  scenario::Distribution registration =
      scenario::Distribution::create(
          {.kind = scenario::DistributionKind::kLogNormal, .mean = 30'000, .sd = 8'000})
          .value();
  /// Registration -> Ready (Initialized); milliseconds.
  scenario::Distribution initialization = scenario::Distribution::constant(10'000);
  /// BATCH_IDLE_DURATION / BATCH_MAX_DURATION.
  Duration batch_idle = std::chrono::seconds{1};
  Duration batch_max = std::chrono::seconds{10};
  std::function<void(const ProvisioningRecord&)> on_provisioning;

  /// Run the disruption controller: a pass every disruption_period, the
  /// first at construction.
  bool disruption = true;
  Duration disruption_period = control::karpenter::kDisruptionPollingPeriod;
  control::karpenter::DisruptionOptions disruption_options;
  std::function<void(const DisruptionRecord&)> on_disruption;

  /// The scenario's faults; `insufficientCapacity` ones make launches of
  /// the offerings they name fail while they last.
  std::vector<scenario::Fault> faults;
  /// How long an offering stays unavailable (UnavailableOfferingsTTL).
  Duration unavailable_offerings_ttl = std::chrono::minutes{3};
  /// Launch -> registered deadline (liveness.go registrationTTL, 15 min).
  Duration registration_timeout = std::chrono::minutes{15};
};

class KarpenterController : public cluster::ClusterObserver {
 public:
  /// Reads the scenario's NodePools and catalog (keeps no reference to
  /// `scenario`) and registers itself as an observer of `cluster`. `sim` and
  /// `cluster` must outlive it.
  KarpenterController(Simulator& sim, cluster::Cluster& cluster, const scenario::Scenario& scenario,
                      KarpenterOptions options = {});
  ~KarpenterController() override;
  KarpenterController(const KarpenterController&) = delete;
  KarpenterController& operator=(const KarpenterController&) = delete;

  void on_pod_gone(cluster::PodId pod) override;
  void on_pod_unschedulable(cluster::PodId pod) override;
  void on_node_ready(cluster::NodeId node) override;
  void on_node_gone(cluster::NodeId node) override;

  /// The NodePools as the decisions read them.
  [[nodiscard]] const std::vector<control::karpenter::NodePool>& node_pools() const {
    return pools_;
  }
  [[nodiscard]] const std::vector<control::karpenter::InstanceType>& instance_types() const {
    return types_;
  }
  /// Provisioning decisions taken (batches closed with pods pending).
  [[nodiscard]] std::uint64_t batches() const { return batches_; }
  /// The nodes launched, in launch order.
  [[nodiscard]] const std::vector<cluster::NodeId>& launched() const { return launched_; }
  /// Disruption passes run (disrupt calls, resumed ones included).
  [[nodiscard]] std::uint64_t disruption_passes() const { return passes_; }
  /// The DisruptionInput of now: what a pass reads (for tests and explain).
  /// Like a pass, it notes the pods newly seen on each node (lastPodEventTime).
  [[nodiscard]] control::karpenter::DisruptionInput disruption_input();

  /// Marks the offering unavailable until now + unavailable_offerings_ttl.
  void mark_unavailable(control::karpenter::OfferingKey offering);
  /// The offerings unavailable now.
  [[nodiscard]] control::karpenter::UnavailableOfferings unavailable_offerings() const;
  /// The NodePool's spec.template.spec.terminationGracePeriod (nullopt: none,
  /// or no such pool).
  [[nodiscard]] std::optional<Duration> termination_grace_period(std::string_view pool) const {
    return grace_of(pool);
  }

 private:
  /// upstream Batcher.Trigger: opens or extends the batch window.
  void trigger(std::string uid);
  void close_batch();
  /// The launched node, or nullopt when the claim had no offering.
  std::optional<cluster::NodeId> launch(const control::karpenter::NewNodeClaim& claim, Time now);

  // disruption.cpp: the disruption controller
  struct Execution {
    control::karpenter::DisruptionCommand command;
    std::vector<cluster::NodeId> candidates;
    std::vector<cluster::NodeId> replacements;
  };
  struct NodeTrack {
    std::vector<cluster::PodId> seen;  // pods on the node at the last pass, sorted
    std::optional<Time> last_pod_event;
    /// The pods of the node's entry in input_.nodes (its `pods`), in order.
    std::vector<cluster::PodId> input_pods;
  };
  /// disruption_input.cpp: the DisruptionInput kept from pass to pass
  /// (refresh_ready_nodes), a pod's view kept while it stays on its node;
  /// each refresh updates what changes (requests, flags, pod events, PDBs).
  control::karpenter::DisruptionInput& refresh_disruption_input();
  /// The entry's pods, pod events and deletion mark, after refresh_ready_nodes.
  void refresh_input_node(cluster::NodeId id, control::karpenter::ExistingNode& e);
  /// Notes the node's pod events since the last refresh (lastPodEventTime).
  void note_pod_events(cluster::NodeId id);
  [[nodiscard]] control::karpenter::PodView disruption_pod_view(cluster::PodId pod) const;
  [[nodiscard]] bool pdb_blocked(cluster::PodId pod) const;
  void disruption_pass(std::optional<control::karpenter::DisruptionMethod> resume_after);
  void expire(control::karpenter::DisruptionInput& in);
  void validate_pending();
  void execute(const control::karpenter::DisruptionCommand& cmd);
  void start_drains(Execution& e);
  void check_executions();
  void record(DisruptionStage stage, const control::karpenter::DisruptionCommand& cmd,
              std::vector<std::string> replacements = {}, std::string reason = {});
  [[nodiscard]] std::optional<cluster::NodeId> live_node_named(const std::string& name) const;
  [[nodiscard]] const control::karpenter::NodePool* pool_named(std::string_view name) const;
  [[nodiscard]] std::optional<Duration> grace_of(std::string_view pool) const;
  NodeTrack& track(cluster::NodeId node);

  Simulator& sim_;
  cluster::Cluster& cluster_;
  KarpenterOptions options_;
  std::vector<control::karpenter::NodePool> pools_;
  std::vector<control::karpenter::InstanceType> types_;
  /// Per pool (index of pools_): spec.template.spec.terminationGracePeriod.
  std::vector<std::optional<Duration>> termination_grace_;
  Rng launch_rng_;
  std::vector<control::karpenter::BatchTrigger> triggers_;
  EventHandle batch_close_;
  std::vector<cluster::NodeId> launched_;
  std::uint64_t batches_ = 0;
  /// The unavailable-offerings cache: offering -> when it expires.
  std::map<control::karpenter::OfferingKey, Time> unavailable_;
  EventHandle offering_back_;  // the last mark's expiry
  /// interruption.cpp: a launch an `insufficientCapacity` fault denies is
  /// recorded as failed (true) and its offering marked unavailable.
  bool launch_denied(const control::karpenter::NewNodeClaim& claim, Time now);
  /// Whether a `registrationFailure` fault keeps the launch from registering.
  [[nodiscard]] bool launch_broken(const control::karpenter::NewNodeClaim& claim, Time now) const;
  /// The liveness check of a launched node at its registration deadline.
  void registration_deadline(cluster::NodeId node);
  std::vector<EventHandle> liveness_;

  EventHandle disruption_timer_;
  EventHandle validation_;
  EventHandle executions_check_;
  std::optional<control::karpenter::DisruptionCommand> pending_;
  std::vector<Execution> executions_;
  std::vector<NodeTrack> tracks_;  // per node index
  control::karpenter::DisruptionInput input_;
  std::vector<cluster::NodeId> input_ids_;  // of input_.nodes
  std::vector<cluster::PodId> scratch_pods_;
  /// close_batch's ProvisioningInput, kept like input_: the Ready nodes
  /// (those marked for deletion included; they are left out per batch).
  control::karpenter::ProvisioningInput provisioning_;
  std::vector<control::karpenter::ExistingNode> provisioning_kept_;
  std::vector<cluster::NodeId> provisioning_ids_;  // of provisioning_kept_
  std::uint64_t passes_ = 0;
};

}  // namespace ksim::karpenter
