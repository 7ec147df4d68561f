// Spot interruptions and insufficient-capacity windows on the cluster model
// (faults.h).
#include "ksim/sim/karpenter/faults.h"

#include <algorithm>

#include "ksim/sim/karpenter/controller.h"

namespace ksim::karpenter {

std::string_view fault_reason(FaultStage s) {
  switch (s) {
    case FaultStage::kNotice:
      return "SpotInterruptionWarning";
    case FaultStage::kTerminated:
      return "InstanceTerminated";
    case FaultStage::kNoTarget:
      return "NoSpotNodeToInterrupt";
    case FaultStage::kCapacity:
      return "InsufficientCapacity";
    case FaultStage::kRegistration:
      return "RegistrationFailure";
  }
  return "?";
}

FaultInjector::FaultInjector(Simulator& sim, cluster::Cluster& cluster,
                             const scenario::Scenario& scenario, KarpenterController* karpenter,
                             std::function<void(const FaultRecord&)> on_record)
    : sim_(sim), cluster_(cluster), karpenter_(karpenter), on_record_(std::move(on_record)) {
  faults_ = scenario.faults;
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    const scenario::Fault& f = faults_[i];
    events_.push_back(sim_.schedule_at(kTimeZero + f.at, [this, i] { fire(i); }));
  }
}

FaultInjector::~FaultInjector() {
  for (const EventHandle h : events_) sim_.cancel(h);
}

void FaultInjector::record(FaultStage stage, std::string node, std::string message) {
  if (on_record_) on_record_({sim_.now(), stage, std::move(node), std::move(message)});
}

void FaultInjector::fire(std::size_t index) {
  const scenario::Fault& f = faults_[index];
  if (f.kind == scenario::FaultKind::kSpotInterruption) {
    interrupt(f);
    return;
  }
  std::string what = f.instance_type.empty() ? "any type" : f.instance_type;
  what += f.capacity_type ? " " + std::string(scenario::to_string(*f.capacity_type)) : "";
  what += f.zone.empty() ? " in any zone" : " in " + f.zone;
  if (f.kind == scenario::FaultKind::kRegistrationFailure) {
    record(FaultStage::kRegistration, "",
           "instances of " + what + " launched in the next " + format_duration(f.duration) +
               " never register");
    return;
  }
  record(FaultStage::kCapacity, "",
         "EC2 has no capacity for " + what + " for " + format_duration(f.duration));
}

void FaultInjector::interrupt(const scenario::Fault& f) {
  std::vector<cluster::NodeId> targets;
  for (const cluster::NodeId id : cluster_.live_nodes()) {
    const cluster::Node& n = cluster_.node(id);
    if (n.stage != cluster::NodeStage::kReady || n.draining ||
        n.capacity_type != cluster::CapacityType::kSpot)
      continue;
    if (!f.node_pool.empty() && n.node_pool != f.node_pool) continue;
    if (!f.node_group.empty() && n.group != f.node_group) continue;
    if (!f.instance_type.empty() && n.instance_type != f.instance_type) continue;
    if (!f.zone.empty() && cluster_.zone_name(n.zone) != f.zone) continue;
    targets.push_back(id);
  }
  // The longest-running first (launch time, then creation order).
  std::stable_sort(targets.begin(), targets.end(), [this](cluster::NodeId a, cluster::NodeId b) {
    return cluster_.node(a).launched < cluster_.node(b).launched;
  });
  if (targets.size() < static_cast<std::size_t>(f.nodes)) {
    record(FaultStage::kNoTarget, "",
           "spot interruption (line " + std::to_string(f.line) + ") asked for " +
               std::to_string(f.nodes) + " node(s), " + std::to_string(targets.size()) +
               " running spot node(s) match");
  }
  targets.resize(std::min(targets.size(), static_cast<std::size_t>(f.nodes)));
  for (const cluster::NodeId id : targets) {
    const cluster::Node& n = cluster_.node(id);
    const std::string name = n.name;
    const std::string zone(cluster_.zone_name(n.zone));
    cluster::DrainOptions o;
    o.delete_when_drained = true;
    if (!n.node_pool.empty() && karpenter_ != nullptr) {
      o.termination_grace_period = karpenter_->termination_grace_period(n.node_pool);
      karpenter_->mark_unavailable(
          {n.instance_type, zone, control::karpenter::CapacityType::kSpot});
    }
    ++interrupted_;
    record(FaultStage::kNotice, name,
           "EC2 spot interruption notice for " + name + " (" + n.instance_type + " spot in " +
               zone + "): drained now, terminated in " + format_duration(f.notice));
    cluster_.drain(id, o);
    events_.push_back(sim_.schedule_in(f.notice, [this, id] { terminate(id); }));
  }
}

void FaultInjector::terminate(cluster::NodeId id) {
  if (cluster_.node(id).stage == cluster::NodeStage::kGone) return;  // drained and deleted early
  const std::string name = cluster_.node(id).name;
  const std::size_t left = cluster_.node_pods(id).size();
  record(FaultStage::kTerminated, name,
         "EC2 terminated the interrupted instance " + name + " (" + std::to_string(left) +
             " pod(s) still on it)");
  cluster_.delete_node(id);
}

}  // namespace ksim::karpenter
