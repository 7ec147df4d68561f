// The disruption controller's loop over the cluster model: the
// DisruptionInput of now, the 15 s hold and validation, and the execution of
// a valid command (replacements, cordon, drain, deletion).
#include <algorithm>
#include <utility>

#include "ksim/sim/karpenter/controller.h"
#include "ksim/sim/karpenter/convert.h"
#include "ksim/sim/karpenter/snapshot.h"

namespace ksim::karpenter {

namespace k = control::karpenter;

std::string_view stage_name(DisruptionStage s) {
  switch (s) {
    case DisruptionStage::kComputed:
      return "computed";
    case DisruptionStage::kInvalid:
      return "invalid";
    case DisruptionStage::kExecuted:
      return "executed";
    case DisruptionStage::kDraining:
      return "draining";
    case DisruptionStage::kAbandoned:
      return "abandoned";
    case DisruptionStage::kExpired:
      return "expired";
  }
  return "?";
}

KarpenterController::NodeTrack& KarpenterController::track(cluster::NodeId node) {
  const std::size_t i = cluster::index_of(node);
  if (tracks_.size() <= i) tracks_.resize(i + 1);
  return tracks_[i];
}

// upstream podevents controller: a pod going away is a pod event of its node.
void KarpenterController::on_pod_gone(cluster::PodId pod) {
  const cluster::Pod& p = cluster_.pod(pod);
  // lastPodEventTime follows non-daemon pods only (podevents controller).
  if (p.owner_kind == cluster::OwnerKind::kDaemonSet) return;
  if (p.node != cluster::kNoNode) track(p.node).last_pod_event = sim_.now();
}

// Observers must not mutate the cluster: the executions are checked in an
// event of their own.
// A node turning Ready or going away changes what pending pods can fit
// (limits freed, an in-flight claim that took other pods than planned): the
// provisioner is triggered again while pods stay Unschedulable, as upstream
// node events trigger it. The pod itself reports Unschedulable only once.
void KarpenterController::on_node_ready(cluster::NodeId node) {
  if (!provisionable_pods(cluster_).empty()) trigger("node/" + cluster_.node(node).name);
  if (executions_.empty()) return;
  sim_.cancel(executions_check_);
  executions_check_ = sim_.schedule_in(Duration{0}, [this] { check_executions(); });
}

void KarpenterController::on_node_gone(cluster::NodeId node) { on_node_ready(node); }

const k::NodePool* KarpenterController::pool_named(std::string_view name) const {
  for (const k::NodePool& p : pools_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::optional<Duration> KarpenterController::grace_of(std::string_view pool) const {
  for (std::size_t i = 0; i < pools_.size(); ++i) {
    if (pools_[i].name == pool) return termination_grace_[i];
  }
  return std::nullopt;
}

std::optional<cluster::NodeId> KarpenterController::live_node_named(const std::string& name) const {
  // A scan of the nodes in place (live_nodes() would build a vector per call;
  // a command names up to 100 candidates).
  const std::span<const cluster::Node> nodes = cluster_.nodes();
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].stage != cluster::NodeStage::kGone && nodes[i].name == name) {
      return cluster::id_at<cluster::NodeId>(i);
    }
  }
  return std::nullopt;
}

void KarpenterController::record(DisruptionStage stage, const k::DisruptionCommand& cmd,
                                 std::vector<std::string> replacements, std::string reason) {
  if (!options_.on_disruption) return;
  DisruptionRecord r;
  r.at = sim_.now();
  r.stage = stage;
  r.method = cmd.method;
  r.decision = cmd.decision;
  for (const k::DisruptionCandidate& c : cmd.candidates) {
    r.candidates.push_back(c.node);
    r.nodepools.push_back(c.nodepool);
  }
  r.replacements = std::move(replacements);
  r.candidates_price_per_hour = cmd.candidates_price_per_hour;
  r.replacement_price_per_hour = cmd.replacement_price_per_hour;
  r.savings_per_hour = cmd.savings_per_hour;
  r.message = cmd.message;
  r.reason = std::move(reason);
  options_.on_disruption(r);
}

void KarpenterController::disruption_pass(std::optional<k::DisruptionMethod> resume_after) {
  // No Karpenter node, nothing to disrupt or expire: skip building the
  // snapshot (a pass over a cluster of managed nodes only costs nothing).
  bool any = false;
  for (const cluster::Node& n : cluster_.nodes()) {
    if (n.stage != cluster::NodeStage::kGone && is_karpenter_node(n)) {
      any = true;
      break;
    }
  }
  if (!any) {
    ++passes_;
    return;
  }
  k::DisruptionInput& in = refresh_disruption_input();
  if (!resume_after) expire(in);
  in.resume_after = resume_after;
  ++passes_;
  k::DisruptionDecision d = k::disrupt(in);
  if (!d.command) return;
  pending_ = std::move(*d.command);
  record(DisruptionStage::kComputed, *pending_);
  const Time at{Duration{std::max(pending_->validate_at_us, in.now_us)}};
  validation_ = sim_.schedule_at(at, [this] { validate_pending(); });
}

// upstream nodeclaim/expiration: an expired NodeClaim is deleted, its node
// drained by the terminator, outside the disruption budgets. The nodes stay
// in `in` marked for deletion, as the cluster state would show them.
void KarpenterController::expire(k::DisruptionInput& in) {
  for (const k::NodeVerdict& v : k::expired_nodes(in.nodes, in.now_us)) {
    const auto id = live_node_named(v.node);
    if (!id || cluster_.node(*id).draining || cluster_.node(*id).node_pool.empty()) continue;
    cluster::DrainOptions o;
    o.termination_grace_period = grace_of(cluster_.node(*id).node_pool);
    o.delete_when_drained = true;
    o.evict_daemon_set_pods = true;  // Karpenter's terminator
    cluster_.drain(*id, o);
    for (k::ExistingNode& e : in.nodes) {
      if (e.name == v.node) e.marked_for_deletion = true;
    }
    if (!options_.on_disruption) continue;
    DisruptionRecord r;
    r.at = sim_.now();
    r.stage = DisruptionStage::kExpired;
    r.candidates = {v.node};
    r.nodepools = {cluster_.node(*id).node_pool};
    r.reason = v.reason;
    options_.on_disruption(r);
  }
}

// upstream Validator.Validate after commandValidationDelay; an invalid
// command lets the pass go on with the next method.
void KarpenterController::validate_pending() {
  validation_ = {};
  k::DisruptionCommand cmd = std::move(*pending_);
  pending_.reset();
  const k::ValidationResult v = k::validate(cmd, refresh_disruption_input());
  if (v.outcome == k::ValidationOutcome::kValid) {
    execute(cmd);
    return;
  }
  record(DisruptionStage::kInvalid, cmd, {}, v.reason);
  disruption_pass(cmd.method);
}

void KarpenterController::execute(const k::DisruptionCommand& cmd) {
  Execution x;
  x.command = cmd;
  for (const k::DisruptionCandidate& c : cmd.candidates) {
    if (auto id = live_node_named(c.node)) x.candidates.push_back(*id);
  }
  std::vector<std::string> names;
  for (const k::NewNodeClaim& claim : cmd.replacements) {
    k::NewNodeClaim c = claim;
    if (c.message.empty()) c.message = cmd.message;
    if (auto id = launch(c, sim_.now())) {
      x.replacements.push_back(*id);
      names.push_back(cluster_.node(*id).name);
    }
  }
  if (x.replacements.size() < cmd.replacements.size()) {
    // A replacement could not launch (insufficient capacity): upstream's
    // command fails before the candidates are tainted; they keep running.
    // A replacement that did launch is an empty node for a later pass.
    record(DisruptionStage::kAbandoned, cmd, names, "a replacement failed to launch");
    return;
  }
  // upstream taints the candidates karpenter.sh/disrupted:NoSchedule at once.
  for (const cluster::NodeId id : x.candidates) cluster_.cordon(id);
  record(DisruptionStage::kExecuted, cmd, names);
  if (x.replacements.empty()) {
    start_drains(x);
    return;
  }
  executions_.push_back(std::move(x));
}

void KarpenterController::start_drains(Execution& x) {
  for (const cluster::NodeId id : x.candidates) {
    const cluster::Node& n = cluster_.node(id);
    if (n.stage == cluster::NodeStage::kGone) continue;
    cluster::DrainOptions o;
    o.termination_grace_period = grace_of(n.node_pool);
    o.delete_when_drained = true;
    o.evict_daemon_set_pods = true;  // Karpenter's terminator
    cluster_.drain(id, o);
  }
}

// A replace drains its candidates once every replacement is Ready
// (orchestration queue: "waiting on replacement initialization"); a
// replacement gone before that abandons the command.
void KarpenterController::check_executions() {
  executions_check_ = {};
  for (auto it = executions_.begin(); it != executions_.end();) {
    bool ready = true;
    bool lost = false;
    for (const cluster::NodeId id : it->replacements) {
      const cluster::Node& n = cluster_.node(id);
      if (n.stage == cluster::NodeStage::kGone) lost = true;
      if (n.stage != cluster::NodeStage::kReady) ready = false;
    }
    if (lost) {
      for (const cluster::NodeId id : it->candidates) cluster_.uncordon(id);
      record(DisruptionStage::kAbandoned, it->command, {}, "a replacement was gone before Ready");
      it = executions_.erase(it);
    } else if (ready) {
      start_drains(*it);
      record(DisruptionStage::kDraining, it->command);
      it = executions_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace ksim::karpenter
