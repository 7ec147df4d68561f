// The transactional outbox: an event is a row written in the same SQLite
// transaction as the business change it describes, so both commit or neither
// does; the Relay (relay.h) publishes committed rows to Kafka afterwards.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "ksim/services/store/db.h"
#include "ksim/services/store/error.h"

namespace ksim::services::store {

/// The outbox table. `seq` orders events (commit order, since SQLite has one
/// writer at a time); `event_id` identifies an event across retries,
/// restarts and processes so consumers can drop duplicates; `created_us` is
/// wall-clock microseconds since the Unix epoch.
inline constexpr std::string_view kOutboxSchema =
    "CREATE TABLE IF NOT EXISTS outbox("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " event_id TEXT NOT NULL UNIQUE,"
    " topic TEXT NOT NULL,"
    " key TEXT NOT NULL,"
    " payload TEXT NOT NULL,"
    " created_us INTEGER NOT NULL)";

/// A fresh random (version 4) UUID in its canonical 36-character text form.
/// Each id takes 122 bits from std::random_device (the kernel's CSPRNG or the
/// CPU's on Linux), not from a per-process seeded generator, so ids stay
/// unique across restarts, forks and replicas without coordination.
std::string make_event_id();

/// Appends events to the outbox of a database. Holds no connection: it writes
/// through the caller's Transaction, so it can be shared by threads.
class Outbox {
 public:
  /// `wake` (optional) runs after the appending transaction commits, e.g.
  /// [&relay] { relay.notify(); } so the relay publishes without waiting for
  /// its poll interval.
  explicit Outbox(std::function<void()> wake = {}) : wake_(std::move(wake)) {}

  /// Creates the outbox table if it does not exist (idempotent; independent
  /// of the service's own user_version migrations).
  static Result<void> install(Db& db);

  /// Writes one event row in `tx` and returns its event_id. Nothing is
  /// visible to the relay until `tx` commits; a rollback drops the event.
  Result<std::string> append(Transaction& tx, std::string_view topic, std::string_view key,
                             std::string_view payload) const;

 private:
  std::function<void()> wake_;
};

}  // namespace ksim::services::store
