#include "ksim/services/store/outbox.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <random>

namespace ksim::services::store {

std::string make_event_id() {
  // A thread_local device: opening it per call would cost a file descriptor
  // when libstdc++ falls back to /dev/urandom. Each call still draws fresh
  // entropy, so a fork() or restart cannot repeat a sequence.
  thread_local std::random_device device;
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < bytes.size(); i += 4) {
    const std::uint32_t word = device();
    for (std::size_t b = 0; b < 4; ++b) bytes[i + b] = static_cast<std::uint8_t>(word >> (8 * b));
  }
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id.push_back('-');
    id.push_back(kHex[bytes[i] >> 4]);
    id.push_back(kHex[bytes[i] & 0x0F]);
  }
  return id;
}

Result<void> Outbox::install(Db& db) { return db.exec(kOutboxSchema); }

Result<std::string> Outbox::append(Transaction& tx, std::string_view topic, std::string_view key,
                                   std::string_view payload) const {
  if (!tx.active()) return store_error("outbox append: transaction is not active");
  auto stmt = tx.db().prepare(
      "INSERT INTO outbox(event_id, topic, key, payload, created_us) VALUES(?, ?, ?, ?, ?)");
  if (!stmt) return std::unexpected(stmt.error());
  std::string event_id = make_event_id();
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto created_us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  auto bound = stmt->bind(event_id, topic, key, payload, created_us);
  if (!bound) return std::unexpected(bound.error());
  auto done = stmt->run();
  if (!done) return std::unexpected(done.error());
  if (wake_) tx.on_commit(wake_);
  return event_id;
}

}  // namespace ksim::services::store
