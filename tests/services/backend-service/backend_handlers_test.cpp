// backend-service's handlers without sockets: Router::dispatch over an
// ItemStore in a temporary folder.
#include "backend_handlers.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "item_json.h"
#include "score.h"
#include "service_process.h"

namespace ksim::services::backend {
namespace {

using http::Status;
using Json = nlohmann::json;

class BackendHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = ItemStore::open(dir_.path() / "items.db", 2);
    ASSERT_TRUE(opened) << opened.error();
    store_ = std::move(*opened);
    handlers_ = std::make_unique<BackendHandlers>(*store_);
    handlers_->add_routes(router_);
  }

  http::Response call(http::Verb method, std::string target, std::string body = "",
                      std::string_view type = "application/json") {
    return router_.dispatch(testing::raw_request(method, std::move(target), std::move(body), type));
  }
  static Json json(const http::Response& r) { return Json::parse(r.body()); }
  http::Response post(const Json& item) {
    return call(http::Verb::post, "/backend/items", item.dump());
  }

  testing::TempDir dir_;
  std::unique_ptr<ItemStore> store_;
  std::unique_ptr<BackendHandlers> handlers_;
  http::Router router_;
};

const Json kPen = {
    {"id", "pen"}, {"name", "Pen"}, {"price", 1.5}, {"quantity", 10}, {"tags", {"office"}}};

TEST_F(BackendHandlersTest, CreateGetUpdateDelete) {
  auto created = post(kPen);
  ASSERT_EQ(created.result(), Status::created) << created.body();
  EXPECT_EQ(json(created), kPen);
  EXPECT_EQ(created[http::Field::location], "/backend/items/pen");

  auto got = call(http::Verb::get, "/backend/items/pen");
  ASSERT_EQ(got.result(), Status::ok);
  EXPECT_EQ(json(got), kPen);

  Json changed = kPen;
  changed["price"] = 2.25;
  changed.erase("id");  // optional on PUT: the path names the item
  auto put = call(http::Verb::put, "/backend/items/pen", changed.dump());
  ASSERT_EQ(put.result(), Status::ok) << put.body();
  EXPECT_EQ(json(call(http::Verb::get, "/backend/items/pen"))["price"], 2.25);

  EXPECT_EQ(call(http::Verb::delete_, "/backend/items/pen").result(), Status::no_content);
  EXPECT_EQ(call(http::Verb::get, "/backend/items/pen").result(), Status::not_found);
  EXPECT_EQ(call(http::Verb::delete_, "/backend/items/pen").result(), Status::not_found);
}

TEST_F(BackendHandlersTest, ListPagesInInsertionOrder) {
  for (int i = 0; i < 5; ++i) {
    Json item = kPen;
    item["id"] = "i" + std::to_string(4 - i);  // ids sort opposite to insertion
    ASSERT_EQ(post(item).result(), Status::created);
  }
  auto page = call(http::Verb::get, "/backend/items?limit=2&offset=1");
  ASSERT_EQ(page.result(), Status::ok);
  const Json body = json(page);
  EXPECT_EQ(body["total"], 5);
  EXPECT_EQ(body["limit"], 2);
  EXPECT_EQ(body["offset"], 1);
  ASSERT_EQ(body["items"].size(), 2U);
  EXPECT_EQ(body["items"][0]["id"], "i3");
  EXPECT_EQ(body["items"][1]["id"], "i2");
  EXPECT_EQ(json(call(http::Verb::get, "/backend/items"))["items"].size(), 5U);
  EXPECT_EQ(json(call(http::Verb::get, "/backend/items?offset=9"))["items"].size(), 0U);
}

TEST_F(BackendHandlersTest, BadListParametersAre400) {
  for (const char* q : {"limit=0", "limit=101", "limit=x", "offset=-1", "offset=1.5", "limit="}) {
    auto r = call(http::Verb::get, std::string("/backend/items?") + q);
    EXPECT_EQ(r.result(), Status::bad_request) << q;
    EXPECT_EQ(json(r)["error"], "bad_request") << q;
  }
}

TEST_F(BackendHandlersTest, DuplicateIdIs409) {
  ASSERT_EQ(post(kPen).result(), Status::created);
  auto again = post(kPen);
  EXPECT_EQ(again.result(), Status::conflict);
  EXPECT_EQ(json(again)["error"], "conflict");
}

TEST_F(BackendHandlersTest, BadBodiesAre4xxNamingTheField) {
  struct Case {
    Json patch;  // merged into kPen; null values remove the field
    const char* field;
  };
  const Case cases[] = {
      {{{"price", "cheap"}}, "price"},
      {{{"price", -1}}, "price"},
      {{{"quantity", 1.5}}, "quantity"},
      {{{"quantity", -2}}, "quantity"},
      {{{"name", 7}}, "name"},
      {{{"name", ""}}, "name"},
      {{{"id", 5}}, "id"},
      {{{"id", "a/b"}}, "id"},
      {{{"tags", "x"}}, "tags"},
      {{{"tags", {1, 2}}}, "tags"},
      {{{"colour", "red"}}, "colour"},
      {{{"name", nullptr}}, "name"},
      {{{"quantity", nullptr}}, "quantity"},
  };
  for (const auto& c : cases) {
    Json body = kPen;
    body.merge_patch(c.patch);
    auto r = post(body);
    EXPECT_EQ(r.result(), Status::bad_request) << body.dump();
    EXPECT_EQ(json(r)["field"], c.field) << body.dump();
  }
  EXPECT_EQ(call(http::Verb::get, "/backend/items/pen").result(), Status::not_found);
}

TEST_F(BackendHandlersTest, MalformedJsonWrongTypeAndMismatchedId) {
  auto malformed = call(http::Verb::post, "/backend/items", "{\"id\": \"x\",");
  EXPECT_EQ(malformed.result(), Status::bad_request);
  EXPECT_EQ(json(malformed)["error"], "malformed_json");
  EXPECT_EQ(call(http::Verb::post, "/backend/items", "[1,2]").result(), Status::bad_request);
  auto text = call(http::Verb::post, "/backend/items", kPen.dump(), "text/plain");
  EXPECT_EQ(text.result(), Status::unsupported_media_type);
  ASSERT_EQ(post(kPen).result(), Status::created);
  Json other = kPen;
  other["id"] = "other";
  auto mismatch = call(http::Verb::put, "/backend/items/pen", other.dump());
  EXPECT_EQ(mismatch.result(), Status::bad_request);
  EXPECT_EQ(json(mismatch)["field"], "id");
  EXPECT_EQ(call(http::Verb::put, "/backend/items/none", kPen.dump()).result(),
            Status::bad_request);  // body id "pen" != path id
  Json body = kPen;
  body.erase("id");
  EXPECT_EQ(call(http::Verb::put, "/backend/items/none", body.dump()).result(), Status::not_found);
}

TEST_F(BackendHandlersTest, WrongMethodIs405AndUnknownPathIs404) {
  auto r = call(http::Verb::patch, "/backend/items/pen", kPen.dump());
  EXPECT_EQ(r.result(), Status::method_not_allowed);
  EXPECT_NE(r[http::Field::allow].find("GET"), std::string_view::npos);
  EXPECT_EQ(call(http::Verb::get, "/backend/nothing").result(), Status::not_found);
}

TEST_F(BackendHandlersTest, ScoreIsBoundedDeterministicAndNeedsTheItem) {
  ASSERT_EQ(post(kPen).result(), Status::created);
  auto a = call(http::Verb::get, "/backend/items/pen/score?rounds=5000");
  ASSERT_EQ(a.result(), Status::ok) << a.body();
  EXPECT_EQ(json(a)["rounds"], 5000);
  EXPECT_EQ(json(a), json(call(http::Verb::get, "/backend/items/pen/score?rounds=5000")));
  EXPECT_EQ(json(call(http::Verb::get, "/backend/items/pen/score"))["rounds"], 1000);
  for (const char* q : {"rounds=0", "rounds=1000001", "rounds=abc"}) {
    EXPECT_EQ(call(http::Verb::get, std::string("/backend/items/pen/score?") + q).result(),
              Status::bad_request)
        << q;
  }
  EXPECT_EQ(call(http::Verb::get, "/backend/items/nope/score").result(), Status::not_found);
}

TEST(ScoreTest, RevenueIsBoundedByStockAndSellOutRateIsAFraction) {
  const Item item{"x", "X", 4.0, 3, {}};
  const Score s = score_item(item, 20'000);
  EXPECT_GT(s.expected_revenue, 0);
  EXPECT_LE(s.expected_revenue, 3 * 4.0);  // never sells more than the stock
  EXPECT_GE(s.sell_out_rate, 0);
  EXPECT_LE(s.sell_out_rate, 1);
  const Item empty{"y", "Y", 4.0, 0, {}};
  EXPECT_EQ(score_item(empty, 100).expected_revenue, 0);
}

TEST(ItemStoreTest, DataSurvivesReopen) {
  testing::TempDir dir;
  {
    auto store = ItemStore::open(dir.path() / "items.db", 1);
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->create(Item{"a", "A", 1, 2, {"t1", "t2"}}));
  }
  auto store = ItemStore::open(dir.path() / "items.db", 1);
  ASSERT_TRUE(store);
  const auto item = (*store)->get("a");
  ASSERT_TRUE(item);
  EXPECT_EQ(*item, (Item{"a", "A", 1, 2, {"t1", "t2"}}));
}

}  // namespace
}  // namespace ksim::services::backend
