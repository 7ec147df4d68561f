// order-service handlers without sockets: a Router over an OrderStore on a
// temporary file and a fake ProductClient.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "../product-service/service_process.h"
#include "ksim/services/store/db.h"
#include "order_handlers.h"

namespace ksim::services::order {
namespace {

using http::Status;
using http::Verb;
using nlohmann::json;

// Products with stock, reservations idempotent per id, like product-service.
class FakeProducts final : public ProductClient {
 public:
  std::map<std::string, std::int64_t> stock;
  std::map<std::string, std::int64_t> reserved;  // reservation id -> quantity
  bool down = false;
  int calls = 0;

  std::expected<ReserveOk, ReserveError> reserve(std::string_view product_id, std::int64_t quantity,
                                                 std::string_view reservation_id) override {
    ++calls;
    if (down) return std::unexpected(ReserveError{ReserveErrc::kUnavailable, "refused"});
    const auto it = stock.find(std::string(product_id));
    if (it == stock.end()) return std::unexpected(ReserveError{ReserveErrc::kUnknownProduct, "?"});
    if (!reserved.contains(std::string(reservation_id))) {
      if (it->second < quantity) {
        return std::unexpected(ReserveError{ReserveErrc::kOutOfStock, "short"});
      }
      it->second -= quantity;
      reserved[std::string(reservation_id)] = quantity;
    }
    return ReserveOk{2.5, "EUR", it->second};
  }
};

class OrderHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OrderStore::open(dir_.path() / "o.db", store::Outbox());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    products_.stock = {{"p-1", 10}};
    handlers_ = std::make_unique<OrderHandlers>(*store_, products_, nullptr);
    handlers_->add_routes(router_);
  }
  http::Response call(Verb method, std::string target, std::string body = "") {
    http::BeastRequest req{method, target, 11};
    if (method == Verb::post) {
      req.set(http::Field::content_type, "application/json");
      req.body() = std::move(body);
      req.prepare_payload();
    }
    return router_.dispatch(req);
  }
  json call_json(Verb method, std::string target, std::string body, Status expected) {
    const auto res = call(method, std::move(target), std::move(body));
    EXPECT_EQ(res.result(), expected) << res.body();
    return json::parse(res.body(), nullptr, false);
  }
  std::int64_t outbox_rows() {
    auto db = store::Db::open(dir_.path() / "o.db");
    return db->query_int64("SELECT COUNT(*) FROM outbox WHERE topic = 'order-events'").value();
  }

  services::testing::TempDir dir_;
  std::unique_ptr<OrderStore> store_;
  FakeProducts products_;
  std::unique_ptr<OrderHandlers> handlers_;
  http::Router router_;
};

TEST_F(OrderHandlersTest, CreateReservesStoresAndEmits) {
  const auto res =
      call(Verb::post, "/api/v1/orders", R"({"productId":"p-1","quantity":4,"customerId":"c"})");
  ASSERT_EQ(res.result(), Status::created) << res.body();
  const json order = json::parse(res.body());
  EXPECT_EQ(order["id"], "o-1");
  EXPECT_EQ(order["status"], "created");
  EXPECT_EQ(order["totalPrice"], 10.0);
  EXPECT_EQ(order["currency"], "EUR");
  EXPECT_EQ(res[http::Field::location], "/api/v1/orders/o-1");
  EXPECT_EQ(products_.stock["p-1"], 6);
  EXPECT_EQ(products_.reserved.count("o-1"), 1U);  // reservationId = order id
  EXPECT_EQ(call_json(Verb::get, "/api/v1/orders/o-1", "", Status::ok), order);
  EXPECT_EQ(outbox_rows(), 1);
  const json page = call_json(Verb::get, "/api/v1/orders?limit=1", "", Status::ok);
  EXPECT_EQ(page["total"], 1);
  EXPECT_TRUE(page["next"].is_null());
}

TEST_F(OrderHandlersTest, ProductFailuresMapToStatusesAndStoreNothing) {
  const json unknown = call_json(Verb::post, "/api/v1/orders",
                                 R"({"productId":"p-x","quantity":1,"customerId":"c"})",
                                 Status::unprocessable_entity);
  EXPECT_EQ(unknown["error"], "unknown_product");
  const json short_stock =
      call_json(Verb::post, "/api/v1/orders",
                R"({"productId":"p-1","quantity":11,"customerId":"c"})", Status::conflict);
  EXPECT_EQ(short_stock["error"], "out_of_stock");
  products_.down = true;
  const json down = call_json(Verb::post, "/api/v1/orders",
                              R"({"productId":"p-1","quantity":1,"customerId":"c"})",
                              Status::service_unavailable);
  EXPECT_EQ(down["error"], "product_service_unavailable");
  EXPECT_EQ(call_json(Verb::get, "/api/v1/orders", "", Status::ok)["total"], 0);
  EXPECT_EQ(outbox_rows(), 0);
  EXPECT_EQ(products_.stock["p-1"], 10);
}

TEST_F(OrderHandlersTest, BadInputIs4xxWithoutCallingProducts) {
  for (const char* body :
       {R"({"productId":"p-1","quantity":0,"customerId":"c"})",
        R"({"productId":"p-1","quantity":"1","customerId":"c"})",
        R"({"productId":1,"quantity":1,"customerId":"c"})", R"({"productId":"p-1","quantity":1})",
        R"({"productId":"p-1","quantity":1,"customerId":"c","x":1})", "{bad json", "[]"}) {
    const json err = call_json(Verb::post, "/api/v1/orders", body, Status::bad_request);
    EXPECT_TRUE(err["error"].is_string()) << body;
  }
  EXPECT_EQ(call_json(Verb::get, "/api/v1/orders/o-404", "", Status::not_found)["error"],
            "not_found");
  EXPECT_EQ(call(Verb::delete_, "/api/v1/orders/o-1").result(), Status::method_not_allowed);
  EXPECT_EQ(products_.calls, 0);
}

TEST_F(OrderHandlersTest, RecoveryRepeatsTheSameReservationAndCompletes) {
  // A crash after the reservation: the pending row exists, stock is taken.
  const auto pending = store_->insert_pending({"p-1", 3, "c"});
  ASSERT_TRUE(pending);
  ASSERT_TRUE(products_.reserve("p-1", 3, pending->id));
  const auto orphan = store_->insert_pending({"p-missing", 1, "c"});
  ASSERT_TRUE(orphan);
  EXPECT_EQ(handlers_->recover_pending(store_->pending().value()), 2);
  EXPECT_EQ(products_.stock["p-1"], 7);  // not decremented twice
  EXPECT_EQ(call_json(Verb::get, "/api/v1/orders/" + pending->id, "", Status::ok)["status"],
            "created");
  EXPECT_EQ(call(Verb::get, "/api/v1/orders/" + orphan->id).result(), Status::not_found);
  EXPECT_EQ(outbox_rows(), 1);
}

TEST_F(OrderHandlersTest, QuoteIsDeterministicAndBounded) {
  const json a = call_json(Verb::get, "/api/v1/orders/quote?quantity=200&unitPrice=2&samples=20000",
                           "", Status::ok);
  const json b = call_json(Verb::get, "/api/v1/orders/quote?quantity=200&unitPrice=2&samples=20000",
                           "", Status::ok);
  EXPECT_EQ(a, b);
  EXPECT_DOUBLE_EQ(a["total"].get<double>(), 380.0);  // 5 % off 400
  EXPECT_LE(a["deliveryDaysP50"].get<double>(), a["deliveryDaysP95"].get<double>());
  for (const char* bad : {"samples=0", "samples=10000001", "quantity=0", "unitPrice=-1"}) {
    call_json(Verb::get, std::string("/api/v1/orders/quote?") + bad, "", Status::bad_request);
  }
}

}  // namespace
}  // namespace ksim::services::order
