// The v1 Pod fields the HPA reads, derived from the cluster model's stages.
#include "ksim/sim/autoscaling/pod_view.h"

#include "ksim/sim/autoscaling/clock.h"

namespace ksim::autoscaling {

namespace h = control::hpa;

namespace {

h::PodPhase phase_of(cluster::PodPhase p) {
  switch (p) {
    case cluster::PodPhase::kPending:
      return h::PodPhase::kPending;
    case cluster::PodPhase::kRunning:
      return h::PodPhase::kRunning;
    case cluster::PodPhase::kSucceeded:
      return h::PodPhase::kSucceeded;
    case cluster::PodPhase::kFailed:
      return h::PodPhase::kFailed;
    case cluster::PodPhase::kUnknown:
      break;
  }
  return h::PodPhase::kUnknown;
}

}  // namespace

h::Pod hpa_pod_view(const cluster::Pod& pod, const cluster::PodOwner& rs,
                    const std::vector<h::Container>& containers) {
  h::Pod out;
  out.name = pod.name;
  out.deleting = pod.stage == cluster::PodStage::kTerminating;
  out.labels = rs.pod_labels;
  out.phase = phase_of(pod.phase);
  const bool running = pod.phase == cluster::PodPhase::kRunning;
  if (running) out.start_time = to_instant(pod.started);
  if (pod.stage == cluster::PodStage::kReady) {
    out.ready = h::ConditionStatus::kTrue;
    out.ready_transition = to_instant(pod.ready_since);
  } else {
    // Only a Ready -> not Ready flip moves lastTransitionTime; the model's
    // pods leave Ready only by deletion.
    out.ready = h::ConditionStatus::kFalse;
    const Time since = out.deleting ? pod.deleted : running ? pod.started : pod.created;
    out.ready_transition = to_instant(since);
  }
  out.containers = containers;
  return out;
}

}  // namespace ksim::autoscaling
