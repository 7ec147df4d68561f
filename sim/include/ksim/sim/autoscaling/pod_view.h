// A cluster pod as the HPA controller sees it through the API (v1 Pod:
// phase, deletionTimestamp, the Ready condition, status.startTime, the
// containers' requests).
#pragma once

#include <vector>

#include "ksim/control/hpa/types.h"
#include "ksim/sim/cluster/objects.h"

namespace ksim::autoscaling {

/// The HPA's view of `pod` (of ReplicaSet `rs`), whose containers and
/// requests are `containers`:
///   deleting     stage Terminating (a gone pod is no longer listed)
///   phase        the pod's phase
///   startTime    Pod::started once the phase is Running, unset before
///                (upstream sets it earlier, before the image pulls; a
///                Pending pod is "unready" whatever its start time)
///   Ready        True since ready_since when Ready; otherwise False since the
///                deletion (terminating), the start (running) or the creation
///                (pending: upstream has no Ready condition before the
///                kubelet's first sync; Pending pods are "unready" either way)
control::hpa::Pod hpa_pod_view(const cluster::Pod& pod, const cluster::PodOwner& rs,
                               const std::vector<control::hpa::Container>& containers);

}  // namespace ksim::autoscaling
