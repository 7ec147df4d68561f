// The cluster's event log: what `kubectl get events` would show, plus a few
// transitions Kubernetes records only as conditions (pod Ready, endpoint
// visibility, pod removal). In memory, in firing order, plain values; the
// SQLite trace will be written from it. Messages follow the upstream format
// strings named at each reason.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ksim/sim/kernel/time.h"

namespace ksim::cluster {

enum class ObjectKind { kNode, kPod, kReplicaSet, kDeployment, kService, kStatefulSet, kDaemonSet };

enum class EventReason {
  kNodeReady,          // kubelet: "Node %s status is now: NodeReady"
  kScalingReplicaSet,  // deployment controller: "Scaled up replica set %s to %d" /
                       // "Scaled %s replica set %s to %d from %d"
  kSuccessfulCreate,   // replicaset and daemonset controllers: "Created pod: %v";
                       // statefulset controller: "create Pod %s in StatefulSet %s successful",
                       // "create Claim %s Pod %s in StatefulSet %s success"
  kSuccessfulDelete,   // replicaset controller: "Deleted pod: %v"; statefulset controller:
                       // "delete Pod %s in StatefulSet %s successful"
  kScheduled,          // scheduler: "Successfully assigned %v/%v to %v"
  kFailedScheduling,   // scheduler: FitError + DefaultPreemption PostFilter text
  kPulling,            // kubelet: "Pulling image %q"
  kPulled,             // kubelet: "Successfully pulled image %q in %v (%v including waiting)"
                       // or "Container image %q already present on machine"
  kCreated,            // kubelet: "Created container: %v"
  kStarted,            // kubelet: "Started container %v"
  kKilling,            // kubelet: "Stopping container %v"
  kPodReady,           // ksim: the pod's Ready condition became True (no upstream event)
  kPodDeleted,         // ksim: the pod object is gone (termination finished)
  kEndpointReady,      // ksim: consumers of a Service now see the pod's endpoint
  kEndpointRemoved,    // ksim: consumers of a Service no longer see it
  // Nodes that come and go (appended so that the earlier values keep their numbers).
  kRegisteredNode,      // node lifecycle controller: "Registered Node %v in Controller"
  kRemovingNode,        // node lifecycle controller: "Removing Node %v from Controller"
  kNodeNotSchedulable,  // kubelet: "Node %s status is now: NodeNotSchedulable"
  kNodeSchedulable,     // kubelet: "Node %s status is now: NodeSchedulable"
  kEvicted,             // karpenter terminator: "Evicted pod"
  kFailedDraining,      // karpenter terminator: "Failed to drain node, %s" (Warning)
  kDisrupted,           // karpenter terminator: "Deleting the pod to accommodate the
                        // terminationTime %v of the node. ..."
  kLaunched,            // ksim: Karpenter's NodeClaim condition Launched (the instance runs)
  kRegistered,          // ksim: NodeClaim condition Registered (the Node object exists)
  kInitialized,         // ksim: NodeClaim condition Initialized (Ready, startup taints gone)
};

struct Event {
  Time time{};
  ObjectKind kind = ObjectKind::kPod;
  std::string object;  // "namespace/name", or the name of a cluster-scoped object
  EventReason reason = EventReason::kNodeReady;
  std::string message;
  friend bool operator==(const Event&, const Event&) = default;
};

using EventLog = std::vector<Event>;

/// The upstream reason string ("Scheduled", "FailedScheduling", ...); "" for
/// the ksim-only reasons.
std::string_view upstream_reason(EventReason r);
/// A name for every reason: the upstream one, else ksim's ("PodReady", ...).
std::string_view reason_name(EventReason r);
/// Upstream event type: Warning for FailedScheduling and FailedDraining,
/// Normal otherwise.
bool is_warning(EventReason r);
std::string_view kind_name(ObjectKind k);
/// One line: "6s Pod shop/product-service-6b9f7c8d5-x2x4z Started: Started container ...".
std::string format_event(const Event& e);

}  // namespace ksim::cluster
