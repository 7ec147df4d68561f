// The kubelet's side of a pod (upstream: pkg/kubelet kuberuntime
// SyncPod/startContainer, images image_manager.go, prober worker.go,
// killContainer; cluster-facts F.1-F.3): containers started one after the
// other, each after its image pull; the readiness probe; graceful
// termination.
#include <algorithm>

#include "ksim/sim/cluster/cluster.h"
#include "ksim/sim/kernel/check.h"

namespace ksim::cluster {
namespace {

const ContainerPlan& current(const Pod& p, const PodOwner& rs) {
  KSIM_CHECK(p.containers_started < rs.containers.size(), "kubelet: no container left to start");
  return rs.containers[p.containers_started];
}

// The completion time of the image's pull on the node, if one was started.
std::optional<Time> image_ready_at(const Node& n, const std::string& image) {
  for (const auto& [name, at] : n.images) {
    if (name == image) return at;
  }
  return std::nullopt;
}

}  // namespace

// startContainer step 1, EnsureImageExists. IfNotPresent with the image on
// the node: no pull ("already present on machine"). Otherwise "Pulling", then
// the serialized puller (serializeImagePulls, default true) runs one pull at
// a time per node, so a pull may wait for the previous one; a pull of an
// image whose layers another pull has fetched by then takes no time.
void Cluster::start_next_container(PodId pod) {
  Pod& p = pods_[index_of(pod)];
  const ContainerPlan& c = current(p, owner_of(p));
  Node& n = nodes_[index_of(p.node)];
  const Time now = sim_.now();
  const std::optional<Time> cached = image_ready_at(n, c.image);
  if (!c.pull_always && cached && *cached <= now) {
    log_pod(pod, EventReason::kPulled,
            "Container image \"" + c.image + "\" already present on machine");
    container_pulled(pod, now, now);
    return;
  }
  log_pod(pod, EventReason::kPulling, "Pulling image \"" + c.image + "\"");
  const Time start = std::max(now, n.puller_free_at);
  const bool layers_cached = cached && *cached <= start;
  const Duration pull = layers_cached ? Duration{0} : timings_.image_pull_ms.sample_duration(p.rng);
  const Time done = start + pull;
  n.puller_free_at = done;
  if (!cached) {
    n.images.emplace_back(c.image, done);
  }
  p.next = sim_.schedule_at(done, [this, pod, now, start] { container_pulled(pod, now, start); });
}

// Steps 2 and 3: the container is created, then runs after the scenario's
// container start time.
void Cluster::container_pulled(PodId pod, Time requested, Time pull_started) {
  Pod& p = pods_[index_of(pod)];
  const ContainerPlan& c = current(p, owner_of(p));
  const Time now = sim_.now();
  if (pull_started != requested || now != requested) {
    // upstream: "Successfully pulled image %q in %v (%v including waiting).
    // Image size: %v bytes." (no image sizes are modelled)
    log_pod(pod, EventReason::kPulled,
            "Successfully pulled image \"" + c.image + "\" in " +
                format_duration(now - pull_started) + " (" + format_duration(now - requested) +
                " including waiting)");
  } else if (c.pull_always) {
    log_pod(pod, EventReason::kPulled,
            "Successfully pulled image \"" + c.image + "\" in 0s (0s including waiting)");
  }
  log_pod(pod, EventReason::kCreated, "Created container: " + c.name);
  const Duration start = timings_.container_start_ms.sample_duration(p.rng);
  p.next = sim_.schedule_in(start, [this, pod] { container_started(pod); });
}

// The readiness probe of an app assumed healthy passes its successThreshold-th
// time at start + initialDelay + (successThreshold - 1) x period: the first
// probe runs once initialDelaySeconds have passed since the container
// started (prober worker doProbe). A container without a readiness probe is
// ready when it runs. The pod is Ready when every container is.
void Cluster::container_started(PodId pod) {
  Pod& p = pods_[index_of(pod)];
  const PodOwner& rs = owner_of(p);
  const ContainerPlan& c = current(p, rs);
  log_pod(pod, EventReason::kStarted, "Started container " + c.name);
  p.ready_at = std::max(p.ready_at, sim_.now() + c.ready_after_start);
  ++p.containers_started;
  if (p.containers_started < rs.containers.size()) {
    start_next_container(pod);
    return;
  }
  p.phase = PodPhase::kRunning;
  p.stage = PodStage::kRunning;
  p.started = sim_.now();
  p.next = sim_.schedule_at(std::max(sim_.now(), p.ready_at), [this, pod] { pod_ready(pod); });
  if (p.owner_kind == OwnerKind::kNone) bare_pod_running(pod);  // its run time starts
}

void Cluster::pod_ready(PodId pod) {
  Pod& p = pods_[index_of(pod)];
  p.stage = PodStage::kReady;
  p.ready_since = sim_.now();
  log_pod(pod, EventReason::kPodReady, "Ready condition is True: readiness probe succeeded");
  add_endpoints(pod);
  propagate(pod, true);
  // An OrderedReady StatefulSet waits for this to create the next ordinal.
  if (p.owner_kind == OwnerKind::kStatefulSet) request_statefulset_sync(p.stateful_set);
}

// Graceful termination (cluster-facts F.3): the pod leaves the ready
// endpoints at once while its containers get SIGTERM; it is gone after the
// grace period (the app's own shutdown time is not modelled yet). A pod with
// no container started yet has nothing to stop and goes at once.
// `grace` overrides the pod's terminationGracePeriodSeconds (DeleteOptions
// gracePeriodSeconds).
void Cluster::terminate(PodId pod, std::optional<Duration> grace_override) {
  Pod& p = pods_[index_of(pod)];
  const PodOwner& rs = owner_of(p);
  const bool was_ready = p.ready();
  sim_.cancel(p.next);
  p.stage = PodStage::kTerminating;
  p.deleted = sim_.now();
  notify([pod](ClusterObserver& o) { o.on_pod_terminating(pod); });
  for (auto& q : view_of(p.node).pods) {
    if (q.name == p.name) q.terminating = true;
  }
  if (was_ready) {
    remove_endpoints(pod);
    propagate(pod, false);
  }
  for (std::uint32_t i = 0; i < p.containers_started; ++i) {
    // upstream killContainer: "Stopping container %v".
    log_pod(pod, EventReason::kKilling, "Stopping container " + rs.containers[i].name);
  }
  const Duration grace =
      p.containers_started == 0 ? Duration{0} : grace_override.value_or(rs.grace);
  p.next = sim_.schedule_in(grace, [this, pod] { pod_gone(pod); });
}

// `with_node`: the node was deleted under the pod (delete_node).
void Cluster::pod_gone(PodId pod, bool with_node) {
  Pod& p = pods_[index_of(pod)];
  forget_assumed(pod);
  p.stage = PodStage::kGone;
  const std::string& node = nodes_[index_of(p.node)].name;
  log_pod(pod, EventReason::kPodDeleted,
          with_node ? "gone with its node " + node + " after " +
                          format_duration(sim_.now() - p.deleted) + " of termination"
                    : "terminated after " + format_duration(sim_.now() - p.deleted) +
                          "; removed from " + node);
  pod_object_gone(pod);
  on_assigned_pod_deleted();
  notify([pod](ClusterObserver& o) { o.on_pod_gone(pod); });
  if (!with_node) check_drained(p.node);
}

}  // namespace ksim::cluster
