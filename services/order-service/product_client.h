// The order-service -> product-service call, behind an interface so the
// handler tests use a fake and the service an HttpClient.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>

#include "ksim/services/http/client.h"
#include "ksim/services/http/metrics.h"

namespace ksim::services::order {

struct ReserveOk {
  double unit_price = 0.0;
  std::string currency = "USD";
  std::int64_t remaining_stock = 0;
};

enum class ReserveErrc {
  kUnknownProduct,  // product-service said 404
  kOutOfStock,      // 409 insufficient_stock
  kRejected,        // another 4xx (e.g. reservation_mismatch, bad request)
  kUnavailable,     // unreachable, timed out, or a 5xx
};

struct ReserveError {
  ReserveErrc code;
  std::string message;  // for the client's error body and the logs
};

class ProductClient {
 public:
  virtual ~ProductClient() = default;
  // POST /api/v1/products/{product_id}/reserve {"quantity","reservationId"}.
  // Idempotent per reservation_id on the product side, so a caller may
  // repeat it after any failure. Thread-safe.
  virtual std::expected<ReserveOk, ReserveError> reserve(std::string_view product_id,
                                                         std::int64_t quantity,
                                                         std::string_view reservation_id) = 0;
};

// "http://host[:port][/prefix]" split up; nullopt-like error text when bad.
struct BaseUrl {
  std::string host;
  std::uint16_t port = 80;
  std::string prefix;  // "" or "/something" (no trailing slash)
};
std::expected<BaseUrl, std::string> parse_base_url(std::string_view url);

// The real client: HttpClient with a keep-alive pool.
class HttpProductClient final : public ProductClient {
 public:
  HttpProductClient(BaseUrl base, std::chrono::milliseconds timeout);
  std::expected<ReserveOk, ReserveError> reserve(std::string_view product_id, std::int64_t quantity,
                                                 std::string_view reservation_id) override;

 private:
  BaseUrl base_;
  http::HttpClient client_;
};

// Counts the calls of `inner` by outcome and times them, in `metrics`:
// product_reserve_total{result="ok"|"unknown_product"|"out_of_stock"|
// "rejected"|"unavailable"} and product_reserve_duration_seconds.
// Both references must outlive it.
class MeteredProductClient final : public ProductClient {
 public:
  MeteredProductClient(ProductClient& inner, http::MetricsRegistry& metrics);
  std::expected<ReserveOk, ReserveError> reserve(std::string_view product_id, std::int64_t quantity,
                                                 std::string_view reservation_id) override;

 private:
  ProductClient& inner_;
  std::array<http::Counter*, 5> results_{};  // ok, then ReserveErrc in order
  http::Histogram* duration_;
};

}  // namespace ksim::services::order
