#include "ksim/services/store/relay.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "event_checks.h"
#include "ksim/services/store/mock_kafka.h"
#include "ksim/services/store/outbox.h"
#include "ksim/services/store/test_consumer.h"
#include "temp_dir.h"

namespace ksim::services::store {
namespace {

using testing::consume_unique;
using testing::expect_order_per_key;
using testing::TempDir;
using testing::wait_until;

constexpr const char* kTopic = "orders";

// A service's side of the outbox: a database and an appender that wakes the relay.
class Writer {
 public:
  explicit Writer(const std::filesystem::path& path) : db_(Db::open(path).value()) {
    EXPECT_TRUE(Outbox::install(db_).has_value());
  }
  void wake(Relay* relay) { relay_ = relay; }

  // Appends `count` events, one transaction each, keys cycling over `keys`;
  // records the expected order per key.
  void append(int count, int keys = 5) {
    const Outbox outbox([this] {
      if (relay_ != nullptr) relay_->notify();
    });
    for (int i = 0; i < count; ++i) {
      auto tx = db_.begin();
      ASSERT_TRUE(tx.has_value()) << tx.error().message;
      const std::string key = "order-" + std::to_string(appended_ % keys);
      auto id = outbox.append(*tx, kTopic, key, "{\"n\":" + std::to_string(appended_) + "}");
      ASSERT_TRUE(id.has_value()) << id.error().message;
      ASSERT_TRUE(tx->commit().has_value());
      expected_[key].push_back(*id);
      ids_.insert(*id);
      ++appended_;
    }
  }
  [[nodiscard]] const std::map<std::string, std::vector<std::string>>& expected() const {
    return expected_;
  }
  [[nodiscard]] const std::set<std::string>& ids() const { return ids_; }
  [[nodiscard]] std::size_t count() const { return static_cast<std::size_t>(appended_); }

 private:
  Db db_;
  Relay* relay_ = nullptr;
  int appended_ = 0;
  std::map<std::string, std::vector<std::string>> expected_;
  std::set<std::string> ids_;
};

std::unique_ptr<MockKafka> start_mock(int brokers, int partitions) {
  auto mock = MockKafka::start(brokers);
  EXPECT_TRUE(mock.has_value()) << mock.error().message;
  EXPECT_TRUE((*mock)->create_topic(kTopic, partitions).has_value());
  return std::move(*mock);
}

std::unique_ptr<Relay> start_relay(const std::filesystem::path& path, const std::string& brokers,
                                   EventSinkConfig config = {}) {
  config.brokers = brokers;
  config.flush_timeout = std::chrono::milliseconds(500);
  auto relay = Relay::start(path, config);
  EXPECT_TRUE(relay.has_value()) << relay.error().message;
  return std::move(*relay);
}

bool backlog_is(const Relay& relay, std::int64_t expected) {
  auto backlog = relay.backlog();
  return backlog.has_value() && *backlog == expected;
}

// Exactly `writer.count()` messages stored, each event id once, in order per key.
void expect_exactly_once_in_order(TestConsumer& consumer, const Writer& writer) {
  const auto& records = consumer.poll_until(writer.count(), testing::kPatience);
  ASSERT_EQ(records.size(), writer.count());
  EXPECT_EQ(consumer.stored_total().value(), static_cast<std::int64_t>(writer.count()));
  std::set<std::string> received;
  for (const auto& record : records) EXPECT_TRUE(received.insert(record.event_id).second);
  EXPECT_EQ(received, writer.ids());
  expect_order_per_key(records, writer.expected());
  // Stronger than per key: each partition holds its events in outbox order
  // (payload {"n":N} counts appends).
  std::map<std::int32_t, int> last_n;
  for (const auto& record : records) {
    const int n = std::stoi(record.payload.substr(5));
    auto [previous, first] = last_n.try_emplace(record.partition, n);
    if (!first) {
      EXPECT_LT(previous->second, n) << "partition " << record.partition;
    }
    previous->second = n;
  }
}

TEST(StoreRelay, PublishesEveryRowInOrderPerKeyExactlyOnce) {
  TempDir dir;
  auto mock = start_mock(1, 3);
  Writer writer(dir.file("a.db"));
  writer.append(150);  // a backlog from before the relay started...
  auto relay = start_relay(dir.file("a.db"), mock->bootstraps());
  writer.wake(relay.get());
  writer.append(150);  // ...and rows committed while it runs
  auto consumer = TestConsumer::start(mock->bootstraps(), kTopic);
  ASSERT_TRUE(consumer.has_value()) << consumer.error().message;
  ASSERT_TRUE(wait_until([&] { return backlog_is(*relay, 0); })) << relay->last_error();
  EXPECT_EQ(relay->published_total(), 300u);
  expect_exactly_once_in_order(**consumer, writer);
  EXPECT_EQ((*consumer)->records().front().payload.substr(0, 5), "{\"n\":");
}

TEST(StoreRelay, EmbeddedMockClusterIsTheDefault) {
  TempDir dir;
  Writer writer(dir.file("a.db"));
  auto relay = start_relay(dir.file("a.db"), "");
  ASSERT_FALSE(relay->bootstraps().empty());
  writer.wake(relay.get());
  writer.append(20);
  ASSERT_TRUE(wait_until([&] { return backlog_is(*relay, 0); })) << relay->last_error();
  auto consumer = TestConsumer::start(relay->bootstraps(), kTopic);  // auto-created topic
  ASSERT_TRUE(consumer.has_value()) << consumer.error().message;
  expect_exactly_once_in_order(**consumer, writer);
}

TEST(StoreRelay, KafkaDownThenUpDeliversEverythingInOrderWithoutDuplicates) {
  TempDir dir;
  auto mock = start_mock(2, 4);
  Writer writer(dir.file("a.db"));
  auto relay = start_relay(dir.file("a.db"), mock->bootstraps());
  writer.wake(relay.get());
  writer.append(20);
  ASSERT_TRUE(wait_until([&] { return backlog_is(*relay, 0); })) << relay->last_error();
  const auto errors_before = relay->errors_total();

  ASSERT_TRUE(mock->set_all_down().has_value());
  writer.append(100);
  // The relay has tried and failed: the broker outage is reported...
  ASSERT_TRUE(wait_until([&] { return relay->errors_total() > errors_before; }));
  EXPECT_FALSE(relay->last_error().empty());
  // ...and the events it could not deliver are still in the outbox.
  EXPECT_TRUE(backlog_is(*relay, 100)) << relay->backlog().value_or(-1);
  EXPECT_EQ(relay->published_total(), 20u);

  ASSERT_TRUE(mock->set_all_up().has_value());
  ASSERT_TRUE(wait_until([&] { return backlog_is(*relay, 0); })) << relay->last_error();
  EXPECT_EQ(relay->published_total(), 120u);
  auto consumer = TestConsumer::start(mock->bootstraps(), kTopic);
  ASSERT_TRUE(consumer.has_value()) << consumer.error().message;
  expect_exactly_once_in_order(**consumer, writer);
}

TEST(StoreRelay, StopLeavesUndeliveredRowsForTheNextRelay) {
  TempDir dir;
  auto mock = start_mock(1, 2);
  Writer writer(dir.file("a.db"));
  ASSERT_TRUE(mock->set_all_down().has_value());
  std::mutex log_mutex;
  std::vector<std::string> log;  // librdkafka's lines, routed by EventSinkConfig::log
  {
    EventSinkConfig config;
    config.log = [&](int /*level*/, std::string_view facility, std::string_view message) {
      const std::lock_guard lock(log_mutex);
      log.push_back(std::string(facility) + ": " + std::string(message));
    };
    auto relay = start_relay(dir.file("a.db"), mock->bootstraps(), config);
    writer.wake(relay.get());
    writer.append(30);
    ASSERT_TRUE(wait_until([&] { return relay->errors_total() > 0; }));
    EXPECT_FALSE(relay->last_error().empty());
    ASSERT_TRUE(wait_until([&] {
      const std::lock_guard lock(log_mutex);
      return !log.empty();
    }));
    relay->stop();  // bounded by flush_timeout although nothing can be delivered
    EXPECT_TRUE(backlog_is(*relay, 30));
    EXPECT_EQ(relay->published_total(), 0u);
    writer.wake(nullptr);
  }
  ASSERT_TRUE(mock->set_all_up().has_value());
  auto relay = start_relay(dir.file("a.db"), mock->bootstraps());
  ASSERT_TRUE(wait_until([&] { return backlog_is(*relay, 0); })) << relay->last_error();
  auto consumer = TestConsumer::start(mock->bootstraps(), kTopic);
  ASSERT_TRUE(consumer.has_value()) << consumer.error().message;
  // The first relay never reached the broker, so nothing is duplicated.
  expect_exactly_once_in_order(**consumer, writer);
}

TEST(StoreRelay, RecoversFromAFatalProducerErrorWithoutLosingEvents) {
  TempDir dir;
  auto mock = start_mock(1, 2);
  Writer writer(dir.file("a.db"));
  auto relay = start_relay(dir.file("a.db"), mock->bootstraps());
  writer.wake(relay.get());
  writer.append(20);
  ASSERT_TRUE(wait_until([&] { return backlog_is(*relay, 0); })) << relay->last_error();
  relay->inject_fatal_error_for_testing();
  ASSERT_TRUE(wait_until([&] {
    return relay->last_error().find("producer replaced") != std::string::npos;
  })) << relay->last_error();
  writer.append(20);
  ASSERT_TRUE(wait_until([&] { return backlog_is(*relay, 0); })) << relay->last_error();
  auto consumer = TestConsumer::start(mock->bootstraps(), kTopic);
  ASSERT_TRUE(consumer.has_value()) << consumer.error().message;
  // Nothing was in flight at the fatal error, so nothing is repeated either.
  expect_exactly_once_in_order(**consumer, writer);
}

TEST(StoreRelay, BadConfigurationIsAnErrorNotACrash) {
  TempDir dir;
  EventSinkConfig config;
  config.kafka_properties["no.such.property"] = "1";
  auto relay = Relay::start(dir.file("a.db"), config);
  ASSERT_FALSE(relay.has_value());
  EXPECT_NE(relay.error().message.find("no.such.property"), std::string::npos)
      << relay.error().message;
  EXPECT_FALSE(Relay::start(dir.file("missing/a.db"), EventSinkConfig{}).has_value());
  EventSinkConfig backwards;
  backwards.backoff_max = std::chrono::milliseconds(1);
  auto refused = Relay::start(dir.file("a.db"), backwards);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("backoff_max"), std::string::npos);
  EventSinkConfig spinning;
  spinning.poll_interval = std::chrono::milliseconds(0);
  EXPECT_FALSE(Relay::start(dir.file("a.db"), spinning).has_value());
  EXPECT_FALSE(MockKafka::start(0).has_value());
}

}  // namespace
}  // namespace ksim::services::store
