// Graceful shutdown: in process with shutdown(), and the ksim-http-example
// binary with SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>

#include <future>
#include <nlohmann/json.hpp>

#include "child_process.h"
#include "ksim/services/http/json.h"
#include "loopback.h"

namespace ksim::services::http {
namespace {

using testing::get_request;
using testing::RawConnection;
using testing::test_options;

TEST(HttpDrainTest, InFlightRequestCompletesIdleConnectionClosesNewOnesRefused) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Router router;
  router.get("/fast", [](const Request&) { return json_response(Status::ok, {}); });
  router.get("/block", [&entered, released](const Request&) {
    entered.set_value();
    released.wait();
    return json_response(Status::ok, {{"done", true}});
  });
  ServerOptions o = test_options();
  o.threads = 2;
  Server server(o, std::move(router));
  std::promise<void> stopped;
  std::future<void> stopped_future = stopped.get_future();
  std::thread runner([&] {
    server.run();
    stopped.set_value();
  });
  const std::uint16_t port = server.port();

  // Connections go round-robin to the two I/O threads: the idle one first,
  // so that the blocked handler holds the other thread.
  RawConnection idle(port);
  idle.send(get_request("/fast"));
  ASSERT_TRUE(idle.read_response());
  RawConnection busy(port);
  busy.send(get_request("/block"));
  ASSERT_EQ(entered.get_future().wait_for(testing::kWait), std::future_status::ready);

  server.shutdown();
  EXPECT_TRUE(idle.wait_closed()) << idle.error().message();
  EXPECT_TRUE(testing::connection_refused(port));
  EXPECT_FALSE(server.ready());
  EXPECT_EQ(stopped_future.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);

  release.set_value();
  const auto res = busy.read_response();
  ASSERT_TRUE(res) << busy.error().message();
  EXPECT_EQ(res->result(), Status::ok);
  EXPECT_FALSE(res->keep_alive());  // Connection: close
  EXPECT_EQ(nlohmann::json::parse(res->body())["done"], true);
  EXPECT_EQ(stopped_future.wait_for(testing::kWait), std::future_status::ready);
  runner.join();
}

TEST(HttpDrainTest, GracePeriodBoundsTheDrain) {
  Router router;
  router.get("/fast", [](const Request&) { return json_response(Status::ok, {}); });
  ServerOptions o = test_options();
  o.read_timeout = std::chrono::minutes(10);
  o.grace_period = std::chrono::milliseconds(100);
  Server server(o, std::move(router));
  std::promise<void> stopped;
  std::future<void> stopped_future = stopped.get_future();
  std::thread runner([&] {
    server.run();
    stopped.set_value();
  });
  // Half a request: the connection is not idle, so the drain waits for it.
  RawConnection slow(server.port());
  slow.send("GET /fast HTTP/1.1\r\nHost: t\r\n");
  RawConnection probe(server.port());  // accepted after `slow`, so `slow` was accepted
  probe.send(testing::get_request("/fast"));
  ASSERT_TRUE(probe.read_response());
  server.shutdown();
  // Only the grace period (not the 10 min read timeout) can end run() now.
  EXPECT_EQ(stopped_future.wait_for(testing::kWait), std::future_status::ready);
  runner.join();
}

// The example binary: several slow requests in flight, SIGTERM, all answered.
TEST(HttpDrainTest, ExampleBinaryDrainsOnSigterm) {
  constexpr int kRequests = 3;
  testing::ChildProcess child({KSIM_HTTP_EXAMPLE, "--host", "127.0.0.1", "--port", "0", "--threads",
                               "2", "--grace-period", "20s"});
  ASSERT_TRUE(child.started());
  const auto banner = child.read_line(0, testing::kWait);
  ASSERT_TRUE(banner);
  const auto port = static_cast<std::uint16_t>(std::stoi(banner->substr(banner->rfind(' ') + 1)));

  std::vector<std::unique_ptr<RawConnection>> conns;
  for (int i = 0; i < kRequests; ++i) {
    conns.push_back(std::make_unique<RawConnection>(port));
    conns.back()->send(get_request("/slow?ms=1000"));
  }
  // Two are in their handlers (one per I/O thread); the third waits behind
  // one of them, its request already sent.
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(child.wait_for_line(1, "slow request started", testing::kWait));
  }
  child.signal(SIGTERM);
  ASSERT_TRUE(child.wait_for_line(1, "\"draining\"", testing::kWait));
  EXPECT_TRUE(testing::connection_refused(port));

  for (auto& c : conns) {
    const auto res = c->read_response();
    ASSERT_TRUE(res) << c->error().message();
    EXPECT_EQ(res->result(), Status::ok);
    EXPECT_FALSE(res->keep_alive());
    EXPECT_EQ(nlohmann::json::parse(res->body())["slept_ms"], 1000);
  }
  const auto rest = child.read_to_eof(1, std::chrono::milliseconds(20'000));
  ASSERT_TRUE(rest) << "did not exit within the grace period";
  EXPECT_NE(rest->find("\"stopped\""), std::string::npos) << *rest;
  EXPECT_EQ(child.wait_exit(), 0);
}

}  // namespace
}  // namespace ksim::services::http
