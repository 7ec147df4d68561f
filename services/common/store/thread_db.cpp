// ThreadDb: a thread-local one-entry cache in front of a map of connections.
#include "ksim/services/store/thread_db.h"

namespace ksim::services::store {
namespace {

std::atomic<std::uint64_t> next_instance{1};

}  // namespace

ThreadDb::ThreadDb(std::filesystem::path path, DbOptions options)
    : path_(std::move(path)), options_(options), instance_(next_instance.fetch_add(1)) {}

Result<Db*> ThreadDb::get() {
  thread_local std::uint64_t cached_instance = 0;
  thread_local Db* cached = nullptr;
  if (cached_instance == instance_) return cached;
  const std::lock_guard lock(mutex_);
  auto& slot = connections_[std::this_thread::get_id()];
  if (!slot) {
    auto opened = Db::open(path_, options_);
    if (!opened) return std::unexpected(opened.error());
    slot = std::make_unique<Db>(std::move(*opened));
  }
  cached_instance = instance_;
  cached = slot.get();
  return cached;
}

}  // namespace ksim::services::store
