// A Kafka consumer for tests (here and in the services' tests): reads every
// partition of one topic from the beginning and collects the records with
// their `event-id` header.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ksim/services/store/error.h"

struct rd_kafka_s;

namespace ksim::services::store {

/// One consumed record.
struct ConsumedEvent {
  std::string key;
  std::string event_id;  // the `event-id` header ("" if absent)
  std::string payload;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

/// Consumes one topic from the beginning (manual assignment of every
/// partition, no consumer group, nothing committed). Not thread-safe.
class TestConsumer {
 public:
  /// Connects and assigns all partitions of `topic`, waiting up to `timeout`
  /// for the topic to exist (create it first, or let a producer auto-create it).
  static Result<std::unique_ptr<TestConsumer>> start(
      std::string_view bootstraps, std::string_view topic,
      std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~TestConsumer();
  TestConsumer(const TestConsumer&) = delete;
  TestConsumer& operator=(const TestConsumer&) = delete;

  /// Polls until at least `count` records have been collected in total or
  /// `timeout` has passed; returns everything collected so far (in arrival
  /// order, which is offset order within a partition).
  const std::vector<ConsumedEvent>& poll_until(std::size_t count,
                                               std::chrono::milliseconds timeout);
  /// Polls for up to `timeout` and returns everything collected so far.
  const std::vector<ConsumedEvent>& poll_for(std::chrono::milliseconds timeout);
  [[nodiscard]] const std::vector<ConsumedEvent>& records() const { return records_; }
  /// Messages the brokers hold for the topic: the sum over partitions of
  /// high watermark - low watermark (the same whether or not they were
  /// consumed). Counts exactly what was stored, duplicates included.
  Result<std::int64_t> stored_total(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// The first consume error seen ("" if none); end-of-partition is not one.
  [[nodiscard]] const std::string& last_error() const { return last_error_; }

 private:
  TestConsumer(rd_kafka_s* handle, std::string topic, int partitions)
      : handle_(handle), topic_(std::move(topic)), partitions_(partitions) {}
  void poll_once(std::chrono::milliseconds timeout);

  rd_kafka_s* handle_;
  std::string topic_;
  int partitions_;
  std::vector<ConsumedEvent> records_;
  std::string last_error_;
};

/// `records` without later repeats of an event_id (what an idempotent
/// consumer processes), order kept.
std::vector<ConsumedEvent> drop_duplicates(const std::vector<ConsumedEvent>& records);

}  // namespace ksim::services::store
