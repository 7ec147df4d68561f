// backend-service as a real process over loopback: CRUD, every bad-input
// class (and the process still serving after each), kill -9 during a burst
// of POSTs (every acknowledged item present after a restart on the same data).
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "service_process.h"

namespace ksim::services::backend {
namespace {

using http::Status;
using http::Verb;
using Json = nlohmann::json;
using testing::ServiceProcess;

ServiceProcess start_backend(const testing::TempDir& dir, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {KSIM_BACKEND_SERVICE_BIN,
                                   "--host",
                                   "127.0.0.1",
                                   "--port",
                                   "0",
                                   "--threads",
                                   "2",
                                   "--log-level",
                                   "warn",
                                   "--data-dir",
                                   (dir.path() / "data").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return ServiceProcess(std::move(args));
}

Json item(const std::string& id) {
  return {{"id", id}, {"name", "Item " + id}, {"price", 3.5}, {"quantity", 4}, {"tags", {"t"}}};
}

class BackendProcessTest : public ::testing::Test {
 protected:
  std::expected<http::Response, http::ClientError> send(std::uint16_t port, http::BeastRequest r) {
    return client_.send("127.0.0.1", port, std::move(r));
  }
  Status status_of(std::uint16_t port, http::BeastRequest r) {
    auto res = send(port, std::move(r));
    EXPECT_TRUE(res) << res.error().message;
    return res ? res->result() : Status::unknown;
  }
  http::HttpClient client_{testing::test_client_options()};
};

TEST_F(BackendProcessTest, CrudOverLoopback) {
  testing::TempDir dir;
  auto backend = start_backend(dir);
  const auto port = backend.port();
  ASSERT_NE(port, 0);
  auto created = client_.send_json("127.0.0.1", port, Verb::post, "/backend/items", item("a"));
  ASSERT_TRUE(created);
  EXPECT_EQ(created->result(), Status::created);
  auto got = client_.get("127.0.0.1", port, "/backend/items/a");
  ASSERT_TRUE(got);
  EXPECT_EQ(Json::parse(got->body()), item("a"));
  Json changed = item("a");
  changed["quantity"] = 0;
  auto put = client_.send_json("127.0.0.1", port, Verb::put, "/backend/items/a", changed);
  ASSERT_TRUE(put);
  EXPECT_EQ(put->result(), Status::ok);
  auto list = client_.get("127.0.0.1", port, "/backend/items?limit=10");
  ASSERT_TRUE(list);
  EXPECT_EQ(Json::parse(list->body())["items"][0]["quantity"], 0);
  EXPECT_EQ(status_of(port, http::BeastRequest{Verb::delete_, "/backend/items/a", 11}),
            Status::no_content);
  EXPECT_EQ(status_of(port, http::BeastRequest{Verb::get, "/backend/items/a", 11}),
            Status::not_found);
  auto ready = client_.get("127.0.0.1", port, "/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->result(), Status::ok);
}

TEST_F(BackendProcessTest, EveryBadInputIs4xxJsonAndTheProcessKeepsServing) {
  testing::TempDir dir;
  auto backend = start_backend(dir, {"--body-limit", "4KiB"});
  const auto port = backend.port();
  ASSERT_NE(port, 0);
  ASSERT_EQ(status_of(port, testing::raw_request(Verb::post, "/backend/items", item("a").dump())),
            Status::created);
  struct Case {
    const char* what;
    http::BeastRequest request;
    Status expected;
  };
  Json wrong_type = item("b");
  wrong_type["price"] = "free";
  Json missing = item("c");
  missing.erase("name");
  const Case cases[] = {
      {"malformed json", testing::raw_request(Verb::post, "/backend/items", "{\"id\":"),
       Status::bad_request},
      {"wrong type", testing::raw_request(Verb::post, "/backend/items", wrong_type.dump()),
       Status::bad_request},
      {"missing field", testing::raw_request(Verb::post, "/backend/items", missing.dump()),
       Status::bad_request},
      {"oversized", testing::raw_request(Verb::post, "/backend/items", std::string(64 * 1024, ' ')),
       Status::payload_too_large},
      {"unknown id", testing::raw_request(Verb::get, "/backend/items/nope", ""), Status::not_found},
      {"wrong method", testing::raw_request(Verb::patch, "/backend/items/a", "{}"),
       Status::method_not_allowed},
      {"content type",
       testing::raw_request(Verb::post, "/backend/items", item("d").dump(), "text/plain"),
       Status::unsupported_media_type},
      {"duplicate", testing::raw_request(Verb::post, "/backend/items", item("a").dump()),
       Status::conflict},
  };
  for (const auto& c : cases) {
    auto res = send(port, c.request);
    ASSERT_TRUE(res) << c.what << ": " << res.error().message;
    EXPECT_EQ(res->result(), c.expected) << c.what;
    const Json body = Json::parse(res->body(), nullptr, false);
    EXPECT_TRUE(body.is_object() && body.contains("error")) << c.what << ": " << res->body();
    auto health = client_.get("127.0.0.1", port, "/health");
    ASSERT_TRUE(health) << "after " << c.what;
    EXPECT_EQ(health->result(), Status::ok);
  }
  EXPECT_EQ(status_of(port, http::BeastRequest{Verb::get, "/backend/items/b", 11}),
            Status::not_found);  // nothing half-written
}

// Writers POST until the process dies; only ids answered 201 are recorded.
TEST_F(BackendProcessTest, KillDuringPostBurstLosesNoAcknowledgedItem) {
  testing::TempDir dir;
  std::vector<std::string> acked;
  {
    auto backend = start_backend(dir);
    const auto port = backend.port();
    ASSERT_NE(port, 0);
    std::mutex mutex;
    std::condition_variable enough;
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0;; ++i) {
          const std::string id = "w" + std::to_string(w) + "-" + std::to_string(i);
          auto res = client_.send_json("127.0.0.1", port, Verb::post, "/backend/items", item(id));
          if (!res || res->result() != Status::created) return;
          std::lock_guard lock(mutex);
          acked.push_back(id);
          enough.notify_all();
        }
      });
    }
    {
      std::unique_lock lock(mutex);
      ASSERT_TRUE(enough.wait_for(lock, testing::kWait, [&] { return acked.size() >= 100; }));
    }
    backend.signal(SIGKILL);  // mid-burst: writers have requests in flight
    for (auto& t : writers) t.join();
    EXPECT_EQ(backend.wait_exit(), -1);
  }
  auto restarted = start_backend(dir);
  const auto port = restarted.port();
  ASSERT_NE(port, 0);
  for (const auto& id : acked) {
    auto res = client_.get("127.0.0.1", port, "/backend/items/" + id);
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->result(), Status::ok) << id << " was acknowledged but is missing";
  }
  auto list = client_.get("127.0.0.1", port, "/backend/items?limit=1");
  ASSERT_TRUE(list);
  EXPECT_GE(Json::parse(list->body())["total"].get<std::size_t>(), acked.size());
}

// How calibrate.yaml of api-service runs a backend beside it: the backend
// must not outlive its parent.
TEST(BackendParentTest, ExitWithParentStopsWhenTheParentDies) {
  testing::TempDir dir;
  ServiceProcess parent({"/bin/sh", "-c",
                         std::string(KSIM_BACKEND_SERVICE_BIN) +
                             " --host 127.0.0.1 --port 0 --log-level warn --exit-with-parent "
                             "--data-dir " +
                             (dir.path() / "data").string() + " & wait"});
  const auto port = parent.port();  // printed by the backend on the shared stdout
  ASSERT_NE(port, 0);
  http::HttpClient client(testing::test_client_options());
  auto health = client.get("127.0.0.1", port, "/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->result(), Status::ok);
  parent.signal(SIGKILL);  // the shell only: the backend gets its SIGTERM from the kernel
  EXPECT_EQ(parent.wait_exit(), -1);
  const auto deadline = std::chrono::steady_clock::now() + testing::kWait;
  bool gone = false;
  while (!gone && std::chrono::steady_clock::now() < deadline) {
    auto r = client.get("127.0.0.1", port, "/health");
    gone = !r && r.error().code == http::ClientErrc::kConnect;
  }
  EXPECT_TRUE(gone);
}

TEST(BackendFlagsTest, BadFlagExits2NamingIt) {
  testing::TempDir dir;
  ServiceProcess bad(
      {KSIM_BACKEND_SERVICE_BIN, "--port", "notaport", "--data-dir", dir.path().string()});
  EXPECT_EQ(bad.wait_exit(), 2);
  ServiceProcess bad_table(
      {KSIM_BACKEND_SERVICE_BIN, "--table", "../x", "--data-dir", dir.path().string()});
  EXPECT_EQ(bad_table.wait_exit(), 2);
}

}  // namespace
}  // namespace ksim::services::backend
