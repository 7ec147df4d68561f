#include "write_gate.h"

#include <map>
#include <string>

namespace ksim::services::store::detail {

std::shared_ptr<WriteGate> WriteGate::for_file(const std::filesystem::path& path) {
  static std::mutex registry_mutex;
  static std::map<std::string, std::weak_ptr<WriteGate>> registry;
  std::error_code ignored;
  auto canonical = std::filesystem::weakly_canonical(std::filesystem::absolute(path), ignored);
  const std::string key = ignored ? path.string() : canonical.string();
  const std::lock_guard lock(registry_mutex);
  // Forget gates of files nobody has open any more, so the map stays small.
  std::erase_if(registry, [](const auto& entry) { return entry.second.expired(); });
  auto& slot = registry[key];
  auto gate = slot.lock();
  if (!gate) {
    gate = std::make_shared<WriteGate>();
    slot = gate;
  }
  return gate;
}

bool WriteGate::lock(std::chrono::milliseconds timeout) {
  std::unique_lock guard(mutex_);
  const std::uint64_t ticket = next_ticket_++;
  if (turn_.wait_for(guard, timeout, [&] { return serving_ == ticket; })) return true;
  // Gave up: the ticket must not block those behind it.
  abandoned_.insert(ticket);
  advance_locked();
  return false;
}

void WriteGate::unlock() {
  {
    const std::lock_guard guard(mutex_);
    ++serving_;
    advance_locked();
  }
  turn_.notify_all();
}

void WriteGate::advance_locked() {
  for (auto found = abandoned_.find(serving_); found != abandoned_.end();
       found = abandoned_.find(serving_)) {
    abandoned_.erase(found);
    ++serving_;
  }
}

}  // namespace ksim::services::store::detail
