// The server over loopback: keep-alive, pipelining, limits, malformed
// requests, the idle timeout and the built-in endpoints.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

#include "ksim/services/http/json.h"
#include "loopback.h"

namespace ksim::services::http {
namespace {

using testing::get_request;
using testing::RawConnection;
using testing::RunningServer;
using testing::test_options;

Router demo_router() {
  Router router;
  router.get("/items/{id}", [](const Request& req) {
    return json_response(Status::ok, {{"id", *req.param("id")}});
  });
  router.post("/echo", [](const Request& req) {
    const auto body = parse_json_object(req);
    if (!body) return to_response(body.error());
    return json_response(Status::ok, *body);
  });
  return router;
}

nlohmann::json json_of(const Response& res) { return nlohmann::json::parse(res.body()); }

TEST(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  RunningServer s(demo_router());
  RawConnection c(s.port());
  c.send(get_request("/items/1"));
  const auto first = c.read_response();
  ASSERT_TRUE(first) << c.error().message();
  EXPECT_TRUE(first->keep_alive());
  c.send(get_request("/items/2"));
  const auto second = c.read_response();
  ASSERT_TRUE(second) << c.error().message();
  EXPECT_EQ(json_of(*second)["id"], "2");
  EXPECT_NE(s.server().metrics().expose().find("http_connections_accepted_total 1\n"),
            std::string::npos);
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  RunningServer s(demo_router());
  RawConnection c(s.port());
  const std::string echo_body = R"({"n":2})";
  c.send(get_request("/items/1") + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: " +
         "application/json\r\nContent-Length: " + std::to_string(echo_body.size()) + "\r\n\r\n" +
         echo_body + get_request("/items/3"));
  const auto r1 = c.read_response();
  const auto r2 = c.read_response();
  const auto r3 = c.read_response();
  ASSERT_TRUE(r1 && r2 && r3) << c.error().message();
  EXPECT_EQ(json_of(*r1)["id"], "1");
  EXPECT_EQ(json_of(*r2)["n"], 2);
  EXPECT_EQ(json_of(*r3)["id"], "3");
}

TEST(HttpServerTest, ExpectContinueGetsAnInterimResponse) {
  RunningServer s(demo_router());
  RawConnection c(s.port());
  const std::string body = R"({"big":")" + std::string(2000, 'b') + R"("})";
  c.send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Expect: 100-continue\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n");
  const auto interim = c.read_response();
  ASSERT_TRUE(interim) << c.error().message();
  EXPECT_EQ(interim->result(), Status::continue_);
  c.send(body);
  const auto res = c.read_response();
  ASSERT_TRUE(res) << c.error().message();
  EXPECT_EQ(res->result(), Status::ok);
  EXPECT_EQ(json_of(*res)["big"].get<std::string>().size(), 2000u);
}

TEST(HttpServerTest, OversizedBodyIs413ThenClose) {
  ServerOptions o = test_options();
  o.body_limit = 1024;
  RunningServer s(demo_router(), o);
  RawConnection c(s.port());
  const std::string body(4096, 'x');
  c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body);
  const auto res = c.read_response();
  ASSERT_TRUE(res) << c.error().message();
  EXPECT_EQ(res->result(), Status::payload_too_large);
  EXPECT_EQ(json_of(*res)["error"], "body_too_large");
  EXPECT_FALSE(res->keep_alive());
  EXPECT_TRUE(c.wait_closed());
}

TEST(HttpServerTest, OversizedHeadersAre431) {
  ServerOptions o = test_options();
  o.header_limit = 2048;
  RunningServer s(demo_router(), o);
  RawConnection c(s.port());
  c.send(get_request("/items/1", "X-Big: " + std::string(4096, 'h') + "\r\n"));
  const auto res = c.read_response();
  ASSERT_TRUE(res) << c.error().message();
  EXPECT_EQ(res->result(), Status::request_header_fields_too_large);
  EXPECT_EQ(json_of(*res)["error"], "header_too_large");
  EXPECT_TRUE(c.wait_closed());
}

TEST(HttpServerTest, MalformedRequestLineIs400ThenClose) {
  RunningServer s(demo_router());
  for (const char* garbage : {"GARBAGE\r\n\r\n", "GET /x HTTP/9.Z\r\n\r\n", "GET\r\n\r\n"}) {
    RawConnection c(s.port());
    c.send(garbage);
    const auto res = c.read_response();
    ASSERT_TRUE(res) << garbage << ": " << c.error().message();
    EXPECT_EQ(res->result(), Status::bad_request) << garbage;
    EXPECT_EQ(json_of(*res)["error"], "malformed_request");
    EXPECT_TRUE(c.wait_closed()) << garbage;
  }
  EXPECT_NE(s.server().metrics().expose().find("http_protocol_errors_total{code=\"400\"} 3\n"),
            std::string::npos);
}

TEST(HttpServerTest, GarbageNeverTakesTheServerDown) {
  ServerOptions o = test_options();
  o.read_timeout = std::chrono::milliseconds(200);
  RunningServer s(demo_router(), o);
  std::mt19937 random(7);  // fixed seed: the same bytes every run
  const std::string prefixes[] = {"", "GET /items/", "POST /echo HTTP/1.1\r\nContent-Length: ",
                                  "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"};
  for (int i = 0; i < 40; ++i) {
    std::string bytes = prefixes[i % 4];
    const std::size_t n = 1 + random() % 600;
    for (std::size_t b = 0; b < n; ++b) bytes.push_back(static_cast<char>(random() & 0xff));
    RawConnection c(s.port());
    c.send(bytes);
    // Dropped without reading: the server may be answering or still reading.
  }
  RawConnection after(s.port());
  after.send(get_request("/health"));
  const auto res = after.read_response();
  ASSERT_TRUE(res) << after.error().message();
  EXPECT_EQ(res->result(), Status::ok);
}

TEST(HttpServerTest, BadJsonAndUnknownRoutesGetJsonErrors) {
  RunningServer s(demo_router());
  RawConnection c(s.port());
  c.send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Content-Length: 5\r\n\r\n{\"a\":");
  const auto bad = c.read_response();
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->result(), Status::bad_request);
  EXPECT_EQ(json_of(*bad)["error"], "malformed_json");
  c.send(get_request("/nope"));
  const auto missing = c.read_response();
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->result(), Status::not_found);
  EXPECT_TRUE(missing->keep_alive());  // a 4xx from a handler keeps the connection
}

TEST(HttpServerTest, IdleTimeoutClosesTheConnection) {
  ServerOptions o = test_options();
  o.idle_timeout = std::chrono::milliseconds(200);
  RunningServer s(demo_router(), o);
  RawConnection c(s.port());
  c.send(get_request("/items/1"));
  ASSERT_TRUE(c.read_response());
  EXPECT_TRUE(c.wait_closed()) << c.error().message();
}

TEST(HttpServerTest, ReadTimeoutClosesAHalfSentRequest) {
  ServerOptions o = test_options();
  o.read_timeout = std::chrono::milliseconds(200);
  RunningServer s(demo_router(), o);
  RawConnection c(s.port());
  c.send("GET /items/1 HTTP/1.1\r\nHost: t\r\n");  // the blank line never comes
  EXPECT_TRUE(c.wait_closed()) << c.error().message();
}

// The lines `logger` wrote to `file` so far, each parsed as JSON.
std::vector<nlohmann::json> log_lines(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::vector<nlohmann::json> lines;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, file) != nullptr) lines.push_back(nlohmann::json::parse(buf));
  return lines;
}

TEST(HttpServerTest, AccessLogOnlyWhenEnabled) {
  for (const bool enabled : {false, true}) {
    std::FILE* file = std::tmpfile();
    ASSERT_NE(file, nullptr);
    {
      ServerOptions o = test_options();
      o.access_log = enabled;
      RunningServer s(demo_router(), o, std::make_shared<Logger>(LogLevel::kInfo, file));
      RawConnection c(s.port());
      c.send(get_request("/items/5?x=1"));
      ASSERT_TRUE(c.read_response());
    }
    int requests = 0;
    for (const auto& line : log_lines(file)) {
      if (line["msg"] != "request") continue;
      ++requests;
      EXPECT_EQ(line["method"], "GET");
      EXPECT_EQ(line["target"], "/items/5?x=1");
      EXPECT_EQ(line["status"], 200);
      EXPECT_TRUE(line["duration_us"].is_number_integer());
    }
    EXPECT_EQ(requests, enabled ? 1 : 0);
    std::fclose(file);
  }
}

TEST(HttpServerTest, HealthReadyAndMetrics) {
  RunningServer s(demo_router());
  RawConnection c(s.port());
  c.send(get_request("/health"));
  const auto health = c.read_response();
  ASSERT_TRUE(health);
  EXPECT_EQ(json_of(*health), (nlohmann::json{{"status", "ok"}}));

  c.send(get_request("/ready"));
  EXPECT_EQ(c.read_response()->result(), Status::ok);
  s.server().set_ready(false);
  c.send(get_request("/ready"));
  const auto not_ready = c.read_response();
  ASSERT_TRUE(not_ready);
  EXPECT_EQ(not_ready->result(), Status::service_unavailable);
  EXPECT_EQ(json_of(*not_ready)["status"], "starting");

  for (const char* id : {"1", "2", "3"}) {
    c.send(get_request(std::string("/items/") + id));
    ASSERT_TRUE(c.read_response());
  }
  c.send(get_request("/missing"));
  ASSERT_TRUE(c.read_response());
  c.send(get_request("/metrics"));
  const auto metrics = c.read_response();
  ASSERT_TRUE(metrics);
  EXPECT_EQ((*metrics)[Field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = metrics->body();
  // The route pattern, not the raw path, labels the series.
  EXPECT_NE(text.find("http_requests_total{method=\"GET\",route=\"/items/{id}\",code=\"200\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("http_requests_total{method=\"ANY\",route=\"unmatched\",code=\"404\"} 1\n"),
            std::string::npos);
  EXPECT_NE(
      text.find("http_request_duration_seconds_count{method=\"GET\",route=\"/items/{id}\"} 3\n"),
      std::string::npos);
  EXPECT_NE(text.find("http_requests_in_flight 1\n"), std::string::npos);  // the scrape itself
  EXPECT_NE(text.find("process_cpu_seconds_total "), std::string::npos);
}

}  // namespace
}  // namespace ksim::services::http
