// HttpClient against in-process servers over loopback.
#include "ksim/services/http/client.h"

#include <gtest/gtest.h>

#include <future>

#include "ksim/services/http/json.h"
#include "loopback.h"

namespace ksim::services::http {
namespace {

using testing::RunningServer;
using testing::test_options;

std::uint16_t closed_port() {
  testing::net::io_context ctx;
  testing::tcp::acceptor a(ctx, {testing::net::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();  // closed again when `a` goes
}

bool has_line(Server& s, const std::string& line) {
  return s.metrics().expose().find(line + "\n") != std::string::npos;
}

Router items_router() {
  Router router;
  router.get("/items/{id}", [](const Request& req) {
    return json_response(Status::ok, {{"id", *req.param("id")}});
  });
  router.post("/echo", [](const Request& req) {
    const auto body = parse_json_object(req);
    return body ? json_response(Status::created, *body) : to_response(body.error());
  });
  return router;
}

TEST(HttpClientTest, ReusesOneKeptAliveConnection) {
  RunningServer s(items_router());
  HttpClient client;
  for (const char* id : {"1", "2", "3"}) {
    const auto res = client.get("127.0.0.1", s.port(), std::string("/items/") + id);
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(nlohmann::json::parse(res->body())["id"], id);
  }
  EXPECT_EQ(client.idle_connections("127.0.0.1", s.port()), 1u);
  EXPECT_TRUE(has_line(s.server(), "http_connections_accepted_total 1"));
}

TEST(HttpClientTest, SendsJsonAndReturnsErrorStatusesAsResponses) {
  RunningServer s(items_router());
  HttpClient client;
  const auto created = client.send_json("127.0.0.1", s.port(), Verb::post, "/echo", {{"a", 1}});
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->result(), Status::created);
  EXPECT_EQ(nlohmann::json::parse(created->body())["a"], 1);
  const auto missing = client.get("127.0.0.1", s.port(), "/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->result(), Status::not_found);
}

TEST(HttpClientTest, RefusedConnectionIsAConnectError) {
  HttpClient client;
  const std::uint16_t port = closed_port();
  const auto res = client.get("127.0.0.1", port, "/");
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ClientErrc::kConnect);
  EXPECT_NE(res.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos);
}

TEST(HttpClientTest, UnresolvableHostIsAResolveError) {
  HttpClient client;
  const auto res = client.get("no-such-host.invalid", 80, "/");
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ClientErrc::kResolve);
}

TEST(HttpClientTest, SlowServerIsATimeout) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Router router;
  router.get("/hang", [released](const Request&) {
    released.wait();
    return json_response(Status::ok, {});
  });
  RunningServer s(std::move(router));
  ClientOptions options;
  options.request_timeout = std::chrono::milliseconds(200);
  HttpClient client(options);
  const auto res = client.get("127.0.0.1", s.port(), "/hang");
  release.set_value();
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ClientErrc::kTimeout);
  EXPECT_EQ(client.idle_connections("127.0.0.1", s.port()), 0u);
}

TEST(HttpClientTest, ConnectionClosedByServerIdleTimeoutIsNotReused) {
  ServerOptions o = test_options();
  o.idle_timeout = std::chrono::milliseconds(100);
  RunningServer s(items_router(), o);
  HttpClient client;
  ASSERT_TRUE(client.get("127.0.0.1", s.port(), "/items/1"));
  // Wait (bounded) until the server has closed the idle connection.
  const auto deadline = std::chrono::steady_clock::now() + testing::kWait;
  while (!has_line(s.server(), "http_connections_open 0") &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_TRUE(has_line(s.server(), "http_connections_open 0"));
  const auto again = client.get("127.0.0.1", s.port(), "/items/2");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(has_line(s.server(), "http_connections_accepted_total 2"));
}

TEST(HttpClientTest, HandlerCallsAnotherServiceWithoutDeadlock) {
  RunningServer backend(items_router());
  auto client = std::make_shared<HttpClient>();
  const std::uint16_t backend_port = backend.port();
  Router router;
  router.get("/proxy/{id}", [client, backend_port](const Request& req) {
    const auto res =
        client->get("127.0.0.1", backend_port, "/items/" + std::string(*req.param("id")));
    if (!res) return json_error(Status::bad_gateway, "upstream", res.error().message);
    return json_response(Status::ok, {{"upstream", nlohmann::json::parse(res->body())}});
  });
  ServerOptions o = test_options();
  o.threads = 1;  // the handler blocks its only I/O thread; the client has its own
  RunningServer front(std::move(router), o);
  HttpClient outer;
  const auto res = outer.get("127.0.0.1", front.port(), "/proxy/9");
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(nlohmann::json::parse(res->body())["upstream"]["id"], "9");
}

}  // namespace
}  // namespace ksim::services::http
