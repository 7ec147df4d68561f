// api-service's handlers without sockets: Router::dispatch over a fake
// Backend that records the calls and answers what each test sets.
#include "api_handlers.h"

#include <gtest/gtest.h>

#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>

#include "compute.h"
#include "service_process.h"

namespace ksim::services::api {
namespace {

using http::Status;
using http::Verb;
using Json = nlohmann::json;

struct Call {
  Verb method;
  std::string target;
  Json body;
};

class FakeBackend final : public Backend {
 public:
  BackendResult call(Verb method, std::string_view target, const Json* body) override {
    std::lock_guard lock(mutex_);
    calls.push_back({method, std::string(target), body ? *body : Json()});
    if (replies.empty()) return BackendReply{Status::internal_server_error, nullptr};
    auto next = replies.front();
    replies.pop_front();
    return next;
  }
  std::vector<Call> calls;
  std::deque<BackendResult> replies;

 private:
  std::mutex mutex_;
};

const Json kPen = {
    {"id", "pen"}, {"name", "Pen"}, {"price", 1.5}, {"quantity", 10}, {"tags", {"office"}}};

class ApiHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override { handlers_.add_routes(router_); }
  http::Response call(Verb method, std::string target, std::string body = "",
                      std::string_view type = "application/json") {
    return router_.dispatch(testing::raw_request(method, std::move(target), std::move(body), type));
  }
  static Json json(const http::Response& r) { return Json::parse(r.body()); }

  FakeBackend backend_;
  ApiHandlers handlers_{backend_};
  http::Router router_;
};

TEST_F(ApiHandlersTest, ListAsksTheBackendAndReshapes) {
  Json empty = kPen;
  empty["id"] = "cup";
  empty["quantity"] = 0;
  backend_.replies.push_back(BackendReply{
      Status::ok, {{"items", {kPen, empty}}, {"limit", 5}, {"offset", 2}, {"total", 9}}});
  auto r = call(Verb::get, "/api/items?limit=5&offset=2");
  ASSERT_EQ(r.result(), Status::ok) << r.body();
  ASSERT_EQ(backend_.calls.size(), 1U);
  EXPECT_EQ(backend_.calls[0].method, Verb::get);
  EXPECT_EQ(backend_.calls[0].target, "/backend/items?limit=5&offset=2");
  const Json expected = {{"items",
                          {{{"id", "pen"}, {"name", "Pen"}, {"price", 1.5}, {"inStock", true}},
                           {{"id", "cup"}, {"name", "Pen"}, {"price", 1.5}, {"inStock", false}}}},
                         {"page", {{"limit", 5}, {"offset", 2}, {"total", 9}}}};
  EXPECT_EQ(json(r), expected);
}

TEST_F(ApiHandlersTest, BadListParametersNeverReachTheBackend) {
  for (const char* q : {"limit=0", "limit=101", "offset=-3", "limit=ten"}) {
    EXPECT_EQ(call(Verb::get, std::string("/api/items?") + q).result(), Status::bad_request) << q;
  }
  EXPECT_TRUE(backend_.calls.empty());
}

TEST_F(ApiHandlersTest, GetMapsBackend404AndShowsStock) {
  backend_.replies.push_back(
      BackendReply{Status::not_found, {{"error", "not_found"}, {"message", "no such item"}}});
  auto missing = call(Verb::get, "/api/items/ghost");
  EXPECT_EQ(missing.result(), Status::not_found);
  EXPECT_EQ(json(missing)["error"], "not_found");
  EXPECT_EQ(backend_.calls.at(0).target, "/backend/items/ghost");

  backend_.replies.push_back(BackendReply{Status::ok, kPen});
  auto found = call(Verb::get, "/api/items/pen");
  ASSERT_EQ(found.result(), Status::ok);
  Json expected = kPen;
  expected["inStock"] = true;
  EXPECT_EQ(json(found), expected);

  // An id no item can have never reaches the backend (keeps '%', '?' out).
  EXPECT_EQ(call(Verb::get, "/api/items/a%2Fb").result(), Status::not_found);
  EXPECT_EQ(backend_.calls.size(), 2U);
}

TEST_F(ApiHandlersTest, CreateValidatesThenForwards) {
  Json wrong = kPen;
  wrong["quantity"] = "many";
  auto bad = call(Verb::post, "/api/items", wrong.dump());
  EXPECT_EQ(bad.result(), Status::bad_request);
  EXPECT_EQ(json(bad)["field"], "quantity");
  Json missing = kPen;
  missing.erase("price");
  EXPECT_EQ(call(Verb::post, "/api/items", missing.dump()).result(), Status::bad_request);
  Json extra = kPen;
  extra["colour"] = "red";
  EXPECT_EQ(json(call(Verb::post, "/api/items", extra.dump()))["field"], "colour");
  EXPECT_EQ(call(Verb::post, "/api/items", "{oops").result(), Status::bad_request);
  EXPECT_EQ(call(Verb::post, "/api/items", kPen.dump(), "text/plain").result(),
            Status::unsupported_media_type);
  EXPECT_TRUE(backend_.calls.empty());

  backend_.replies.push_back(BackendReply{Status::created, kPen});
  auto created = call(Verb::post, "/api/items", kPen.dump());
  ASSERT_EQ(created.result(), Status::created) << created.body();
  EXPECT_EQ(created[http::Field::location], "/api/items/pen");
  ASSERT_EQ(backend_.calls.size(), 1U);
  EXPECT_EQ(backend_.calls[0].method, Verb::post);
  EXPECT_EQ(backend_.calls[0].body, kPen);
}

TEST_F(ApiHandlersTest, BackendClientErrorsAreRelayed) {
  backend_.replies.push_back(
      BackendReply{Status::conflict, {{"error", "conflict"}, {"message", "exists"}}});
  auto dup = call(Verb::post, "/api/items", kPen.dump());
  EXPECT_EQ(dup.result(), Status::conflict);
  EXPECT_EQ(json(dup)["error"], "conflict");
  backend_.replies.push_back(BackendReply{
      Status::bad_request, {{"error", "bad_request"}, {"field", "price"}, {"message", "x"}}});
  auto bad = call(Verb::put, "/api/items/pen", kPen.dump());
  EXPECT_EQ(bad.result(), Status::bad_request);
  EXPECT_EQ(json(bad)["field"], "price");
}

TEST_F(ApiHandlersTest, BackendFailuresAre502Or504) {
  struct Case {
    BackendResult reply;
    Status status;
    const char* code;
  };
  const Case cases[] = {
      {std::unexpected(BackendError{BackendErrc::kUnavailable, "refused"}), Status::bad_gateway,
       "backend_unavailable"},
      {std::unexpected(BackendError{BackendErrc::kTimeout, "slow"}), Status::gateway_timeout,
       "backend_timeout"},
      {std::unexpected(BackendError{BackendErrc::kBadReply, "html"}), Status::bad_gateway,
       "backend_error"},
      {BackendReply{Status::internal_server_error, {{"error", "boom"}}}, Status::bad_gateway,
       "backend_error"},
      {BackendReply{Status::ok, {{"items", "not a list"}}}, Status::bad_gateway, "backend_error"},
      {BackendReply{Status::ok, {{"items", {{{"id", 1}}}}}}, Status::bad_gateway, "backend_error"},
  };
  for (const auto& c : cases) {
    backend_.replies.push_back(c.reply);
    auto r = call(Verb::get, "/api/items");
    EXPECT_EQ(r.result(), c.status) << c.code;
    EXPECT_EQ(json(r)["error"], c.code);
  }
}

TEST_F(ApiHandlersTest, DeleteForwardsAndMaps404) {
  backend_.replies.push_back(BackendReply{Status::no_content, nullptr});
  EXPECT_EQ(call(Verb::delete_, "/api/items/pen").result(), Status::no_content);
  backend_.replies.push_back(
      BackendReply{Status::not_found, {{"error", "not_found"}, {"message", "no such item"}}});
  EXPECT_EQ(call(Verb::delete_, "/api/items/pen").result(), Status::not_found);
  EXPECT_EQ(backend_.calls.at(0).method, Verb::delete_);
}

TEST_F(ApiHandlersTest, ComputeIsBoundedAndProportional) {
  auto r = call(Verb::get, "/api/compute?n=1000");
  ASSERT_EQ(r.result(), Status::ok);
  EXPECT_EQ(json(r)["n"], 1000);
  EXPECT_DOUBLE_EQ(json(r)["result"].get<double>(), burn_cpu(1000));
  EXPECT_EQ(json(call(Verb::get, "/api/compute"))["n"], kDefaultComputeN);
  for (const char* q : {"n=-1", "n=100000001", "n=lots"}) {
    EXPECT_EQ(call(Verb::get, std::string("/api/compute?") + q).result(), Status::bad_request);
  }
  EXPECT_GT(burn_cpu(2000), burn_cpu(1000));  // each step adds: work done is n steps
  EXPECT_TRUE(backend_.calls.empty());
}

TEST(CountingBackendTest, CountsEachOutcome) {
  FakeBackend fake;
  http::MetricsRegistry metrics;
  CountingBackend counting(fake, metrics);
  fake.replies = {BackendReply{Status::ok, nullptr},
                  BackendReply{Status::not_found, nullptr},
                  BackendReply{Status::service_unavailable, nullptr},
                  std::unexpected(BackendError{BackendErrc::kTimeout, "t"}),
                  std::unexpected(BackendError{BackendErrc::kUnavailable, "u"}),
                  std::unexpected(BackendError{BackendErrc::kBadReply, "b"})};
  for (int i = 0; i < 6; ++i) counting.call(Verb::get, "/backend/items", nullptr);
  const std::string text = metrics.expose();
  for (const char* line : {"backend_requests_total{outcome=\"ok\"} 2",
                           "backend_requests_total{outcome=\"server_error\"} 1",
                           "backend_requests_total{outcome=\"timeout\"} 1",
                           "backend_requests_total{outcome=\"unavailable\"} 1",
                           "backend_requests_total{outcome=\"bad_reply\"} 1"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " in\n" << text;
  }
  EXPECT_EQ(fake.calls.size(), 6U);
}

TEST(BackendUrlTest, ParsesHostPortAndPrefix) {
  auto a = parse_backend_url("http://backend-service.api-platform.svc.cluster.local");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "backend-service.api-platform.svc.cluster.local");
  EXPECT_EQ(a->port, 80);
  EXPECT_EQ(a->prefix, "");
  auto b = parse_backend_url("http://127.0.0.1:8082/v1/");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "127.0.0.1");
  EXPECT_EQ(b->port, 8082);
  EXPECT_EQ(b->prefix, "/v1");
  auto c = parse_backend_url("http://[::1]:9000");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 9000);
  for (const char* bad :
       {"https://x", "x:80", "http://", "http://h:0", "http://h:99999", "http://h:port"}) {
    EXPECT_FALSE(parse_backend_url(bad)) << bad;
  }
}

}  // namespace
}  // namespace ksim::services::api
