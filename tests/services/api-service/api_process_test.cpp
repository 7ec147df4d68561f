// api-service and backend-service as real processes over loopback: CRUD
// through the api, every bad-input class, backend down (502) and back,
// backend too slow (504), and the SIGTERM drain with /api/compute in flight.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "ksim/services/http/json.h"
#include "ksim/services/http/server.h"
#include "service_process.h"

namespace ksim::services::api {
namespace {

using http::Status;
using http::Verb;
using Json = nlohmann::json;
using testing::ServiceProcess;

std::vector<std::string> backend_args(const testing::TempDir& dir, std::uint16_t port) {
  return {KSIM_BACKEND_SERVICE_BIN,
          "--host",
          "127.0.0.1",
          "--port",
          std::to_string(port),
          "--threads",
          "2",
          "--log-level",
          "warn",
          "--data-dir",
          (dir.path() / "data").string()};
}

ServiceProcess start_backend(const testing::TempDir& dir) {
  return ServiceProcess(backend_args(dir, 0));
}

ServiceProcess start_api(std::uint16_t backend_port, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {KSIM_API_SERVICE_BIN,
                                   "--host",
                                   "127.0.0.1",
                                   "--port",
                                   "0",
                                   "--log-level",
                                   "warn",
                                   "--backend-url",
                                   "http://127.0.0.1:" + std::to_string(backend_port)};
  args.insert(args.end(), extra.begin(), extra.end());
  return ServiceProcess(std::move(args));
}

Json item(const std::string& id) {
  return {{"id", id}, {"name", "Item " + id}, {"price", 2.0}, {"quantity", 1}};
}

bool connection_refused(std::uint16_t port) {
  boost::asio::io_context ctx;
  boost::asio::ip::tcp::socket s(ctx);
  boost::system::error_code ec;
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  return ec == boost::asio::error::connection_refused;
}

class ApiProcessTest : public ::testing::Test {
 protected:
  Status get_status(std::uint16_t port, const std::string& target) {
    auto r = client_.get("127.0.0.1", port, target);
    EXPECT_TRUE(r) << target << ": " << r.error().message;
    return r ? r->result() : Status::unknown;
  }
  Json get_json(std::uint16_t port, const std::string& target) {
    auto r = client_.get("127.0.0.1", port, target);
    return r ? Json::parse(r->body(), nullptr, false) : Json();
  }
  http::HttpClient client_{testing::test_client_options()};
};

TEST_F(ApiProcessTest, CrudThroughApiService) {
  testing::TempDir dir;
  auto backend = start_backend(dir);
  ASSERT_NE(backend.port(), 0);
  auto api = start_api(backend.port(), {"--threads", "2"});
  const auto port = api.port();
  ASSERT_NE(port, 0);
  auto created = client_.send_json("127.0.0.1", port, Verb::post, "/api/items", item("a"));
  ASSERT_TRUE(created);
  EXPECT_EQ(created->result(), Status::created) << created->body();
  EXPECT_EQ(get_json(port, "/api/items/a")["inStock"], true);
  Json changed = item("a");
  changed["quantity"] = 0;
  auto put = client_.send_json("127.0.0.1", port, Verb::put, "/api/items/a", changed);
  ASSERT_TRUE(put);
  EXPECT_EQ(put->result(), Status::ok);
  const Json list = get_json(port, "/api/items");
  ASSERT_EQ(list["items"].size(), 1U);
  EXPECT_EQ(list["items"][0]["inStock"], false);
  EXPECT_EQ(list["page"]["total"], 1);
  // The backend holds what the api wrote.
  EXPECT_EQ(get_json(backend.port(), "/backend/items/a")["quantity"], 0);
  auto del = client_.send("127.0.0.1", port, http::BeastRequest{Verb::delete_, "/api/items/a", 11});
  ASSERT_TRUE(del);
  EXPECT_EQ(del->result(), Status::no_content);
  EXPECT_EQ(get_status(port, "/api/items/a"), Status::not_found);
  EXPECT_EQ(get_status(port, "/health"), Status::ok);
}

TEST_F(ApiProcessTest, EveryBadInputIs4xxJsonAndTheProcessKeepsServing) {
  testing::TempDir dir;
  auto backend = start_backend(dir);
  ASSERT_NE(backend.port(), 0);
  auto api = start_api(backend.port(), {"--threads", "2", "--body-limit", "4KiB"});
  const auto port = api.port();
  ASSERT_NE(port, 0);
  Json wrong_type = item("b");
  wrong_type["price"] = true;
  Json missing = item("c");
  missing.erase("quantity");
  Json negative = item("d");
  negative["price"] = -5;  // the backend's check, relayed
  struct Case {
    const char* what;
    http::BeastRequest request;
    Status expected;
  };
  const Case cases[] = {
      {"malformed json", testing::raw_request(Verb::post, "/api/items", "{\"id\""),
       Status::bad_request},
      {"wrong type", testing::raw_request(Verb::post, "/api/items", wrong_type.dump()),
       Status::bad_request},
      {"missing field", testing::raw_request(Verb::post, "/api/items", missing.dump()),
       Status::bad_request},
      {"out of range", testing::raw_request(Verb::post, "/api/items", negative.dump()),
       Status::bad_request},
      {"oversized", testing::raw_request(Verb::post, "/api/items", std::string(64 * 1024, ' ')),
       Status::payload_too_large},
      {"unknown id", testing::raw_request(Verb::get, "/api/items/nope", ""), Status::not_found},
      {"wrong method", testing::raw_request(Verb::patch, "/api/items", "{}"),
       Status::method_not_allowed},
      {"content type",
       testing::raw_request(Verb::post, "/api/items", item("e").dump(), "text/plain"),
       Status::unsupported_media_type},
      {"bad query", testing::raw_request(Verb::get, "/api/compute?n=-1", ""), Status::bad_request},
  };
  for (const auto& c : cases) {
    auto res = client_.send("127.0.0.1", port, c.request);
    ASSERT_TRUE(res) << c.what << ": " << res.error().message;
    EXPECT_EQ(res->result(), c.expected) << c.what << ": " << res->body();
    const Json body = Json::parse(res->body(), nullptr, false);
    EXPECT_TRUE(body.is_object() && body.contains("error")) << c.what << ": " << res->body();
    EXPECT_EQ(get_status(port, "/health"), Status::ok) << "after " << c.what;
  }
  EXPECT_EQ(get_json(port, "/api/items")["page"]["total"], 0);  // nothing was written
}

TEST_F(ApiProcessTest, BackendDownIs502ThenRecovers) {
  testing::TempDir dir;
  std::uint16_t backend_port = 0;
  auto backend = std::make_unique<ServiceProcess>(backend_args(dir, 0));
  backend_port = backend->port();
  ASSERT_NE(backend_port, 0);
  auto api = start_api(backend_port, {"--threads", "2", "--backend-timeout", "2s"});
  const auto port = api.port();
  ASSERT_NE(port, 0);
  ASSERT_EQ(get_status(port, "/api/items"), Status::ok);

  backend->signal(SIGTERM);
  ASSERT_EQ(backend->wait_exit(), 0);
  backend.reset();
  auto down = client_.get("127.0.0.1", port, "/api/items");
  ASSERT_TRUE(down) << down.error().message;
  EXPECT_EQ(down->result(), Status::bad_gateway);
  EXPECT_EQ(Json::parse(down->body())["error"], "backend_unavailable");
  EXPECT_EQ(get_status(port, "/health"), Status::ok);  // the api itself is fine
  auto metrics = client_.get("127.0.0.1", port, "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body().find("backend_requests_total{outcome=\"unavailable\"} 1"),
            std::string::npos);

  backend =
      std::make_unique<ServiceProcess>(backend_args(dir, backend_port));  // same port, same data
  ASSERT_EQ(backend->port(), backend_port);
  // The api reconnects on its own: the first call after the restart works.
  EXPECT_EQ(get_status(port, "/api/items"), Status::ok);
}

TEST_F(ApiProcessTest, SlowBackendIs504WithinTheTimeout) {
  // A backend that accepts and then never answers until the test ends.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  http::Router router;
  router.get("/backend/items", [released](const http::Request&) {
    released.wait();
    return http::json_response(Status::ok, {{"items", Json::array()}});
  });
  http::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  options.log_level = http::LogLevel::kOff;
  options.handle_signals = false;
  http::Server slow(options, std::move(router));
  std::thread runner([&] { slow.run(); });
  {
    auto api = start_api(slow.port(), {"--threads", "2", "--backend-timeout", "300ms"});
    ASSERT_NE(api.port(), 0);
    auto r = client_.get("127.0.0.1", api.port(), "/api/items");
    ASSERT_TRUE(r) << r.error().message;  // answered, not hung past our 20 s bound
    EXPECT_EQ(r->result(), Status::gateway_timeout);
    EXPECT_EQ(Json::parse(r->body())["error"], "backend_timeout");
  }
  release.set_value();
  slow.shutdown();
  runner.join();
}

// The drain: slow /api/compute requests are in flight when SIGTERM arrives;
// each is answered (with Connection: close), new connections are refused,
// and the process exits 0.
TEST_F(ApiProcessTest, SigtermDrainsComputeRequestsInFlight) {
  auto api = start_api(1, {"--threads", "6"});
  const auto port = api.port();
  ASSERT_NE(port, 0);
  constexpr int kSlow = 4;
  std::vector<std::future<std::expected<http::Response, http::ClientError>>> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.push_back(std::async(std::launch::async, [this, port] {
      return client_.get("127.0.0.1", port, "/api/compute?n=100000000");
    }));
  }
  // In flight = the slow ones plus this /metrics request. Its own client, so
  // its one kept-alive connection is never lent to a slow request: 5
  // connections on 6 I/O threads, none waiting behind a computation.
  http::HttpClient probe(testing::test_client_options());
  const auto deadline = std::chrono::steady_clock::now() + testing::kWait;
  bool all_in_flight = false;
  while (!all_in_flight && std::chrono::steady_clock::now() < deadline) {
    auto m = probe.get("127.0.0.1", port, "/metrics");
    ASSERT_TRUE(m);
    const auto at = m->body().find("\nhttp_requests_in_flight ");
    all_in_flight = at != std::string::npos && std::stod(m->body().substr(at + 25)) >= kSlow + 1;
  }
  ASSERT_TRUE(all_in_flight);
  api.signal(SIGTERM);
  bool refused = false;
  while (!refused && std::chrono::steady_clock::now() < deadline)
    refused = connection_refused(port);
  EXPECT_TRUE(refused);
  for (auto& f : slow) {
    auto r = f.get();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->result(), Status::ok);
    EXPECT_EQ(Json::parse(r->body())["n"], 100000000);
    EXPECT_FALSE(r->keep_alive());  // answered during the drain
  }
  EXPECT_EQ(api.wait_exit(), 0);
}

TEST(ApiFlagsTest, BadFlagsExit2) {
  ServiceProcess bad_url({KSIM_API_SERVICE_BIN, "--backend-url", "ftp://x"});
  EXPECT_EQ(bad_url.wait_exit(), 2);
  ServiceProcess bad_timeout({KSIM_API_SERVICE_BIN, "--backend-timeout", "soon"});
  EXPECT_EQ(bad_timeout.wait_exit(), 2);
}

}  // namespace
}  // namespace ksim::services::api
