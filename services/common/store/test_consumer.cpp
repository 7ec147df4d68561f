#include "ksim/services/store/test_consumer.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <string>
#include <unordered_set>

#include "kafka_conf.h"

namespace ksim::services::store {

namespace {

using Clock = std::chrono::steady_clock;

// The topic's partition count from broker metadata, retried until `deadline`
// because a topic a producer is about to auto-create is not there yet.
Result<int> partition_count(rd_kafka_t* handle, const std::string& topic,
                            Clock::time_point deadline) {
  rd_kafka_topic_t* topic_handle = rd_kafka_topic_new(handle, topic.c_str(), nullptr);
  rd_kafka_resp_err_t last = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
  int partitions = 0;
  while (partitions == 0 && Clock::now() < deadline) {
    const rd_kafka_metadata_t* metadata = nullptr;
    last = rd_kafka_metadata(handle, 0, topic_handle, &metadata, 1000);
    if (last == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (metadata->topic_cnt == 1 && metadata->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        partitions = metadata->topics[0].partition_cnt;
      } else if (metadata->topic_cnt == 1) {
        last = metadata->topics[0].err;
      }
      rd_kafka_metadata_destroy(metadata);
    }
    if (partitions == 0) rd_kafka_poll(handle, 100);  // back off a little, serve callbacks
  }
  rd_kafka_topic_destroy(topic_handle);
  if (partitions == 0) return std::unexpected(detail::kafka_error(last, "metadata of " + topic));
  return partitions;
}

}  // namespace

Result<std::unique_ptr<TestConsumer>> TestConsumer::start(std::string_view bootstraps,
                                                          std::string_view topic,
                                                          std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto conf = detail::make_conf({{"bootstrap.servers", std::string(bootstraps)},
                                 {"group.id", "ksim-test-consumer"},
                                 {"enable.auto.commit", "false"},
                                 {"enable.partition.eof", "false"},
                                 // Tests wait on records: fetch promptly rather than in
                                 // the default half-second steps.
                                 {"fetch.wait.max.ms", "50"},
                                 {"fetch.error.backoff.ms", "50"}});
  if (!conf) return std::unexpected(conf.error());
  auto handle = detail::make_handle(RD_KAFKA_CONSUMER, std::move(*conf));
  if (!handle) return std::unexpected(handle.error());
  const std::string name(topic);
  auto partitions = partition_count(handle->get(), name, deadline);
  if (!partitions) return std::unexpected(partitions.error());
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(*partitions);
  for (int p = 0; p < *partitions; ++p) {
    rd_kafka_topic_partition_list_add(list, name.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  const auto err = rd_kafka_assign(handle->get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::unexpected(detail::kafka_error(err, "assign " + name));
  }
  return std::unique_ptr<TestConsumer>(new TestConsumer(handle->release(), name, *partitions));
}

TestConsumer::~TestConsumer() {
  rd_kafka_consumer_close(handle_);
  rd_kafka_destroy(handle_);
}

void TestConsumer::poll_once(std::chrono::milliseconds timeout) {
  rd_kafka_message_t* message = rd_kafka_consumer_poll(handle_, static_cast<int>(timeout.count()));
  if (message == nullptr) return;
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && last_error_.empty()) {
      last_error_ = rd_kafka_message_errstr(message);
    }
    rd_kafka_message_destroy(message);
    return;
  }
  ConsumedEvent event;
  if (message->key != nullptr)
    event.key.assign(static_cast<const char*>(message->key), message->key_len);
  if (message->payload != nullptr) {
    event.payload.assign(static_cast<const char*>(message->payload), message->len);
  }
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const void* value = nullptr;
    std::size_t size = 0;
    if (rd_kafka_header_get_last(headers, "event-id", &value, &size) ==
            RD_KAFKA_RESP_ERR_NO_ERROR &&
        value != nullptr) {
      event.event_id.assign(static_cast<const char*>(value), size);
    }
  }
  event.partition = message->partition;
  event.offset = message->offset;
  records_.push_back(std::move(event));
  rd_kafka_message_destroy(message);
}

const std::vector<ConsumedEvent>& TestConsumer::poll_until(std::size_t count,
                                                           std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (records_.size() < count && Clock::now() < deadline) {
    poll_once(std::chrono::milliseconds(100));
  }
  return records_;
}

const std::vector<ConsumedEvent>& TestConsumer::poll_for(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) poll_once(std::chrono::milliseconds(50));
  return records_;
}

Result<std::int64_t> TestConsumer::stored_total(std::chrono::milliseconds timeout) {
  std::int64_t total = 0;
  for (int p = 0; p < partitions_; ++p) {
    std::int64_t low = 0;
    std::int64_t high = 0;
    const auto err = rd_kafka_query_watermark_offsets(handle_, topic_.c_str(), p, &low, &high,
                                                      static_cast<int>(timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return std::unexpected(detail::kafka_error(err, "watermarks of " + topic_));
    }
    total += high - low;
  }
  return total;
}

std::vector<ConsumedEvent> drop_duplicates(const std::vector<ConsumedEvent>& records) {
  std::unordered_set<std::string> seen;
  std::vector<ConsumedEvent> unique;
  for (const auto& record : records) {
    if (seen.insert(record.event_id).second) unique.push_back(record);
  }
  return unique;
}

}  // namespace ksim::services::store
