// The product-service binary over loopback: CRUD and pagination, every class
// of bad input (the process keeps serving), and the SIGTERM drain.
#include <signal.h>

#include <thread>

#include "product_process.h"

namespace ksim::services::testing {
namespace {

using http::Verb;
using nlohmann::json;

TEST(ProductProcessTest, CrudAndPaginationOverLoopback) {
  TempDir dir;
  std::uint16_t port = 0;
  auto proc = start_product(dir.path(), port);
  http::HttpClient client(patient_client());
  EXPECT_EQ(get(client, port, "/ready").status, 200);
  for (int i = 0; i < 5; ++i) {
    const Reply r = post(client, port, "/api/v1/products",
                         {{"name", "item " + std::to_string(i)}, {"price", i}, {"stock", 10}});
    ASSERT_EQ(r.status, 201) << r.body.dump() << r.error;
    EXPECT_EQ(r.body["id"], "p-" + std::to_string(i + 1));
  }
  const Reply page = get(client, port, "/api/v1/products?limit=2&offset=2");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body["total"], 5);
  EXPECT_EQ(page.body["next"], 4);
  EXPECT_EQ(page.body["items"][0]["id"], "p-3");
  const json update{{"name", "renamed"}, {"price", 9.5}, {"stock", 7}};
  EXPECT_EQ(call(client, port, Verb::put, "/api/v1/products/p-2", &update).status, 200);
  EXPECT_EQ(get(client, port, "/api/v1/products/p-2").body["name"], "renamed");
  EXPECT_EQ(call(client, port, Verb::delete_, "/api/v1/products/p-2").status, 204);
  EXPECT_EQ(get(client, port, "/api/v1/products/p-2").status, 404);
  EXPECT_EQ(get(client, port, "/api/v1/health").body["status"], "ok");
  const auto metrics = client.get("127.0.0.1", port, "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body().find("outbox_backlog"), std::string::npos);
  EXPECT_NE(metrics->body().find("outbox_published_total"), std::string::npos);
}

TEST(ProductProcessTest, EveryBadInputClassIs4xxJsonAndTheProcessKeepsServing) {
  TempDir dir;
  std::uint16_t port = 0;
  auto proc = start_product(dir.path(), port, {"--body-limit", "16KiB"});
  http::HttpClient client(patient_client());
  ASSERT_EQ(
      post(client, port, "/api/v1/products", {{"id", "a"}, {"name", "A"}, {"price", 1}}).status,
      201);
  const auto raw = [&](Verb method, std::string target, std::string body, std::string type) {
    http::BeastRequest req{method, target, 11};
    req.set(http::Field::content_type, type);
    req.body() = std::move(body);
    auto res = client.send("127.0.0.1", port, std::move(req));
    if (!res) return std::pair<int, json>{0, json(res.error().message)};
    return std::pair<int, json>{static_cast<int>(res->result_int()),
                                json::parse(res->body(), nullptr, false)};
  };
  const std::string big = R"({"name":")" + std::string(20'000, 'x') + R"(","price":1})";
  const std::vector<std::tuple<Verb, std::string, std::string, std::string, int>> cases = {
      {Verb::post, "/api/v1/products", "{oops", "application/json", 400},
      {Verb::post, "/api/v1/products", R"({"name":1,"price":1})", "application/json", 400},
      {Verb::post, "/api/v1/products", R"({"name":"n"})", "application/json", 400},
      {Verb::post, "/api/v1/products", R"({"name":"n","price":-3})", "application/json", 400},
      {Verb::post, "/api/v1/products", R"({"name":"n","price":1,"stock":-1})", "application/json",
       400},
      {Verb::post, "/api/v1/products", big, "application/json", 413},
      {Verb::get, "/api/v1/products/missing", "", "application/json", 404},
      {Verb::post, "/api/v1/products/missing/reserve", R"({"quantity":1})", "application/json",
       404},
      {Verb::patch, "/api/v1/products/a", "{}", "application/json", 405},
      {Verb::post, "/api/v1/products", R"({"name":"n","price":1})", "text/plain", 415},
      {Verb::post, "/api/v1/products", R"({"id":"a","name":"n","price":1})", "application/json",
       409},
  };
  for (const auto& [method, target, body, type, status] : cases) {
    const auto [got, reply] = raw(method, target, body, type);
    EXPECT_EQ(got, status) << target << " " << body.substr(0, 60) << " " << reply.dump();
    EXPECT_TRUE(reply.is_object() && reply.contains("error")) << reply.dump().substr(0, 200);
  }
  EXPECT_EQ(get(client, port, "/api/v1/products/a").status, 200);
  EXPECT_FALSE(proc->wait_exit(std::chrono::milliseconds(0)));
}

TEST(ProductProcessTest, SigtermDrainAnswersEverySlowRequestInFlight) {
  TempDir dir;
  std::uint16_t port = 0;
  auto proc = start_product(dir.path(), port, {"--threads", "4", "--log-level", "debug"});
  http::HttpClient client(patient_client());
  for (int i = 0; i < 40; ++i) {
    ASSERT_EQ(post(client, port, "/api/v1/products",
                   {{"name", "thing " + std::to_string(i)}, {"price", i}})
                  .status,
              201);
  }
  constexpr int kSlow = 3;
  std::vector<Reply> replies(kSlow);
  std::vector<std::thread> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.emplace_back([&, i] {
      http::HttpClient own(patient_client());
      replies[i] = get(own, port, "/api/v1/products/p-1/recommendations?depth=400000");
    });
  }
  // Every slow request has started computing before the signal.
  ASSERT_TRUE(proc->wait_log("recommendations started", kSlow)) << proc->stderr_text();
  proc->signal(SIGTERM);
  EXPECT_TRUE(wait_until([&] { return connection_refused(port); }));
  for (auto& t : slow) t.join();
  for (const Reply& r : replies) {
    EXPECT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(r.body["depth"], 400000);
    // Answered during the drain: the server closes the connection after it.
    EXPECT_FALSE(r.keep_alive);
  }
  EXPECT_EQ(proc->wait_exit(), 0);
}

}  // namespace
}  // namespace ksim::services::testing

namespace ksim::services::testing {
namespace {

TEST(ProductProcessTest, ASecondProcessOnTheSameDataFileExits1) {
  TempDir dir;
  std::uint16_t port = 0;
  auto first = start_product(dir.path(), port);
  ServiceProcess second({KSIM_PRODUCT_SERVICE_BIN, "--host", "127.0.0.1", "--port", "0",
                         "--data-dir", (dir.path() / "data").string(), "--seed-products", "0"},
                        dir.path());
  EXPECT_EQ(second.wait_exit(), 1);
  EXPECT_NE(second.stderr_text().find("another process uses this data file"), std::string::npos)
      << second.stderr_text();
  http::HttpClient client(patient_client());
  EXPECT_EQ(get(client, port, "/api/v1/health").status, 200);
}

}  // namespace
}  // namespace ksim::services::testing
