// ReplicaSet scale-down order; see delete_order.h for the upstream sources.
#include "ksim/sim/cluster/delete_order.h"

#include <bit>
#include <chrono>

namespace ksim::cluster {
namespace {

// upstream podPhaseToOrdinal: Pending 0, Unknown 1, Running 2.
int phase_ordinal(PodPhase p) {
  switch (p) {
    case PodPhase::kPending:
      return 0;
    case PodPhase::kUnknown:
      return 1;
    case PodPhase::kRunning:
      return 2;
    default:
      return 0;  // Succeeded/Failed pods are not active: never candidates
  }
}

// metav1.Time on the wire: whole seconds since the epoch (the run starts at one).
std::int64_t api_seconds(Time t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

// upstream logarithmicRankDiff's per-timestamp rank: int64(math.Log2(float64(d)))
// for d = now - t in nanoseconds, -1 when d <= 0. For d < 2^53 ns (104 days)
// the float conversion is exact and floor(log2 d) is the bit width minus one.
std::int64_t log_rank(std::int64_t t_seconds, Time now) {
  const std::int64_t d = to_us(now) * 1000 - t_seconds * 1'000'000'000;
  if (d <= 0) return -1;
  return static_cast<std::int64_t>(std::bit_width(static_cast<std::uint64_t>(d))) - 1;
}

// Steps 6 and 8 of Less for two different timestamps: newer bucket first, the
// UID deciding within a bucket. Returns -1 (a first), 1 (b first).
int compare_log(std::int64_t ta, std::int64_t tb, Time now, std::uint64_t uid_a,
                std::uint64_t uid_b) {
  const std::int64_t diff = log_rank(ta, now) - log_rank(tb, now);
  if (diff == 0) return uid_a < uid_b ? -1 : 1;
  return diff < 0 ? -1 : 1;
}

}  // namespace

bool deletion_less(const DeletionCandidate& a, const DeletionCandidate& b, Time now) {
  // 1. Unassigned < assigned.
  if (a.assigned != b.assigned) return !a.assigned;
  // 2. PodPending < PodUnknown < PodRunning.
  if (phase_ordinal(a.phase) != phase_ordinal(b.phase)) {
    return phase_ordinal(a.phase) < phase_ordinal(b.phase);
  }
  // 3. Not ready < ready.
  if (a.ready != b.ready) return !a.ready;
  // 4. Lower pod-deletion-cost < higher.
  if (a.deletion_cost != b.deletion_cost) return a.deletion_cost < b.deletion_cost;
  // 5. Doubled up < not doubled up: more co-located pods of the Deployment first.
  if (a.rank != b.rank) return a.rank > b.rank;
  // 6. Both ready: been ready for less time first (logarithmic buckets).
  if (a.ready && b.ready) {
    const std::int64_t ra = api_seconds(a.ready_since);
    const std::int64_t rb = api_seconds(b.ready_since);
    if (ra != rb) return compare_log(ra, rb, now, a.uid, b.uid) < 0;
  }
  // 7. More container restarts first.
  if (a.restarts != b.restarts) return a.restarts > b.restarts;
  // 8. Newer creation first (logarithmic buckets).
  const std::int64_t ca = api_seconds(a.created);
  const std::int64_t cb = api_seconds(b.created);
  if (ca != cb) return compare_log(ca, cb, now, a.uid, b.uid) < 0;
  return false;
}

std::vector<PodId> pods_to_delete(std::vector<DeletionCandidate> candidates, std::size_t diff,
                                  Time now) {
  if (diff < candidates.size()) {
    // Less is not a strict weak order (the UID only decides within a bucket),
    // which std::sort must not be given; an insertion sort is well defined for
    // any comparator, deterministic, and fine for one ReplicaSet's pods.
    for (std::size_t i = 1; i < candidates.size(); ++i) {
      for (std::size_t j = i; j > 0 && deletion_less(candidates[j], candidates[j - 1], now); --j) {
        std::swap(candidates[j], candidates[j - 1]);
      }
    }
  } else {
    diff = candidates.size();
  }
  std::vector<PodId> out;
  out.reserve(diff);
  for (std::size_t i = 0; i < diff; ++i) out.push_back(candidates[i].pod);
  return out;
}

}  // namespace ksim::cluster
