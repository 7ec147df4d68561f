#include "ksim/services/store/mock_kafka.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <string>

#include "kafka_conf.h"

namespace ksim::services::store {

MockKafka::MockKafka(rd_kafka_t* handle, rd_kafka_mock_cluster_t* cluster, int brokers)
    : handle_(handle),
      cluster_(cluster),
      brokers_(brokers),
      bootstraps_(rd_kafka_mock_cluster_bootstraps(cluster)) {}

Result<std::unique_ptr<MockKafka>> MockKafka::start(int brokers) {
  if (brokers < 1) return store_error(fmt::format("mock kafka: {} brokers, need >= 1", brokers));
  // The cluster runs on the threads of a client handle; a producer handle
  // that never produces is the lightest host. It needs no bootstrap servers.
  auto conf = detail::make_conf({{"client.id", "ksim-mock-kafka"}, {"log_level", "3"}});
  if (!conf) return std::unexpected(conf.error());
  auto handle = detail::make_handle(RD_KAFKA_PRODUCER, std::move(*conf));
  if (!handle) return std::unexpected(handle.error());
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(handle->get(), brokers);
  if (cluster == nullptr) return store_error("mock kafka: rd_kafka_mock_cluster_new failed");
  return std::unique_ptr<MockKafka>(new MockKafka(handle->release(), cluster, brokers));
}

MockKafka::~MockKafka() {
  rd_kafka_mock_cluster_destroy(cluster_);
  rd_kafka_destroy(handle_);
}

Result<void> MockKafka::set_down(int broker_id) {
  const auto err = rd_kafka_mock_broker_set_down(cluster_, broker_id);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::unexpected(detail::kafka_error(err, fmt::format("set broker {} down", broker_id)));
  }
  return {};
}

Result<void> MockKafka::set_up(int broker_id) {
  const auto err = rd_kafka_mock_broker_set_up(cluster_, broker_id);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::unexpected(detail::kafka_error(err, fmt::format("set broker {} up", broker_id)));
  }
  return {};
}

Result<void> MockKafka::set_all_down() {
  for (int id = 1; id <= brokers_; ++id) {
    if (auto done = set_down(id); !done) return done;
  }
  return {};
}

Result<void> MockKafka::set_all_up() {
  for (int id = 1; id <= brokers_; ++id) {
    if (auto done = set_up(id); !done) return done;
  }
  return {};
}

Result<void> MockKafka::create_topic(std::string_view topic, int partitions,
                                     int replication_factor) {
  const std::string name(topic);
  const auto err =
      rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, replication_factor);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::unexpected(detail::kafka_error(err, fmt::format("create topic {}", name)));
  }
  return {};
}

}  // namespace ksim::services::store
