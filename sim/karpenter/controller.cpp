// The provisioner's loop over the cluster model: batching Unschedulable
// pods, building the ProvisioningInput, launching each new NodeClaim.
#include "ksim/sim/karpenter/controller.h"

#include <utility>

#include "ksim/sim/karpenter/convert.h"
#include "ksim/sim/karpenter/snapshot.h"
#include "ksim/sim/kernel/check.h"

namespace ksim::karpenter {

namespace k = control::karpenter;

std::string_view action_name(ProvisioningAction a) {
  switch (a) {
    case ProvisioningAction::kLaunched:
      return "launched";
    case ProvisioningAction::kLaunchFailed:
      return "launch-failed";
    case ProvisioningAction::kUnschedulable:
      return "unschedulable";
    case ProvisioningAction::kRegistrationTimeout:
      return "registration-timeout";
  }
  return "?";
}

KarpenterController::KarpenterController(Simulator& sim, cluster::Cluster& cluster,
                                         const scenario::Scenario& scenario,
                                         KarpenterOptions options)
    : sim_(sim),
      cluster_(cluster),
      options_(std::move(options)),
      launch_rng_(RandomStreams(scenario.seed).stream("karpenter/launch")) {
  KSIM_CHECK(options_.batch_idle.count() > 0 && options_.batch_max >= options_.batch_idle,
             "KarpenterController: need 0 < batch_idle <= batch_max");
  for (const manifest::NodePool& p : scenario.manifests.node_pools) {
    pools_.push_back(to_control(p));
    std::optional<Duration> grace;
    if (p.termination_grace_period_us) grace = Duration{*p.termination_grace_period_us};
    termination_grace_.push_back(grace);
  }
  types_ = karpenter::instance_types(scenario.catalog, scenario.region);
  cluster_.add_observer(this);
  if (options_.disruption && !pools_.empty()) {
    KSIM_CHECK(options_.disruption_period.count() > 0,
               "KarpenterController: the disruption period must be positive");
    const Duration period = options_.disruption_period;
    const Duration phase{to_us(sim_.now()) % period.count()};
    disruption_timer_ = sim_.schedule_periodic(period, phase, [this] {
      if (!pending_) disruption_pass(std::nullopt);
    });
  }
}

KarpenterController::~KarpenterController() {
  sim_.cancel(batch_close_);
  sim_.cancel(disruption_timer_);
  sim_.cancel(validation_);
  sim_.cancel(executions_check_);
  sim_.cancel(offering_back_);
  for (const EventHandle h : liveness_) sim_.cancel(h);
  cluster_.remove_observer(this);
}

// upstream Batcher.Trigger: the first trigger opens the window, each later one
// re-arms the idle timer up to the max. The close is an event of its own: an
// observer must not call back into the cluster's mutators.
void KarpenterController::on_pod_unschedulable(cluster::PodId pod) {
  const cluster::Pod& p = cluster_.pod(pod);
  if (p.owner_kind == cluster::OwnerKind::kDaemonSet) return;  // not provisionable
  trigger(p.namespace_ + "/" + p.name);
}

void KarpenterController::trigger(std::string uid) {
  if (pools_.empty()) return;
  triggers_.push_back({std::chrono::microseconds{to_us(sim_.now())}, std::move(uid)});
  const k::BatchWindow w = k::batch_window(triggers_, options_.batch_idle, options_.batch_max);
  const Time close{Duration{w.close.count()}};
  sim_.cancel(batch_close_);
  batch_close_ = sim_.schedule_at(close, [this] { close_batch(); });
}

void KarpenterController::close_batch() {
  triggers_.clear();
  batch_close_ = {};
  const Time now = sim_.now();
  k::ProvisioningInput& in = provisioning_;
  in.pods.clear();
  // upstream schedules every pending pod, not only those that triggered.
  for (const cluster::PodId id : provisionable_pods(cluster_)) {
    in.pods.push_back(pod_view(cluster_, id));
  }
  if (in.pods.empty()) return;
  in.daemonsets = daemonset_views(cluster_);
  ++batches_;
  in.in_flight.clear();
  std::vector<k::ExistingNode>& kept = provisioning_kept_;
  refresh_ready_nodes(
      cluster_, kept, provisioning_ids_, [](cluster::NodeId, k::ExistingNode&, bool) {},
      [this, &in](cluster::NodeId id) {
        const cluster::Node& n = cluster_.node(id);
        if (is_karpenter_node(n) && !n.draining) {
          in.in_flight.push_back(in_flight_claim(cluster_, id));
        }
      });
  // The nodes not marked for deletion are lent to the input (moved, not
  // copied) for the decision and taken back after it.
  in.nodes.clear();
  std::vector<std::size_t> lent;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (kept[i].marked_for_deletion) continue;
    lent.push_back(i);
    in.nodes.push_back(std::move(kept[i]));
  }
  if (in.node_pools.empty()) {
    in.node_pools = pools_;  // neither changes during a run
    in.instance_types = types_;
  }
  in.unavailable = unavailable_offerings();
  const k::ProvisioningResult result = k::provision(in);
  for (std::size_t j = 0; j < lent.size(); ++j) kept[lent[j]] = std::move(in.nodes[j]);
  for (const k::PodPlacement& pl : result.placements) {
    if (pl.kind != k::PlacementKind::kUnschedulable) continue;
    ProvisioningRecord r;
    r.at = now;
    r.action = ProvisioningAction::kUnschedulable;
    r.pods = {pl.pod};
    r.message = pl.message;
    if (options_.on_provisioning) options_.on_provisioning(r);
  }
  for (const k::NewNodeClaim& claim : result.new_claims) launch(claim, now);
}

std::optional<cluster::NodeId> KarpenterController::launch(const k::NewNodeClaim& claim, Time now) {
  ProvisioningRecord r;
  r.at = now;
  r.nodepool = claim.nodepool;
  r.pods = claim.pods;
  r.message = claim.message;
  if (!claim.launch.ok) {
    r.action = ProvisioningAction::kLaunchFailed;
    if (options_.on_provisioning) options_.on_provisioning(r);
    return std::nullopt;
  }
  if (launch_denied(claim, now)) return std::nullopt;
  const k::InstanceType* type = nullptr;
  for (const k::InstanceType& t : types_) {
    if (t.name == claim.launch.instance_type) type = &t;
  }
  KSIM_CHECK(type != nullptr, "KarpenterController: launch of a type not in the catalog");
  const k::NodePool* pool = nullptr;
  for (const k::NodePool& p : pools_) {
    if (p.name == claim.nodepool) pool = &p;
  }
  KSIM_CHECK(pool != nullptr, "KarpenterController: a NodeClaim of an unknown NodePool");

  cluster::NodeLaunch l;
  l.instance_type = type->name;
  l.zone = claim.launch.zone;
  l.arch = type->labels.at(std::string(k::kLabelArch));
  l.capacity_type = to_cluster(claim.launch.capacity_type);
  l.node_pool = pool->name;
  // The NodeClaim's labels: the template's, then the instance type's
  // (well-known labels the cluster implies win over both).
  for (const auto& [key, value] : pool->labels) l.labels[key] = value;
  for (const auto& [key, value] : type->labels) l.labels[key] = value;
  for (const k::Taint& t : pool->taints) l.taints.push_back(to_scenario(t));
  for (const k::Taint& t : pool->startup_taints) l.startup_taints.push_back(to_scenario(t));
  l.capacity = to_scenario(type->capacity);
  l.allocatable = to_scenario(type->allocatable);
  l.registration_delay = options_.registration.sample_duration(launch_rng_);
  l.initialization_delay = options_.initialization.sample_duration(launch_rng_);
  // An instance that never joins: its registration lies beyond any run.
  if (launch_broken(claim, now)) l.registration_delay = std::chrono::hours{24 * 365 * 100};
  const cluster::NodeId id = cluster_.launch_node(l);
  launched_.push_back(id);
  if (l.registration_delay >= options_.registration_timeout) {
    liveness_.push_back(
        sim_.schedule_in(options_.registration_timeout, [this, id] { registration_deadline(id); }));
  }

  r.action = ProvisioningAction::kLaunched;
  r.node = cluster_.node(id).name;
  r.node_id = id;
  r.instance_type = type->name;
  r.zone = claim.launch.zone;
  r.capacity_type = claim.launch.capacity_type;
  r.price_per_hour = claim.launch.price_per_hour;
  r.registration_delay = l.registration_delay;
  r.initialization_delay = l.initialization_delay;
  if (options_.on_provisioning) options_.on_provisioning(r);
  return id;
}

}  // namespace ksim::karpenter
