// librdkafka's built-in mock cluster hosted in this process: real Kafka
// protocol on loopback sockets, nothing to install. The relay's embedded
// default broker, the tests' broker, and (through the ksim-mock-kafka binary)
// a broker several service processes can share.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ksim/services/store/error.h"

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace ksim::services::store {

/// RAII owner of a mock cluster: created by start(), torn down (sockets
/// closed) by the destructor. Broker ids run from 1 to broker_count().
/// Methods may be called from any thread.
class MockKafka {
 public:
  /// Starts a cluster of `brokers` (>= 1) brokers on 127.0.0.1 ephemeral ports.
  static Result<std::unique_ptr<MockKafka>> start(int brokers = 1);
  ~MockKafka();
  MockKafka(const MockKafka&) = delete;
  MockKafka& operator=(const MockKafka&) = delete;

  /// The bootstrap list ("127.0.0.1:port,...") for bootstrap.servers.
  [[nodiscard]] const std::string& bootstraps() const { return bootstraps_; }
  [[nodiscard]] int broker_count() const { return brokers_; }

  /// Disconnects the broker and refuses new connections (no leader change),
  /// as if its host were unreachable.
  Result<void> set_down(int broker_id);
  /// Lets the broker accept connections again.
  Result<void> set_up(int broker_id);
  /// set_down / set_up on every broker.
  Result<void> set_all_down();
  Result<void> set_all_up();
  /// Creates a topic (topics are otherwise auto-created on first use with
  /// the mock's default partition count).
  Result<void> create_topic(std::string_view topic, int partitions, int replication_factor = 1);

 private:
  MockKafka(rd_kafka_s* handle, rd_kafka_mock_cluster_s* cluster, int brokers);

  rd_kafka_s* handle_;
  rd_kafka_mock_cluster_s* cluster_;
  int brokers_;
  std::string bootstraps_;
};

}  // namespace ksim::services::store
