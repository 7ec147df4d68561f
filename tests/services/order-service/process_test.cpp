// order-service and product-service as real processes over loopback: an
// order reserves stock, out of stock is 409, an unknown product 422, a
// retried reservation does not decrement twice, product-service down is 503.
#include <signal.h>

#include "../product-service/product_process.h"
#include "ksim/services/store/db.h"
#include "ksim/services/store/mock_kafka.h"
#include "ksim/services/store/test_consumer.h"

namespace ksim::services::testing {
namespace {

std::unique_ptr<ServiceProcess> start_order(const std::filesystem::path& dir, std::uint16_t& port,
                                            std::uint16_t product_port,
                                            std::vector<std::string> extra = {}) {
  std::vector<std::string> args{KSIM_ORDER_SERVICE_BIN,
                                "--host",
                                "127.0.0.1",
                                "--port",
                                "0",
                                "--threads",
                                "2",
                                "--data-dir",
                                (dir / "orders").string(),
                                "--log-level",
                                "warn",
                                "--request-timeout",
                                "10",
                                "--product-service-url",
                                "http://127.0.0.1:" + std::to_string(product_port)};
  args.insert(args.end(), extra.begin(), extra.end());
  auto proc = std::make_unique<ServiceProcess>(std::move(args), dir);
  const auto p = proc->wait_port();
  EXPECT_TRUE(p) << proc->stderr_text();
  port = p.value_or(0);
  return proc;
}

// order-events holds exactly one record: order-created of `order`.
void expect_only_event(const std::string& bootstraps, const std::string& id,
                       const nlohmann::json& order) {
  auto consumer = store::TestConsumer::start(bootstraps, "order-events");
  ASSERT_TRUE(consumer) << consumer.error().message;
  const auto& records = (*consumer)->poll_until(1, kPatience);
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].key, id);
  EXPECT_FALSE(records[0].event_id.empty());
  const auto payload = nlohmann::json::parse(records[0].payload);
  EXPECT_EQ(payload["type"], "order-created");
  EXPECT_EQ(payload["data"], order);
  EXPECT_EQ((*consumer)->stored_total().value_or(-1), 1);
}

TEST(OrderProcessTest, OrdersReserveStockAtProductService) {
  auto kafka = store::MockKafka::start(1);
  ASSERT_TRUE(kafka) << kafka.error().message;
  TempDir dir;
  std::uint16_t product_port = 0;
  auto product = start_product(dir.path(), product_port);
  std::uint16_t order_port = 0;
  auto order = start_order(dir.path(), order_port, product_port,
                           {"--kafka-brokers", (*kafka)->bootstraps()});
  http::HttpClient client(patient_client());
  ASSERT_EQ(post(client, product_port, "/api/v1/products",
                 {{"id", "p-1001"}, {"name", "Kettle"}, {"price", 20}, {"stock", 5}})
                .status,
            201);

  const Reply created = post(client, order_port, "/api/v1/orders",
                             {{"productId", "p-1001"}, {"quantity", 2}, {"customerId", "c-1"}});
  ASSERT_EQ(created.status, 201) << created.body.dump() << created.error;
  EXPECT_EQ(created.body["totalPrice"], 40.0);
  EXPECT_EQ(get(client, product_port, "/api/v1/products/p-1001").body["stock"], 3);
  const std::string id = created.body["id"];
  EXPECT_EQ(get(client, order_port, "/api/v1/orders/" + id).body, created.body);

  // The same reservation again (as a retry after a crash would send it).
  const Reply retry = post(client, product_port, "/api/v1/products/p-1001/reserve",
                           {{"quantity", 2}, {"reservationId", id}});
  EXPECT_EQ(retry.status, 200);
  EXPECT_EQ(get(client, product_port, "/api/v1/products/p-1001").body["stock"], 3);

  const Reply short_stock = post(client, order_port, "/api/v1/orders",
                                 {{"productId", "p-1001"}, {"quantity", 4}, {"customerId", "c"}});
  EXPECT_EQ(short_stock.status, 409) << short_stock.body.dump();
  EXPECT_EQ(short_stock.body["error"], "out_of_stock");
  const Reply unknown = post(client, order_port, "/api/v1/orders",
                             {{"productId", "p-nope"}, {"quantity", 1}, {"customerId", "c"}});
  EXPECT_EQ(unknown.status, 422) << unknown.body.dump();
  EXPECT_EQ(get(client, order_port, "/api/v1/orders").body["total"], 1);
  EXPECT_EQ(get(client, product_port, "/api/v1/products/p-1001").body["stock"], 3);

  product->signal(SIGKILL);
  ASSERT_TRUE(product->wait_exit());
  const Reply down = post(client, order_port, "/api/v1/orders",
                          {{"productId", "p-1001"}, {"quantity", 1}, {"customerId", "c"}});
  EXPECT_EQ(down.status, 503) << down.body.dump();
  EXPECT_EQ(down.body["error"], "product_service_unavailable");
  EXPECT_EQ(get(client, order_port, "/api/v1/orders").body["total"], 1);
  EXPECT_EQ(get(client, order_port, "/api/v1/health").status, 200);

  // Delivered before the drain, so the stop's bounded flush is not what
  // the check below depends on.
  EXPECT_TRUE(wait_until([&] {
    const auto m = client.get("127.0.0.1", order_port, "/metrics");
    return m && m->body().find("\noutbox_backlog 0\n") != std::string::npos;
  }));
  order->signal(SIGTERM);
  EXPECT_EQ(order->wait_exit(), 0);

  // The one order created, and nothing for the refused ones.
  expect_only_event((*kafka)->bootstraps(), id, created.body);
}

TEST(OrderProcessTest, RestartCompletesAnOrderACrashLeftPending) {
  TempDir dir;
  std::uint16_t product_port = 0;
  auto product = start_product(dir.path(), product_port);
  http::HttpClient client(patient_client());
  ASSERT_EQ(post(client, product_port, "/api/v1/products",
                 {{"id", "p-7"}, {"name", "Pan"}, {"price", 3}, {"stock", 10}})
                .status,
            201);
  std::uint16_t order_port = 0;
  auto order = start_order(dir.path(), order_port, product_port);
  // The state a kill -9 between the reservation and the commit leaves: a
  // pending order whose stock is already reserved under its id.
  order->signal(SIGTERM);
  ASSERT_EQ(order->wait_exit(), 0);
  {
    auto db = store::Db::open(dir.path() / "orders" / "shop-orders.db");
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec(
        "INSERT INTO orders(id, product_id, quantity, customer_id, status, unit_price,"
        " total_price, currency, created_us, body) VALUES('o-42', 'p-7', 4, 'c', 'pending', 0, 0,"
        " 'USD', 0, '{}')"));
  }
  ASSERT_EQ(post(client, product_port, "/api/v1/products/p-7/reserve",
                 {{"quantity", 4}, {"reservationId", "o-42"}})
                .status,
            200);
  order = start_order(dir.path(), order_port, product_port);
  EXPECT_TRUE(wait_until(
      [&] { return get(client, order_port, "/api/v1/orders/o-42").body["status"] == "created"; }));
  const Reply done = get(client, order_port, "/api/v1/orders/o-42");
  EXPECT_EQ(done.body["totalPrice"], 12.0);
  EXPECT_EQ(get(client, product_port, "/api/v1/products/p-7").body["stock"], 6);  // once
}

TEST(OrderProcessTest, HelpAndBadFlags) {
  TempDir dir;
  ServiceProcess help({KSIM_ORDER_SERVICE_BIN, "--help"}, dir.path());
  EXPECT_EQ(help.wait_exit(), 0);
  ServiceProcess bad({KSIM_ORDER_SERVICE_BIN, "--product-service-url", "ftp://x"}, dir.path());
  EXPECT_EQ(bad.wait_exit(), 2);
  EXPECT_NE(bad.stderr_text().find("--product-service-url"), std::string::npos);
  ServiceProcess bad_product({KSIM_PRODUCT_SERVICE_BIN, "--limit-nothing"}, dir.path());
  EXPECT_EQ(bad_product.wait_exit(), 2);
  EXPECT_NE(bad_product.stderr_text().find("--limit-nothing"), std::string::npos);
}

}  // namespace
}  // namespace ksim::services::testing
