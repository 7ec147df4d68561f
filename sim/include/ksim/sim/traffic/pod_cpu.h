// The CPU of one serving container: the requests in progress share it
// (processor sharing), and the kubelet's CPU limit caps it through the CFS
// bandwidth controller (cluster-facts F.4; kernel Documentation/scheduler/
// sched-bwc.rst): at most `limit x period` of CPU per period (cpuCFSQuotaPeriod,
// 100 ms by default); once the quota is used up the container is throttled
// until the next period starts. A pod with a 200m limit thus needs about
// 210 ms of wall time to burn 50 ms of CPU alone.
//
// Sharing: with n jobs on `parallelism` cores (the node's vCPUs, which the
// container's threads may use), each job runs at min(1, parallelism / n) of a
// core. Contention between pods of one node is not modelled (each pod sees
// the node's cores as its own); requests below the limit are not
// distinguished from the cpu.shares weight they imply.
//
// The model is exact between events: it keeps the service each job has
// received as one "virtual" clock shared by all jobs (every job gains the
// same amount), so a job finishes when that clock reaches its arrival value
// plus its CPU demand. next_event() is the only time the state can change on
// its own: the next completion, the quota running out, or the period that
// lifts a throttle. No clock: times come in as arguments.
#pragma once

#include <cstdint>
#include <vector>

#include "ksim/sim/kernel/time.h"

namespace ksim::traffic {

class PodCpu {
 public:
  struct Config {
    /// Cores the container's threads can run on at once (> 0).
    double parallelism = 1.0;
    /// CPU limit in cores; 0 = no limit (no CFS quota).
    double limit_cores = 0.0;
    /// cpu.cfs_period_us: the kubelet's cpuCFSQuotaPeriod, 100 ms.
    Duration period = Duration{100'000};
  };

  /// A container started at `start`: its CFS periods start there.
  PodCpu(const Config& config, Time start);

  /// Moves the state to `now` (>= the last time seen), exactly, whatever
  /// happened in between: jobs finishing (kept for take_finished), the quota
  /// running out, periods starting. A caller needs an event at next_event()
  /// only to learn of a completion when it happens.
  void advance(Time now);
  /// A job needing `cpu_us` microseconds of one core arrives at `now`.
  void add(Time now, std::uint32_t job, double cpu_us);
  /// After advance(now): appends the jobs that have finished, in finish
  /// order (ties in arrival order), and removes them.
  void take_finished(std::vector<std::uint32_t>& out);
  /// Jobs finished and not yet taken.
  [[nodiscard]] bool has_finished() const { return !finished_.empty(); }
  /// Removes every unfinished job (the container is gone), appending them
  /// to `out` (finished ones stay for take_finished).
  void clear(std::vector<std::uint32_t>& out);

  /// When the state next changes by itself; kTimeMax when idle.
  [[nodiscard]] Time next_event() const;
  [[nodiscard]] std::size_t jobs() const { return heap_.size(); }
  [[nodiscard]] bool throttled() const { return throttled_; }
  /// CPU used so far, in microseconds of one core (cpuacct.usage / 1000),
  /// as of the last advance().
  [[nodiscard]] double cpu_used_us() const { return total_us_; }
  /// cpu.stat nr_throttled: periods in which the quota ran out.
  [[nodiscard]] std::uint64_t nr_throttled() const { return nr_throttled_; }
  [[nodiscard]] const Config& config() const { return config_; }

 private:
  struct Entry {
    double finish;      // the virtual clock's value at which the job is done
    std::uint64_t seq;  // arrival order, for ties
    std::uint32_t job;
  };
  static bool later(const Entry& a, const Entry& b) {
    return a.finish != b.finish ? a.finish > b.finish : a.seq > b.seq;
  }
  [[nodiscard]] double cores_in_use() const;
  void refresh_completion();
  void pop_finished();
  void roll_period(Time now);

  Config config_;
  double quota_us_ = 0;  // per period; 0 = unlimited
  Time start_{};
  Time t_{};  // the state's time
  Time period_start_{};
  double virtual_us_ = 0;  // service each job received since the start
  double used_us_ = 0;     // CPU used in the current period
  double total_us_ = 0;
  bool throttled_ = false;
  std::uint64_t nr_throttled_ = 0;
  std::uint64_t seq_ = 0;
  std::vector<Entry> heap_;  // min-heap on (finish, seq)
  std::vector<std::uint32_t> finished_;
  /// The microsecond the first job finishes at the current rate; kTimeMax
  /// when idle or throttled (refresh_completion).
  Time completion_ = kTimeMax;
};

}  // namespace ksim::traffic
