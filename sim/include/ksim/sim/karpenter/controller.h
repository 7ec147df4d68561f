// Karpenter on the kernel: the provisioner over the cluster model. Pods the
// scheduler marks Unschedulable trigger a batch (control::karpenter::
// batch_window: 1 s idle, 10 s max); when the batch closes, every pod then
// Unschedulable is handed to control::karpenter::provision with the cluster
// as Karpenter's state sees it, and each new NodeClaim is launched as a node
// (Cluster::launch_node) with the chosen offering. Each decision is handed
// to a callback as a ProvisioningRecord.
//
// What the snapshot holds (snapshot.h):
//   pods        Cluster::unschedulable_pods(), requests summed over containers
//   nodes       every live node that is Ready and neither cordoned nor
//               draining (managed node groups' too), with its requests
//   in flight   Karpenter nodes launched or registered but not yet Ready: the
//               pods they will take are still Pending, so a later batch packs
//               them there again instead of launching twice
//   NodePools   the scenario's (Scenario::manifests.node_pools)
//   catalog     Scenario::catalog in Scenario::region, EKS allocatable
//   daemonsets  none (the model has no DaemonSets): overhead 0
//
// Node lifecycle: launch -> registered after Options::registration (default
// log-normal, mean 30 s, sd 8 s) -> Ready after Options::initialization
// (default 10 s): launch-to-Ready about 35-60 s with a tail (cluster-facts
// A.6). Draws come from the stream "karpenter/launch" of the scenario's seed,
// one registration then one initialization draw per NodeClaim, in launch
// order. Not modelled: the registration timeout (a node always registers),
// insufficient-capacity errors (every offering is available).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ksim/control/karpenter/batcher.h"
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
  kLaunched,       // a new NodeClaim launched as a node
  kLaunchFailed,   // a new NodeClaim with no offering to launch (choose_offering failed)
  kUnschedulable,  // a pod fits nowhere: it stays Pending
};
/// "launched", "launch-failed", "unschedulable".
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

  void on_pod_gone(cluster::PodId /*pod*/) override {}
  void on_pod_unschedulable(cluster::PodId pod) override;

  /// The NodePools as the decisions read them.
  [[nodiscard]] const std::vector<control::karpenter::NodePool>& node_pools() const {
    return pools_;
  }
  [[nodiscard]] const std::vector<control::karpenter::InstanceType>& instance_types() const {
    return types_;
  }
  /// Provisioning decisions taken (batches closed).
  [[nodiscard]] std::uint64_t batches() const { return batches_; }
  /// The nodes launched, in launch order.
  [[nodiscard]] const std::vector<cluster::NodeId>& launched() const { return launched_; }

 private:
  void close_batch();
  /// The launched node, or nullopt when the claim had no offering.
  std::optional<cluster::NodeId> launch(const control::karpenter::NewNodeClaim& claim, Time now);

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
};

}  // namespace ksim::karpenter
