// product-service handlers without sockets: a Router over a ProductStore on
// a temporary SQLite file, called with Beast requests.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "ksim/services/store/db.h"
#include "product_handlers.h"
#include "service_process.h"

namespace ksim::services::product {
namespace {

using http::Status;
using http::Verb;
using nlohmann::json;

class ProductHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = ProductStore::open(dir_.path() / "p.db", store::Outbox());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    handlers_ = std::make_unique<ProductHandlers>(*store_, nullptr);
    handlers_->add_routes(router_);
  }

  http::Response call(Verb method, std::string target, std::string body = "",
                      std::string content_type = "application/json") {
    http::BeastRequest req{method, target, 11};
    if (!body.empty() || method == Verb::post || method == Verb::put) {
      req.set(http::Field::content_type, content_type);
      req.body() = std::move(body);
      req.prepare_payload();
    }
    return router_.dispatch(req);
  }
  json call_json(Verb method, std::string target, std::string body, Status expected) {
    const auto res = call(method, std::move(target), std::move(body));
    EXPECT_EQ(res.result(), expected) << res.body();
    return res.body().empty() ? json() : json::parse(res.body());
  }
  // (type, key) of every outbox row, in seq order.
  std::vector<std::pair<std::string, std::string>> events() {
    auto db = store::Db::open(dir_.path() / "p.db");
    auto s = db->prepare("SELECT payload, key FROM outbox ORDER BY seq");
    std::vector<std::pair<std::string, std::string>> out;
    while (*s->step()) {
      out.emplace_back(json::parse(s->text(0))["type"], std::string(s->text(1)));
    }
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<ProductStore> store_;
  std::unique_ptr<ProductHandlers> handlers_;
  http::Router router_;
};

TEST_F(ProductHandlersTest, CrudRoundTripWithEventsInTheSameTransactions) {
  const auto res = call(Verb::post, "/api/v1/products",
                        R"({"name":"Lamp","price":12.5,"stock":3,"category":"home"})");
  ASSERT_EQ(res.result(), Status::created) << res.body();
  const json created = json::parse(res.body());
  EXPECT_EQ(created["id"], "p-1");
  EXPECT_EQ(res[http::Field::location], "/api/v1/products/p-1");
  EXPECT_EQ(created["currency"], "USD");

  const json got = call_json(Verb::get, "/api/v1/products/p-1", "", Status::ok);
  EXPECT_EQ(got, created);

  const json updated = call_json(Verb::put, "/api/v1/products/p-1",
                                 R"({"name":"Lamp 2","price":13,"stock":4})", Status::ok);
  EXPECT_EQ(updated["name"], "Lamp 2");
  EXPECT_EQ(updated["stock"], 4);
  EXPECT_EQ(updated["createdAt"], created["createdAt"]);

  EXPECT_EQ(call(Verb::delete_, "/api/v1/products/p-1").result(), Status::no_content);
  EXPECT_EQ(call(Verb::get, "/api/v1/products/p-1").result(), Status::not_found);
  EXPECT_EQ(call(Verb::delete_, "/api/v1/products/p-1").result(), Status::not_found);
  using E = std::pair<std::string, std::string>;
  EXPECT_EQ(events(), (std::vector<E>{{"product-created", "p-1"},
                                      {"product-updated", "p-1"},
                                      {"product-deleted", "p-1"}}));
}

TEST_F(ProductHandlersTest, ExplicitIdsConflictAndGeneratedIdsSkipThem) {
  call_json(Verb::post, "/api/v1/products", R"({"id":"p-1","name":"A","price":1})",
            Status::created);
  const json dup = call_json(Verb::post, "/api/v1/products", R"({"id":"p-1","name":"B","price":1})",
                             Status::conflict);
  EXPECT_EQ(dup["error"], "conflict");
  const json gen =
      call_json(Verb::post, "/api/v1/products", R"({"name":"C","price":1})", Status::created);
  EXPECT_EQ(gen["id"], "p-2");
}

TEST_F(ProductHandlersTest, PagesCarryTotalAndNext) {
  for (int i = 0; i < 25; ++i) {
    call_json(Verb::post, "/api/v1/products",
              R"({"name":"n)" + std::to_string(i) + R"(","price":1})", Status::created);
  }
  const json first = call_json(Verb::get, "/api/v1/products", "", Status::ok);
  EXPECT_EQ(first["items"].size(), 20U);
  EXPECT_EQ(first["total"], 25);
  EXPECT_EQ(first["next"], 20);
  const json last = call_json(Verb::get, "/api/v1/products?limit=10&offset=20", "", Status::ok);
  EXPECT_EQ(last["items"].size(), 5U);
  EXPECT_EQ(last["items"][0]["name"], "n20");
  EXPECT_TRUE(last["next"].is_null());
  for (const char* bad : {"limit=0", "limit=101", "limit=x", "offset=-1", "limit=5abc"}) {
    const json err =
        call_json(Verb::get, std::string("/api/v1/products?") + bad, "", Status::bad_request);
    EXPECT_EQ(err["error"], "bad_request") << bad;
  }
}

struct BadCase {
  Verb method;
  std::string target;
  std::string body;
  std::string content_type;
  Status status;
  std::string field;
};

// Every class of bad input, with the product "x" existing.
std::vector<BadCase> bad_cases() {
  return {
      {Verb::post, "/api/v1/products", "{\"name\":", "application/json", Status::bad_request, ""},
      {Verb::post, "/api/v1/products", "[1]", "application/json", Status::bad_request, ""},
      {Verb::post, "/api/v1/products", R"({"name":5,"price":1})", "application/json",
       Status::bad_request, "name"},
      {Verb::post, "/api/v1/products", R"({"name":"a","price":"1"})", "application/json",
       Status::bad_request, "price"},
      {Verb::post, "/api/v1/products", R"({"name":"a","price":1,"stock":1.5})", "application/json",
       Status::bad_request, "stock"},
      {Verb::post, "/api/v1/products", R"({"price":1})", "application/json", Status::bad_request,
       "name"},
      {Verb::post, "/api/v1/products", R"({"name":"a","price":-1})", "application/json",
       Status::bad_request, "price"},
      {Verb::post, "/api/v1/products", R"({"name":"a","price":1,"stock":-2})", "application/json",
       Status::bad_request, "stock"},
      {Verb::post, "/api/v1/products", R"({"name":"a","price":1,"colour":"red"})",
       "application/json", Status::bad_request, "colour"},
      {Verb::post, "/api/v1/products", R"({"id":"a b","name":"a","price":1})", "application/json",
       Status::bad_request, "id"},
      {Verb::post, "/api/v1/products", R"({"name":"a","price":1})", "text/plain",
       Status::unsupported_media_type, ""},
      {Verb::put, "/api/v1/products/x", R"({"id":"y","name":"a","price":1})", "application/json",
       Status::bad_request, "id"},
      {Verb::put, "/api/v1/products/nope", R"({"name":"a","price":1})", "application/json",
       Status::not_found, ""},
      {Verb::patch, "/api/v1/products/x", R"({})", "application/json", Status::method_not_allowed,
       ""},
      {Verb::post, "/api/v1/products/x/reserve", R"({"quantity":0})", "application/json",
       Status::bad_request, "quantity"},
      {Verb::post, "/api/v1/products/x/reserve", R"({"quantity":"2"})", "application/json",
       Status::bad_request, "quantity"},
      {Verb::post, "/api/v1/products/nope/reserve", R"({"quantity":1})", "application/json",
       Status::not_found, ""},
      {Verb::get, "/api/v1/products/nope/recommendations", "", "", Status::not_found, ""},
      {Verb::get, "/api/v1/products/x/recommendations?depth=0", "", "", Status::bad_request,
       "depth"},
      {Verb::get, "/api/v1/products/x/recommendations?limit=1000", "", "", Status::bad_request,
       "limit"},
  };
}

TEST_F(ProductHandlersTest, EveryBadInputIsA4xxWithAJsonError) {
  call_json(Verb::post, "/api/v1/products", R"({"id":"x","name":"A","price":1})", Status::created);
  for (const BadCase& c : bad_cases()) {
    const auto res = call(c.method, c.target, c.body, c.content_type);
    EXPECT_EQ(res.result(), c.status) << c.target << " " << c.body << ": " << res.body();
    const json err = json::parse(res.body(), nullptr, false);
    ASSERT_TRUE(err.is_object()) << res.body();
    EXPECT_TRUE(err["error"].is_string()) << res.body();
    if (!c.field.empty()) {
      EXPECT_EQ(err.value("field", ""), c.field) << res.body();
    }
  }
  EXPECT_EQ(events().size(), 1U);  // only the one good POST
}

TEST_F(ProductHandlersTest, ReservationDecrementsOnceAndReplaysItsFirstAnswer) {
  call_json(Verb::post, "/api/v1/products", R"({"id":"p-9","name":"A","price":2.5,"stock":5})",
            Status::created);
  const std::string body = R"({"quantity":3,"reservationId":"o-1"})";
  const json first = call_json(Verb::post, "/api/v1/products/p-9/reserve", body, Status::ok);
  EXPECT_EQ(first["remainingStock"], 2);
  EXPECT_EQ(first["unitPrice"], 2.5);
  const json again = call_json(Verb::post, "/api/v1/products/p-9/reserve", body, Status::ok);
  EXPECT_EQ(again, first);
  EXPECT_EQ(call_json(Verb::get, "/api/v1/products/p-9", "", Status::ok)["stock"], 2);

  const json mismatch = call_json(Verb::post, "/api/v1/products/p-9/reserve",
                                  R"({"quantity":1,"reservationId":"o-1"})", Status::conflict);
  EXPECT_EQ(mismatch["error"], "reservation_mismatch");
  const json shortage = call_json(Verb::post, "/api/v1/products/p-9/reserve",
                                  R"({"quantity":3,"reservationId":"o-2"})", Status::conflict);
  EXPECT_EQ(shortage["error"], "insufficient_stock");
  EXPECT_EQ(shortage["available"], 2);
  EXPECT_EQ(call_json(Verb::get, "/api/v1/products/p-9", "", Status::ok)["stock"], 2);
  using E = std::pair<std::string, std::string>;
  EXPECT_EQ(events(), (std::vector<E>{{"product-created", "p-9"}, {"stock-reserved", "p-9"}}));
}

TEST_F(ProductHandlersTest, RecommendationsRankOtherProducts) {
  for (const char* name : {"red lamp", "blue lamp", "garden hose", "red chair"}) {
    call_json(Verb::post, "/api/v1/products",
              R"({"name":")" + std::string(name) + R"(","price":10,"category":"home"})",
              Status::created);
  }
  const json rec =
      call_json(Verb::get, "/api/v1/products/p-1/recommendations?limit=2&depth=50", "", Status::ok);
  ASSERT_EQ(rec["items"].size(), 2U);
  for (const auto& item : rec["items"]) EXPECT_NE(item["id"], "p-1");
  EXPECT_GE(rec["items"][0]["score"].get<double>(), rec["items"][1]["score"].get<double>());
  EXPECT_EQ(rec["catalogueSize"], 4);
}

TEST_F(ProductHandlersTest, CachedBodiesNeverOutliveAChange) {
  call_json(Verb::post, "/api/v1/products", R"({"id":"c","name":"A","price":1,"stock":9})",
            Status::created);
  // A reader thread caches the body; changes made on this thread must show
  // on the reader's next GET.
  const auto read_on_other_thread = [&] {
    json got;
    std::thread([&] {
      const auto res = call(Verb::get, "/api/v1/products/c");
      got = res.result() == Status::ok ? json::parse(res.body()) : json(res.result_int());
    }).join();
    return got;
  };
  EXPECT_EQ(read_on_other_thread()["stock"], 9);
  EXPECT_EQ(call_json(Verb::get, "/api/v1/products/c", "", Status::ok)["stock"], 9);
  call_json(Verb::put, "/api/v1/products/c", R"({"name":"B","price":1,"stock":8})", Status::ok);
  EXPECT_EQ(read_on_other_thread()["name"], "B");
  EXPECT_EQ(call_json(Verb::get, "/api/v1/products/c", "", Status::ok)["stock"], 8);
  call_json(Verb::post, "/api/v1/products/c/reserve", R"({"quantity":3})", Status::ok);
  EXPECT_EQ(read_on_other_thread()["stock"], 5);
  EXPECT_EQ(call_json(Verb::get, "/api/v1/products/c", "", Status::ok)["stock"], 5);
  EXPECT_EQ(call(Verb::delete_, "/api/v1/products/c").result(), Status::no_content);
  EXPECT_EQ(read_on_other_thread(), json(404));
  EXPECT_EQ(call(Verb::get, "/api/v1/products/c").result(), Status::not_found);
}

// --no-read-cache: every GET reads the file, so even a write this process
// did not make (which the cache assumes away) shows at once; with the cache
// the body read first is served until this process changes the product.
TEST(ProductStoreReadCache, OffReadsTheFileEveryTime) {
  testing::TempDir dir;
  for (const bool cache : {false, true}) {
    const auto file = dir.path() / (cache ? "cached.db" : "raw.db");
    auto opened = ProductStore::open(file, store::Outbox(), cache);
    ASSERT_TRUE(opened) << opened.error().message;
    ProductStore& products = **opened;
    Product p;
    p.id = "x";
    p.name = "first";
    p.price = 1;
    ASSERT_TRUE(products.create(p));
    const auto before = products.find_json("x");
    ASSERT_TRUE(before && *before);
    EXPECT_NE(before->value().find("first"), std::string::npos);
    // Another writer of the file, behind the store's back.
    auto other = store::Db::open(file);
    ASSERT_TRUE(other);
    ASSERT_TRUE(other->exec("UPDATE products SET body = replace(body, 'first', 'second')"));
    const auto after = products.find_json("x");
    ASSERT_TRUE(after && *after);
    EXPECT_EQ(after->value().find(cache ? "first" : "second") != std::string::npos, true)
        << (cache ? "cached: " : "uncached: ") << after->value();
  }
}

// Bodies built from every combination of odd values for every field: each
// answer is a 2xx or a 4xx with a JSON error, never a 5xx or an exception.
TEST_F(ProductHandlersTest, OddValuesNeverCauseA5xx) {
  const std::vector<json> values = {nullptr,
                                    true,
                                    -1,
                                    0,
                                    1.5,
                                    1e308,
                                    -0.0,
                                    "",
                                    "x",
                                    "p-1",
                                    json::array(),
                                    json::object(),
                                    "\u00e9",
                                    9223372036854775807LL};
  const std::vector<std::string> product_fields = {"id",       "name",        "price",   "stock",
                                                   "currency", "description", "category"};
  const std::vector<std::string> reserve_fields = {"quantity", "reservationId"};
  std::uint64_t state = 42;  // a fixed LCG: the same bodies every run
  const auto next = [&state](std::size_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>((state >> 33) % n);
  };
  call_json(Verb::post, "/api/v1/products", R"({"id":"p-1","name":"A","price":1,"stock":1000})",
            Status::created);
  int successes = 0;
  for (int i = 0; i < 600; ++i) {
    const std::size_t t = next(3);
    const char* targets[] = {"/api/v1/products", "/api/v1/products/p-1",
                             "/api/v1/products/p-1/reserve"};
    const Verb verbs[] = {Verb::post, Verb::put, Verb::post};
    json body = json::object();
    for (const auto& field : t == 2 ? reserve_fields : product_fields) {
      // Mostly sensible values, so requests also get past the first check.
      const int roll = static_cast<int>(next(4));
      if (roll == 0) continue;
      if (roll == 1) {
        body[field] = values[next(values.size())];
      } else if (field == "price" || field == "stock" || field == "quantity") {
        body[field] = static_cast<int>(next(5));
      } else if (field != "id") {
        body[field] = field == "currency" ? "EUR" : "v" + std::to_string(next(9));
      }
    }
    const auto res = call(verbs[t], targets[t], body.dump());
    EXPECT_LT(res.result_int(), 500U) << targets[t] << " " << body.dump() << ": " << res.body();
    if (res.result_int() < 300) ++successes;
    if (res.result_int() >= 400) {
      EXPECT_TRUE(json::parse(res.body(), nullptr, false).contains("error")) << res.body();
    }
  }
  EXPECT_GT(successes, 50);  // the deeper paths ran too
}

TEST_F(ProductHandlersTest, SeedRunsOnceAndHealthAnswers) {
  ASSERT_EQ(store_->seed(3).value(), 3);
  EXPECT_EQ(store_->seed(3).value(), 0);
  EXPECT_EQ(call_json(Verb::get, "/api/v1/products/p-1003", "", Status::ok)["stock"], kSeedStock);
  EXPECT_EQ(call_json(Verb::get, "/api/v1/health", "", Status::ok)["status"], "ok");
}

}  // namespace
}  // namespace ksim::services::product
