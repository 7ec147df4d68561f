// HttpProductClient against in-process servers: how each product-service
// answer (and silence) maps to a ReserveErrc, and the base URL parser.
#include "product_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "ksim/services/http/json.h"
#include "ksim/services/http/server.h"

namespace ksim::services::order {
namespace {

using http::Status;

// A product-service stand-in answering each product id its own way.
class FakeProductService {
 public:
  FakeProductService() : server_(options(), router()) {
    server_.set_ready(true);
    thread_ = std::thread([this] { server_.run(); });
  }
  ~FakeProductService() {
    server_.shutdown();
    thread_.join();
  }
  BaseUrl url() const { return {"127.0.0.1", server_.port(), ""}; }

 private:
  static http::ServerOptions options() {
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 1;
    o.log_level = http::LogLevel::kOff;
    o.handle_signals = false;
    return o;
  }
  static http::Router router() {
    http::Router r;
    r.post("/api/v1/products/{id}/reserve", [](const http::Request& req) {
      const std::string_view id = *req.param("id");
      if (id == "ok") {
        return http::json_response(Status::ok, {{"unitPrice", 1.5}, {"currency", "EUR"}});
      }
      if (id == "short") return http::json_error(Status::conflict, "insufficient_stock", "short");
      if (id == "reused") {
        return http::json_error(Status::conflict, "reservation_mismatch", "reused");
      }
      if (id == "broken") return http::json_error(Status::internal_server_error, "internal", "x");
      if (id == "odd") return http::json_response(Status::ok, {{"price", 1}});
      return http::json_error(Status::not_found, "not_found", "no such product");
    });
    return r;
  }

  http::Server server_;
  std::thread thread_;
};

TEST(ProductClientTest, AnswersMapToReserveErrors) {
  FakeProductService fake;
  HttpProductClient client(fake.url(), std::chrono::seconds(30));
  const auto ok = client.reserve("ok", 2, "r-1");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->unit_price, 1.5);
  EXPECT_EQ(ok->currency, "EUR");
  const std::pair<const char*, ReserveErrc> cases[] = {{"missing", ReserveErrc::kUnknownProduct},
                                                       {"short", ReserveErrc::kOutOfStock},
                                                       {"reused", ReserveErrc::kRejected},
                                                       {"broken", ReserveErrc::kUnavailable},
                                                       {"odd", ReserveErrc::kUnavailable}};
  for (const auto& [id, code] : cases) {
    const auto r = client.reserve(id, 1, "r-2");
    ASSERT_FALSE(r) << id;
    EXPECT_EQ(r.error().code, code) << id << ": " << r.error().message;
  }
}

TEST(ProductClientTest, SilenceAndRefusalAreUnavailable) {
  // A listening socket nobody accepts on: the connection completes in the
  // kernel, the request is never answered, the client's timeout ends it.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::uint16_t port = ntohs(addr.sin_port);
  {
    HttpProductClient client({"127.0.0.1", port, ""}, std::chrono::milliseconds(300));
    const auto silent = client.reserve("p-1", 1, "r-1");
    ASSERT_FALSE(silent);
    EXPECT_EQ(silent.error().code, ReserveErrc::kUnavailable) << silent.error().message;
  }
  ::close(fd);  // now nothing listens there
  HttpProductClient client({"127.0.0.1", port, ""}, std::chrono::seconds(5));
  const auto refused = client.reserve("p-1", 1, "r-1");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ReserveErrc::kUnavailable) << refused.error().message;
}

TEST(ProductClientTest, MeteredClientCountsByResult) {
  FakeProductService fake;
  HttpProductClient inner(fake.url(), std::chrono::seconds(30));
  http::MetricsRegistry metrics;
  MeteredProductClient client(inner, metrics);
  EXPECT_TRUE(client.reserve("ok", 1, "a"));
  EXPECT_TRUE(client.reserve("ok", 1, "b"));
  EXPECT_FALSE(client.reserve("short", 1, "c"));
  const std::string text = metrics.expose();
  EXPECT_NE(text.find("product_reserve_total{result=\"ok\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("product_reserve_total{result=\"out_of_stock\"} 1"), std::string::npos);
  EXPECT_NE(text.find("product_reserve_duration_seconds_count 3"), std::string::npos) << text;
}

TEST(BaseUrlTest, ParsesHostPortAndPrefix) {
  const auto a = parse_base_url("http://product-service.shop.svc.cluster.local");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "product-service.shop.svc.cluster.local");
  EXPECT_EQ(a->port, 80);
  const auto b = parse_base_url("http://127.0.0.1:8081/base/");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->port, 8081);
  EXPECT_EQ(b->prefix, "/base");
  const auto c = parse_base_url("http://[fd00::1]:8081");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "fd00::1");
  EXPECT_EQ(c->port, 8081);
  EXPECT_EQ(parse_base_url("http://[::1]")->host, "::1");
  for (const char* bad :
       {"https://x", "http://", "http://x:0", "http://x:99999", "x:80", "http://[::1"}) {
    EXPECT_FALSE(parse_base_url(bad)) << bad;
  }
}

}  // namespace
}  // namespace ksim::services::order
