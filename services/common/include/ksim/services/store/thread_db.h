// One SQLite connection per calling thread, to one file: how a service's
// hot read path gets a Db without the pool's mutex (db.h: a Db is one
// thread's at a time).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "ksim/services/store/db.h"
#include "ksim/services/store/error.h"

namespace ksim::services::store {

/// Thread-safe. A thread's first get() opens its connection (under a mutex);
/// later ones return it from a thread-local entry without a lock. The
/// connections live as long as this object; each is used by its own thread
/// only.
class ThreadDb {
 public:
  explicit ThreadDb(std::filesystem::path path, DbOptions options = {});
  ThreadDb(const ThreadDb&) = delete;
  ThreadDb& operator=(const ThreadDb&) = delete;

  /// This thread's connection, opened on first use.
  Result<Db*> get();
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  DbOptions options_;
  std::uint64_t instance_;  // never reused, so a stale thread-local entry cannot match
  std::mutex mutex_;        // guards connections_ (taken once per thread)
  std::unordered_map<std::thread::id, std::unique_ptr<Db>> connections_;
};

}  // namespace ksim::services::store
