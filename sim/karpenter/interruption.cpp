// The unavailable-offerings cache and insufficient-capacity launches
// (controller.h): what EC2 refuses, Karpenter stops asking for a while.
#include <algorithm>
#include <string>

#include "ksim/sim/karpenter/controller.h"
#include "ksim/sim/karpenter/convert.h"

namespace ksim::karpenter {

namespace k = control::karpenter;

void KarpenterController::mark_unavailable(k::OfferingKey offering) {
  const Time until = sim_.now() + options_.unavailable_offerings_ttl;
  unavailable_[std::move(offering)] = until;
  // Pods left Pending for want of the offering are provisioned for again
  // when it is back (upstream's provisioner keeps retrying Pending pods).
  sim_.cancel(offering_back_);
  offering_back_ = sim_.schedule_at(until, [this] {
    offering_back_ = {};
    if (!cluster_.unschedulable_pods().empty()) trigger("offering-available");
  });
}

k::UnavailableOfferings KarpenterController::unavailable_offerings() const {
  k::UnavailableOfferings out;
  const Time now = sim_.now();
  for (const auto& [key, until] : unavailable_) {
    if (until > now) out.insert(key);
  }
  return out;
}

// upstream: CreateFleet returns InsufficientInstanceCapacity; the AWS
// provider marks the offering unavailable (pkg/cache UnavailableOfferings,
// 3 min), the NodeClaim is deleted and its pods stay Pending, and the next
// batch picks the next cheapest offering.
bool KarpenterController::launch_denied(const k::NewNodeClaim& claim, Time now) {
  const k::LaunchChoice& l = claim.launch;
  const scenario::CapacityType ct = l.capacity_type == k::CapacityType::kSpot
                                        ? scenario::CapacityType::kSpot
                                        : scenario::CapacityType::kOnDemand;
  const Duration t = now - kTimeZero;
  const bool denied = std::any_of(
      options_.faults.begin(), options_.faults.end(),
      [&](const scenario::Fault& f) { return f.denies(l.instance_type, l.zone, ct, t); });
  if (!denied) return false;
  mark_unavailable({l.instance_type, l.zone, l.capacity_type});
  ProvisioningRecord r;
  r.at = now;
  r.action = ProvisioningAction::kLaunchFailed;
  r.nodepool = claim.nodepool;
  r.pods = claim.pods;
  r.instance_type = l.instance_type;
  r.zone = l.zone;
  r.capacity_type = l.capacity_type;
  r.price_per_hour = l.price_per_hour;
  r.message = "InsufficientInstanceCapacity: no " + l.instance_type + " " +
              std::string(k::capacity_type_name(l.capacity_type)) + " capacity in " + l.zone +
              "; offering unavailable for " + format_duration(options_.unavailable_offerings_ttl);
  if (options_.on_provisioning) options_.on_provisioning(r);
  // The pods stay Pending: a new batch provisions them again.
  for (const std::string& pod : claim.pods) trigger(pod);
  return true;
}

bool KarpenterController::launch_broken(const k::NewNodeClaim& claim, Time now) const {
  const Duration t = now - kTimeZero;
  return std::any_of(options_.faults.begin(), options_.faults.end(), [&](const scenario::Fault& f) {
    return f.breaks(claim.launch.instance_type, claim.launch.zone, t);
  });
}

// upstream liveness.go: a NodeClaim not registered registrationTTL (15 min)
// after its launch is deleted; the pods it was meant for are still Pending.
void KarpenterController::registration_deadline(cluster::NodeId node) {
  const cluster::Node& n = cluster_.node(node);
  if (n.stage != cluster::NodeStage::kLaunched) return;
  ProvisioningRecord r;
  r.at = sim_.now();
  r.action = ProvisioningAction::kRegistrationTimeout;
  r.nodepool = n.node_pool;
  r.node = n.name;
  r.node_id = node;
  r.instance_type = n.instance_type;
  r.zone = std::string(cluster_.zone_name(n.zone));
  r.capacity_type = n.capacity_type == cluster::CapacityType::kSpot ? k::CapacityType::kSpot
                                                                    : k::CapacityType::kOnDemand;
  r.message = "NodeClaim " + n.name + " (" + n.instance_type + ") did not register within " +
              format_duration(options_.registration_timeout) +
              ": deleted, its pods are provisioned again";
  if (options_.on_provisioning) options_.on_provisioning(r);
  cluster_.delete_node(node);
  if (!cluster_.unschedulable_pods().empty()) trigger("registration-timeout");
}

}  // namespace ksim::karpenter
