// The scenario's faults on the cluster model (scenario::Fault):
//
//   spotInterruption      at `at`, the `nodes` longest-running Ready spot
//                         nodes matching the filters get EC2's interruption
//                         notice: they are cordoned and drained at once
//                         (Karpenter's interruption controller deletes the
//                         NodeClaim: taint, drain with the NodePool's
//                         terminationGracePeriod; for a managed group's node
//                         the same drain, as EKS's spot rebalancing or the AWS
//                         Node Termination Handler does), the spot offering is
//                         marked unavailable in Karpenter's cache (upstream
//                         interruption controller, SpotInterruptionKind), and
//                         `notice` (2 min) later EC2 terminates the instance
//                         with whatever is left on it. Pods evicted go Pending
//                         and are provisioned for like any others.
//   insufficientCapacity  recorded at `at`; the launches it denies are
//                         Karpenter's to refuse (KarpenterOptions::faults).
//                         The Cluster Autoscaler's launches are not denied
//                         (its scale-up failure handling is not modelled).
//   registrationFailure   recorded at `at`; Karpenter's launches in the
//                         window never register and are deleted at the
//                         registration timeout (controller.h). The Cluster
//                         Autoscaler's nodes are not affected.
//
// Each step is handed to a callback as a FaultRecord.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/kernel/simulator.h"
#include "ksim/sim/scenario/scenario.h"

namespace ksim::karpenter {

class KarpenterController;

enum class FaultStage {
  kNotice,        // spot interruption notice: the node drains
  kTerminated,    // the interrupted instance is gone
  kNoTarget,      // fewer matching spot nodes than asked for
  kCapacity,      // an insufficientCapacity window opens
  kRegistration,  // a registrationFailure window opens
};
/// "SpotInterruptionWarning", "InstanceTerminated", "NoSpotNodeToInterrupt",
/// "InsufficientCapacity", "RegistrationFailure" (the trace's reasons).
std::string_view fault_reason(FaultStage s);

struct FaultRecord {
  Time at{};
  FaultStage stage = FaultStage::kNotice;
  std::string node;  // kNotice, kTerminated
  std::string message;
};

class FaultInjector {
 public:
  /// Schedules every fault of `scenario`; `karpenter` (may be null) hears of
  /// interrupted spot offerings. `sim`, `cluster` and `karpenter` must
  /// outlive it.
  FaultInjector(Simulator& sim, cluster::Cluster& cluster, const scenario::Scenario& scenario,
                KarpenterController* karpenter, std::function<void(const FaultRecord&)> on_record);
  ~FaultInjector();
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  /// Nodes interrupted so far.
  [[nodiscard]] std::size_t interrupted() const { return interrupted_; }

 private:
  void fire(std::size_t index);
  void interrupt(const scenario::Fault& f);
  void terminate(cluster::NodeId node);
  void record(FaultStage stage, std::string node, std::string message);

  Simulator& sim_;
  cluster::Cluster& cluster_;
  KarpenterController* karpenter_;
  std::function<void(const FaultRecord&)> on_record_;
  std::vector<scenario::Fault> faults_;
  std::vector<EventHandle> events_;
  std::size_t interrupted_ = 0;
};

}  // namespace ksim::karpenter
