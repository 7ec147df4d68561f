// Internal: a process-wide, first-come-first-served lock per database file,
// taken by Db::begin() before BEGIN IMMEDIATE.
//
// Why: SQLite's busy handler waits for another connection's write lock by
// sleeping and retrying. A thread that commits in a loop re-takes the lock
// microseconds after releasing it, so a sleeping waiter (the outbox relay,
// another HTTP worker) can starve for seconds and then fail with SQLITE_BUSY.
// Queueing the writers of this process on a ticket lock hands the lock over
// in arrival order, and SQLite's busy_timeout is left to arbitrate between
// processes only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>

namespace ksim::services::store::detail {

class WriteGate {
 public:
  /// The gate shared by every Db of this process open on `path`.
  static std::shared_ptr<WriteGate> for_file(const std::filesystem::path& path);

  /// Waits for this caller's turn, at most `timeout`; false on timeout.
  bool lock(std::chrono::milliseconds timeout);
  void unlock();

 private:
  void advance_locked();

  std::mutex mutex_;
  std::condition_variable turn_;
  std::uint64_t next_ticket_ = 0;
  std::uint64_t serving_ = 0;
  std::set<std::uint64_t> abandoned_;  // tickets whose holders timed out
};

}  // namespace ksim::services::store::detail
