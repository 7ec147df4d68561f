// A fixed set of Db connections to one file, lent to threads one at a time:
// how HTTP worker threads share a database (db.h: a Db is one thread's).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "ksim/services/store/db.h"
#include "ksim/services/store/error.h"

namespace ksim::services::store {

/// Thread-safe. The mutex is held only to take or return a connection, never
/// while SQL runs.
class DbPool {
 public:
  /// A borrowed connection; returned to the pool on destruction.
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(std::exchange(other.pool_, nullptr)), db_(other.db_) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->give_back(db_);
    }
    Db& operator*() const { return *db_; }
    Db* operator->() const { return db_; }

   private:
    friend class DbPool;
    Lease(DbPool* pool, Db* db) : pool_(pool), db_(db) {}
    DbPool* pool_;
    Db* db_;
  };

  /// Opens `size` (>= 1) connections to `path` (Db::open each).
  static Result<std::unique_ptr<DbPool>> open(const std::filesystem::path& path, std::size_t size,
                                              const DbOptions& options = {});
  DbPool(const DbPool&) = delete;
  DbPool& operator=(const DbPool&) = delete;

  /// Borrows a connection, waiting while all are lent out. Size the pool to
  /// the number of worker threads and this never waits.
  Lease acquire();
  [[nodiscard]] std::size_t size() const { return all_.size(); }

 private:
  DbPool() = default;
  void give_back(Db* db);

  std::vector<std::unique_ptr<Db>> all_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<Db*> free_;
};

}  // namespace ksim::services::store
