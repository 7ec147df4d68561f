// kube-scheduler's scheduling queue for pods of equal priority (upstream:
// pkg/scheduler/backend/queue scheduling_queue.go PriorityQueue,
// backoff_queue.go, active_queue.go; cluster-facts C.4). Pure: times come in
// as arguments; the Cluster turns its answers into kernel events.
//
//   activeQ        pods to try now, PrioritySort order (equal priorities:
//                  earliest queue timestamp first)
//   backoffQ       pods moved by a cluster event while still backing off, by
//                  backoff expiry; flushed to activeQ every second. With
//                  SchedulerPopFromBackoffQ (beta, on by default since 1.33)
//                  the scheduler pops it directly whenever activeQ is empty.
//   unschedulable  pods that failed; they leave on a cluster event that may
//                  make them schedulable (the caller applies the queueing
//                  hints and calls activate) or after 5 min
//                  (flushUnschedulablePodsLeftover, every 30 s).
//
// Backoff: 1 s doubling per attempt up to 10 s (podInitialBackoffSeconds,
// podMaxBackoffSeconds), counted from the failure, aligned down to the whole
// second when SchedulerPopFromBackoffQ is on (backoffQOrderingWindowDuration).
// Scheduling cycles take no simulated time, so no cluster event can arrive
// during one: a failed pod always goes to the unschedulable set (upstream
// sends it to backoffQ only when a move request came in during its cycle).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "ksim/sim/cluster/ids.h"
#include "ksim/sim/kernel/time.h"

namespace ksim::cluster {

struct SchedulingQueueConfig {
  Duration initial_backoff = std::chrono::seconds{1};
  Duration max_backoff = std::chrono::seconds{10};
  /// Feature gate SchedulerPopFromBackoffQ (1.33 beta, default on).
  bool pop_from_backoff_q = true;
  /// DefaultPodMaxInUnschedulablePodsDuration.
  Duration max_in_unschedulable = std::chrono::minutes{5};
};

enum class QueueLocation { kNone, kActive, kBackoff, kUnschedulable, kInFlight };

class SchedulingQueue {
 public:
  explicit SchedulingQueue(SchedulingQueueConfig config = {}) : config_(config) {}

  /// Interval of flushBackoffQCompleted and of flushUnschedulablePodsLeftover.
  static constexpr Duration kBackoffFlushPeriod = std::chrono::seconds{1};
  static constexpr Duration kUnschedulableFlushPeriod = std::chrono::seconds{30};

  /// A new pending pod: activeQ, no attempts yet, queued at `now`.
  void add(PodId pod, Time now);
  /// The next pod to try: activeQ's head, else (SchedulerPopFromBackoffQ)
  /// backoffQ's head, else nullopt. Counts an attempt; the pod is in flight
  /// until failed() or done().
  std::optional<PodId> pop();
  /// The in-flight pod did not fit: into the unschedulable set, its
  /// timestamp (backoff origin) now.
  void failed(PodId pod, Time now);
  /// The in-flight pod was assumed on a node: it leaves the queue.
  void done(PodId pod);
  /// The pod was deleted: dropped from wherever it is.
  void remove(PodId pod);
  /// An unschedulable pod a cluster event may help: backoffQ while it is
  /// still backing off, else activeQ (movePodsToActiveOrBackoffQueue).
  void activate(PodId pod, Time now);
  /// flushBackoffQCompleted: pods whose backoff is over go to activeQ.
  /// Returns how many moved.
  std::size_t flush_backoff_completed(Time now);
  /// flushUnschedulablePodsLeftover: pods unschedulable for longer than
  /// max_in_unschedulable are activated. Returns how many moved.
  std::size_t flush_unschedulable_leftover(Time now);

  /// The first tick of the 1 s backoff flush (whole seconds) that finds the
  /// earliest backoffQ pod done; nullopt when backoffQ is empty.
  [[nodiscard]] std::optional<Time> next_backoff_flush() const;
  /// Whether pop() would return a pod.
  [[nodiscard]] bool has_work() const;
  /// The unschedulable pods, in id order.
  [[nodiscard]] const std::set<PodId>& unschedulable() const { return unschedulable_; }

  /// calculateBackoffDuration: 0 before any attempt, then initial x
  /// 2^(attempts-1), at most max_backoff.
  [[nodiscard]] Duration backoff_duration(std::int32_t attempts) const;
  /// getBackoffTime: timestamp + backoff, aligned down to the second with
  /// SchedulerPopFromBackoffQ. kTimeZero before any attempt.
  [[nodiscard]] Time backoff_expiry(PodId pod) const;
  /// isPodBackingoff: expiry not before now (now aligned down likewise).
  [[nodiscard]] bool backing_off(PodId pod, Time now) const;
  [[nodiscard]] QueueLocation location(PodId pod) const;
  [[nodiscard]] std::int32_t attempts(PodId pod) const;
  [[nodiscard]] const SchedulingQueueConfig& config() const { return config_; }

 private:
  struct Info {
    QueueLocation location = QueueLocation::kNone;
    std::int32_t attempts = 0;
    Time timestamp{};  // QueuedPodInfo.Timestamp
    std::uint64_t seq = 0;
  };
  struct Entry {
    Time key{};  // activeQ: timestamp; backoffQ: expiry
    Time timestamp{};
    std::uint64_t seq = 0;
    PodId pod{};
    friend auto operator<=>(const Entry&, const Entry&) = default;
  };

  Info& info(PodId pod);
  [[nodiscard]] Time align(Time t) const;
  void erase_from_queues(PodId pod, const Info& i);
  void push_active(PodId pod, Info& i);
  void push_backoff(PodId pod, Info& i);

  SchedulingQueueConfig config_;
  std::vector<Info> infos_;  // by pod id
  std::set<Entry> active_;
  std::set<Entry> backoff_;
  std::set<PodId> unschedulable_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace ksim::cluster
