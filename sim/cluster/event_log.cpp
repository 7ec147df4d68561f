// Reason names of the cluster event log (upstream: pkg/kubelet/events
// event.go, the scheduler's and the workload controllers' Eventf calls;
// statefulset stateful_pod_control.go recordPodEvent and recordClaimEvent;
// node lifecycle controller node_lifecycle_controller.go RecordNodeEvent;
// karpenter pkg/controllers/node/termination/terminator/events events.go).
#include "ksim/sim/cluster/event_log.h"

namespace ksim::cluster {

std::string_view upstream_reason(EventReason r) {
  switch (r) {
    case EventReason::kNodeReady:
      return "NodeReady";
    case EventReason::kScalingReplicaSet:
      return "ScalingReplicaSet";
    case EventReason::kSuccessfulCreate:
      return "SuccessfulCreate";
    case EventReason::kSuccessfulDelete:
      return "SuccessfulDelete";
    case EventReason::kScheduled:
      return "Scheduled";
    case EventReason::kFailedScheduling:
      return "FailedScheduling";
    case EventReason::kPulling:
      return "Pulling";
    case EventReason::kPulled:
      return "Pulled";
    case EventReason::kCreated:
      return "Created";
    case EventReason::kStarted:
      return "Started";
    case EventReason::kKilling:
      return "Killing";
    case EventReason::kRegisteredNode:
      return "RegisteredNode";
    case EventReason::kRemovingNode:
      return "RemovingNode";
    case EventReason::kNodeNotSchedulable:
      return "NodeNotSchedulable";
    case EventReason::kNodeSchedulable:
      return "NodeSchedulable";
    case EventReason::kEvicted:
      return "Evicted";
    case EventReason::kFailedDraining:
      return "FailedDraining";
    case EventReason::kDisrupted:
      return "Disrupted";
    case EventReason::kPodReady:
    case EventReason::kPodDeleted:
    case EventReason::kEndpointReady:
    case EventReason::kEndpointRemoved:
    case EventReason::kLaunched:
    case EventReason::kRegistered:
    case EventReason::kInitialized:
      return "";
  }
  return "";
}

std::string_view reason_name(EventReason r) {
  switch (r) {
    case EventReason::kPodReady:
      return "PodReady";
    case EventReason::kPodDeleted:
      return "PodDeleted";
    case EventReason::kEndpointReady:
      return "EndpointReady";
    case EventReason::kEndpointRemoved:
      return "EndpointRemoved";
    case EventReason::kLaunched:
      return "Launched";
    case EventReason::kRegistered:
      return "Registered";
    case EventReason::kInitialized:
      return "Initialized";
    default:
      return upstream_reason(r);
  }
}

bool is_warning(EventReason r) {
  return r == EventReason::kFailedScheduling || r == EventReason::kFailedDraining;
}

std::string_view kind_name(ObjectKind k) {
  switch (k) {
    case ObjectKind::kNode:
      return "Node";
    case ObjectKind::kPod:
      return "Pod";
    case ObjectKind::kReplicaSet:
      return "ReplicaSet";
    case ObjectKind::kDeployment:
      return "Deployment";
    case ObjectKind::kService:
      return "Service";
    case ObjectKind::kStatefulSet:
      return "StatefulSet";
    case ObjectKind::kDaemonSet:
      return "DaemonSet";
  }
  return "";
}

std::string format_event(const Event& e) {
  std::string out = format_time(e.time);
  out += ' ';
  out += kind_name(e.kind);
  out += ' ';
  out += e.object;
  out += ' ';
  out += reason_name(e.reason);
  out += ": ";
  out += e.message;
  return out;
}

}  // namespace ksim::cluster
