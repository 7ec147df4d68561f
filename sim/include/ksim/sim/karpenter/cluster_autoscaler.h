// Cluster Autoscaler on the kernel, the alternative node autoscaler for the
// scenario's managed node groups (their min/max): every scan interval
// (10 s) control::cluster_autoscaler::autoscale reads the cluster, with its
// CaState carried from scan to scan; a scale-up launches the group's nodes
// (Cluster::launch_node, the group's instance type, zones round-robin from
// where the group's nodes left off, the same launch-to-Ready delays as
// Karpenter's by default); a scale-down cordons and drains the node
// (PDBs respected, no deadline) and deletes it once empty. Each action is
// handed to a callback as a CaRecord.
//
// What a scan reads:
//   groups        the scenario's node groups: target size = their live nodes
//                 not draining; the template = the group's capacity,
//                 allocatable, labels and taints, and the requests of the
//                 DaemonSets whose pods would run on a node of the group
//                 (the daemon controller's predicate on the template;
//                 upstream adds those pods to the template node info)
//   nodes         every Ready node (Karpenter's too, with no group), and
//                 each group node launched but not yet Ready as an upcoming
//                 node (ready, not a scale-down candidate): with its
//                 active pods (not_movable when a PDB forbids the eviction now
//                 or more than one PDB selects the pod; DaemonSet pods
//                 flagged), draining = being deleted
//   unschedulable Cluster::unschedulable_pods() but DaemonSet pods (upstream
//                 filters them out of the pods it scales up for)
// A scale-down's drain leaves DaemonSet pods on the node (kubectl's rule;
// upstream CA evicts them from non-empty nodes by default,
// --daemonset-eviction-for-occupied-nodes) and deletes the node once the
// other pods are gone.
// Not modelled: pods' node affinity in the template check (nodeSelector and
// tolerations are), scale-up failures and the unready-node handling.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ksim/control/cluster_autoscaler/autoscaler.h"
#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/kernel/random.h"
#include "ksim/sim/kernel/simulator.h"
#include "ksim/sim/scenario/distribution.h"
#include "ksim/sim/scenario/scenario.h"

namespace ksim::karpenter {

enum class CaAction { kScaleUp, kScaleDown };
/// "scale-up", "scale-down".
std::string_view ca_action_name(CaAction a);

struct CaRecord {
  Time at{};
  CaAction action = CaAction::kScaleUp;
  std::string group;
  std::int32_t delta = 0;          // +n launched / -1 per node removed
  std::vector<std::string> nodes;  // launched or removed node names
  std::vector<std::string> pods;   // the pods a scale-up helps
  double utilization = 0.0;        // kScaleDown: the node's
  std::string message;             // the control's sentence
};

struct CaControllerOptions {
  control::cluster_autoscaler::CaOptions ca;
  Duration scan_interval = std::chrono::seconds{10};  // --scan-interval
  /// Launch -> registered, registered -> Ready; milliseconds.
  scenario::Distribution registration =
      scenario::Distribution::create(
          {.kind = scenario::DistributionKind::kLogNormal, .mean = 30'000, .sd = 8'000})
          .value();
  scenario::Distribution initialization = scenario::Distribution::constant(10'000);
  std::function<void(const CaRecord&)> on_action;
};

class ClusterAutoscalerController {
 public:
  /// Reads the scenario's node groups and seed (keeps no reference to
  /// `scenario`); the first scan one interval after construction. `sim` and
  /// `cluster` must outlive it.
  ClusterAutoscalerController(Simulator& sim, cluster::Cluster& cluster,
                              const scenario::Scenario& scenario, CaControllerOptions options = {});
  ~ClusterAutoscalerController();
  ClusterAutoscalerController(const ClusterAutoscalerController&) = delete;
  ClusterAutoscalerController& operator=(const ClusterAutoscalerController&) = delete;

  /// The scan input of now.
  [[nodiscard]] control::cluster_autoscaler::CaInput input() const;
  [[nodiscard]] const control::cluster_autoscaler::CaDecision& last_decision() const {
    return last_;
  }
  [[nodiscard]] std::uint64_t scans() const { return scans_; }

 private:
  void scan();
  void scale_up(const control::cluster_autoscaler::ScaleUp& up);
  void scale_down(const control::cluster_autoscaler::ScaleDown& down);

  Simulator& sim_;
  cluster::Cluster& cluster_;
  CaControllerOptions options_;
  std::vector<scenario::NodeGroup> groups_;
  std::vector<std::size_t> next_zone_;  // per group: the zone of its next launch
  Rng launch_rng_;
  control::cluster_autoscaler::CaState state_;
  control::cluster_autoscaler::CaDecision last_;
  EventHandle timer_;
  std::uint64_t scans_ = 0;
};

}  // namespace ksim::karpenter
