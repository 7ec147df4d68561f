#include "ksim/services/store/db_pool.h"

namespace ksim::services::store {

Result<std::unique_ptr<DbPool>> DbPool::open(const std::filesystem::path& path, std::size_t size,
                                             const DbOptions& options) {
  if (size == 0) return store_error("db pool: size must be >= 1");
  std::unique_ptr<DbPool> pool(new DbPool());
  for (std::size_t i = 0; i < size; ++i) {
    auto db = Db::open(path, options);
    if (!db) return std::unexpected(db.error());
    pool->all_.push_back(std::make_unique<Db>(std::move(*db)));
    pool->free_.push_back(pool->all_.back().get());
  }
  return pool;
}

DbPool::Lease DbPool::acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [this] { return !free_.empty(); });
  Db* db = free_.back();
  free_.pop_back();
  return Lease(this, db);
}

void DbPool::give_back(Db* db) {
  {
    const std::lock_guard lock(mutex_);
    free_.push_back(db);
  }
  returned_.notify_one();
}

}  // namespace ksim::services::store
