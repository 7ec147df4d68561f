// The outbox relay: a background thread that publishes committed outbox rows
// (outbox.h) to Kafka with an idempotent producer and deletes each row only
// after its delivery report says the broker has it.
//
// Guarantees: every committed event is delivered at least once (a crash
// between delivery and the row's deletion re-sends it after restart; the
// `event-id` header lets consumers drop such duplicates); within one relay's
// life nothing is duplicated and events of one key reach their partition in
// outbox (seq) order, because messages never time out in the producer
// (message.timeout.ms=0: while the broker is unreachable librdkafka keeps
// retrying with backoff instead of failing one message and sending the next).
// A fatal producer error (librdkafka's idempotence guard) replaces the producer;
// rows not confirmed by then are re-sent by the new one. Run one relay per
// database file.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "ksim/services/store/error.h"

namespace ksim::services::store {

/// Where and how events are published.
struct EventSinkConfig {
  /// bootstrap.servers of a real cluster ("host:9092,..."). Empty: an
  /// embedded librdkafka mock cluster owned by the relay (the default, so a
  /// service runs with nothing installed).
  std::string brokers;
  /// Brokers of the embedded mock cluster (only when `brokers` is empty).
  int mock_brokers = 1;
  std::string client_id = "ksim-outbox-relay";
  /// Rows read and produced per round.
  int batch_size = 500;
  /// How often the relay looks for rows when nobody calls notify().
  std::chrono::milliseconds poll_interval{500};
  /// Back-off after a failed round (doubling up to backoff_max).
  std::chrono::milliseconds backoff_min{100};
  std::chrono::milliseconds backoff_max{5000};
  /// How long stop() waits for in-flight messages before giving up on them
  /// (their rows stay in the outbox and are re-sent by the next relay).
  std::chrono::milliseconds flush_timeout{5000};
  /// Extra librdkafka properties, applied last (e.g. security.protocol).
  std::map<std::string, std::string> kafka_properties;
  /// Where librdkafka's log lines go (syslog level 0-7, facility, message),
  /// e.g. into the service's structured log. Called from librdkafka's own
  /// threads, so it must be thread-safe. Empty: librdkafka prints to stderr.
  std::function<void(int level, std::string_view facility, std::string_view message)> log;
};

/// Publishes the outbox of one database file. start() opens its own
/// connections; all public methods are thread-safe.
class Relay {
 public:
  /// Opens `db_path` (creating the outbox table if needed), creates the
  /// producer (and the embedded mock cluster if config.brokers is empty) and
  /// starts the relay thread. Fails on a bad config (batch_size < 1, a
  /// non-positive interval, backoff_max < backoff_min, an unknown or invalid
  /// kafka property) with a message naming the field.
  static Result<std::unique_ptr<Relay>> start(const std::filesystem::path& db_path,
                                              const EventSinkConfig& config);
  /// Calls stop().
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  /// Wakes the relay thread now (cheap; call after committing outbox rows).
  void notify();
  /// Stops the thread: waits up to flush_timeout for in-flight deliveries,
  /// deletes the rows confirmed by then, and returns. Idempotent.
  void stop();

  /// Outbox rows not yet confirmed delivered (a COUNT on the database).
  Result<std::int64_t> backlog() const;
  /// Events confirmed delivered (and deleted) by this relay since start.
  [[nodiscard]] std::uint64_t published_total() const;
  /// The most recent error (broker unreachable, delivery failure, database
  /// error) or "" if none yet. Not cleared by later success.
  [[nodiscard]] std::string last_error() const;
  /// How many errors have been recorded as last_error() so far (a counter
  /// for /metrics, and a way to see that a new error happened).
  [[nodiscard]] std::uint64_t errors_total() const;
  /// Test hook: has the relay thread raise a librdkafka fatal error on its
  /// producer (as a broker fencing an idempotent producer would), to check
  /// that the relay recovers by replacing the producer.
  void inject_fatal_error_for_testing();
  /// The bootstrap list in use (the embedded cluster's when brokers was empty).
  [[nodiscard]] std::string bootstraps() const;

  struct State;

 private:
  explicit Relay(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace ksim::services::store
