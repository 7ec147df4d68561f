// Kafka down then up: product-service publishing to a mock cluster owned by
// the test. Changes made while the brokers are down are all answered 2xx;
// once the brokers are back a consumer sees every event exactly once, in
// order per key, each with its own event id.
#include <map>

#include "ksim/services/store/mock_kafka.h"
#include "ksim/services/store/test_consumer.h"
#include "product_process.h"

namespace ksim::services::testing {
namespace {

using http::Verb;
using nlohmann::json;

double metric(http::HttpClient& client, std::uint16_t port, std::string_view name) {
  const auto res = client.get("127.0.0.1", port, "/metrics");
  if (!res) return -1;
  const std::string& text = res->body();
  const auto at = text.find("\n" + std::string(name) + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size() + 2));
}

TEST(ProductKafkaTest, EventsMadeWhileBrokersAreDownArriveOnceInOrderPerKey) {
  auto kafka = store::MockKafka::start(1);
  ASSERT_TRUE(kafka) << kafka.error().message;
  ASSERT_TRUE((*kafka)->create_topic("product-events", 3));
  TempDir dir;
  std::uint16_t port = 0;
  auto proc = start_product(dir.path(), port, {"--kafka-brokers", (*kafka)->bootstraps()});
  http::HttpClient client(patient_client());
  ASSERT_TRUE((*kafka)->set_all_down());

  std::map<std::string, std::vector<std::string>> expected;  // key -> event types
  const auto expect_2xx = [&](const Reply& r, const std::string& key, const std::string& type) {
    EXPECT_GE(r.status, 200) << r.error;
    EXPECT_LT(r.status, 300) << r.body.dump();
    expected[key].push_back(type);
  };
  for (int i = 0; i < 6; ++i) {
    const std::string id = "k-" + std::to_string(i);
    expect_2xx(post(client, port, "/api/v1/products",
                    {{"id", id}, {"name", id}, {"price", 2}, {"stock", 10}}),
               id, "product-created");
  }
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 6; ++i) {
      const std::string id = "k-" + std::to_string(i);
      const json body{{"name", id + " v" + std::to_string(round)}, {"price", 3}, {"stock", 10}};
      expect_2xx(call(client, port, Verb::put, "/api/v1/products/" + id, &body), id,
                 "product-updated");
      expect_2xx(post(client, port, "/api/v1/products/" + id + "/reserve", {{"quantity", 1}}), id,
                 "stock-reserved");
    }
  }
  expect_2xx(call(client, port, Verb::delete_, "/api/v1/products/k-0"), "k-0", "product-deleted");
  std::size_t total = 0;
  for (const auto& [key, types] : expected) total += types.size();
  EXPECT_GT(metric(client, port, "outbox_backlog"), 0);

  ASSERT_TRUE((*kafka)->set_all_up());
  ASSERT_TRUE(wait_until([&] { return metric(client, port, "outbox_backlog") == 0; }))
      << proc->stderr_text();
  auto consumer = store::TestConsumer::start((*kafka)->bootstraps(), "product-events");
  ASSERT_TRUE(consumer) << consumer.error().message;
  const auto& records = (*consumer)->poll_until(total, kPatience);
  ASSERT_EQ(records.size(), total) << (*consumer)->last_error();
  EXPECT_EQ((*consumer)->stored_total().value_or(-1), static_cast<std::int64_t>(total));
  EXPECT_EQ(store::drop_duplicates(records).size(), total);  // every event id unique
  std::map<std::string, std::vector<std::string>> seen;
  for (const auto& r : records) {
    EXPECT_FALSE(r.event_id.empty());
    const json payload = json::parse(r.payload);
    EXPECT_EQ(payload["key"], r.key);
    seen[r.key].push_back(payload["type"]);
  }
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace ksim::services::testing
