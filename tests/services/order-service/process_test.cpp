// order-service and product-service as real processes over loopback: an
// order reserves stock, out of stock is 409, an unknown product 422, a
// retried reservation does not decrement twice, product-service down is 503.
#include <signal.h>

#include "../product-service/product_process.h"

namespace ksim::services::testing {
namespace {

std::unique_ptr<ServiceProcess> start_order(const std::filesystem::path& dir, std::uint16_t& port,
                                            std::uint16_t product_port) {
  auto proc = std::make_unique<ServiceProcess>(
      std::vector<std::string>{
          KSIM_ORDER_SERVICE_BIN, "--host", "127.0.0.1", "--port", "0", "--threads", "2",
          "--data-dir", (dir / "orders").string(), "--log-level", "warn", "--request-timeout", "10",
          "--product-service-url", "http://127.0.0.1:" + std::to_string(product_port)},
      dir);
  const auto p = proc->wait_port();
  EXPECT_TRUE(p) << proc->stderr_text();
  port = p.value_or(0);
  return proc;
}

TEST(OrderProcessTest, OrdersReserveStockAtProductService) {
  TempDir dir;
  std::uint16_t product_port = 0;
  auto product = start_product(dir.path(), product_port);
  std::uint16_t order_port = 0;
  auto order = start_order(dir.path(), order_port, product_port);
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

  order->signal(SIGTERM);
  EXPECT_EQ(order->wait_exit(), 0);
}

}  // namespace
}  // namespace ksim::services::testing
