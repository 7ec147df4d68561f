// Which pods a ReplicaSet deletes when it has too many (upstream:
// pkg/controller/replicaset/replica_set.go getPodsToDelete and
// getPodsRankedByRelatedPodsOnSameNode; pkg/controller/controller_utils.go
// ActivePodsWithRanks.Less with LogarithmicScaleDown, GA and locked on since
// 1.31, and PodDeletionCost, on by default since 1.22). Pure: the pods'
// observable state in, the pods to delete out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ksim/sim/cluster/ids.h"
#include "ksim/sim/kernel/time.h"

namespace ksim::cluster {

/// core/v1 PodPhase.
enum class PodPhase { kPending, kRunning, kSucceeded, kFailed, kUnknown };

/// What ActivePodsWithRanks.Less reads of one active pod.
struct DeletionCandidate {
  PodId pod{};
  bool assigned = false;  // spec.nodeName is set (the pod is bound)
  PodPhase phase = PodPhase::kPending;
  bool ready = false;              // the Ready condition is True
  std::int32_t deletion_cost = 0;  // controller.kubernetes.io/pod-deletion-cost
  /// Active pods of the Deployment's ReplicaSets on the same node (unassigned
  /// pods count among themselves): getPodsRankedByRelatedPodsOnSameNode.
  std::int32_t rank = 0;
  Time ready_since{};         // the Ready condition's lastTransitionTime; read when ready
  std::int32_t restarts = 0;  // the highest restartCount of its containers
  Time created{};             // metadata.creationTimestamp
  std::uint64_t uid = 0;      // metadata.uid (random: upstream compares UUID strings)
};

/// upstream ActivePodsWithRanks.Less: true when `a` is to be deleted before
/// `b`. In order: unassigned < assigned; Pending < Unknown < Running; not
/// ready < ready; lower deletion cost; higher rank (doubled up); both ready:
/// more recently ready, compared in log2 buckets of (now - readyTime) in
/// nanoseconds, the UID deciding within a bucket; more restarts; newer
/// creation, in the same buckets. Timestamps are compared at whole seconds:
/// metav1.Time keeps no fraction on the wire (time_proto.go drops the nanos).
bool deletion_less(const DeletionCandidate& a, const DeletionCandidate& b, Time now);

/// upstream getPodsToDelete: the first `diff` candidates in deletion order
/// (all of them, unsorted, when diff >= their number). Candidates that
/// compare equal keep their given order; upstream's sort.Sort leaves that
/// order unspecified (informer cache order).
std::vector<PodId> pods_to_delete(std::vector<DeletionCandidate> candidates, std::size_t diff,
                                  Time now);

}  // namespace ksim::cluster
