#include "product_client.h"

#include <charconv>

namespace ksim::services::order {
namespace {

ReserveError classify(const http::Response& res) {
  std::string message = "product-service answered " + std::to_string(res.result_int());
  std::string code;
  const auto body = nlohmann::json::parse(res.body(), nullptr, false);
  if (body.is_object()) {
    code = body.value("error", "");
    message = body.value("message", message);
  }
  switch (res.result_int()) {
    case 404:
      return {ReserveErrc::kUnknownProduct, message};
    case 409:
      return {code == "insufficient_stock" ? ReserveErrc::kOutOfStock : ReserveErrc::kRejected,
              message};
    default:
      break;
  }
  return {res.result_int() >= 500 ? ReserveErrc::kUnavailable : ReserveErrc::kRejected, message};
}

}  // namespace

std::expected<BaseUrl, std::string> parse_base_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return std::unexpected("must start with http://");
  url.remove_prefix(kScheme.size());
  BaseUrl base;
  const std::size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos) base.prefix = std::string(url.substr(slash));
  while (base.prefix.ends_with('/')) base.prefix.pop_back();
  // An IPv6 literal is bracketed ("[fd00::1]:80"): its colons are not the port's.
  const std::size_t bracket = authority.starts_with('[') ? authority.find(']') : 0;
  if (bracket == std::string_view::npos) return std::unexpected("unclosed '[' in the host");
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && colon > bracket) {
    const std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return std::unexpected("bad port '" + std::string(port) + "'");
    }
    base.port = static_cast<std::uint16_t>(value);
    authority = authority.substr(0, colon);
  }
  if (bracket > 0) authority = authority.substr(1, bracket - 1);
  if (authority.empty()) return std::unexpected("no host");
  base.host = std::string(authority);
  return base;
}

HttpProductClient::HttpProductClient(BaseUrl base, std::chrono::milliseconds timeout)
    : base_(std::move(base)), client_([timeout] {
        http::ClientOptions o;
        o.request_timeout = timeout;
        o.connect_timeout = std::min(timeout, std::chrono::milliseconds(2'000));
        return o;
      }()) {}

std::expected<ReserveOk, ReserveError> HttpProductClient::reserve(std::string_view product_id,
                                                                  std::int64_t quantity,
                                                                  std::string_view reservation_id) {
  const std::string target =
      base_.prefix + "/api/v1/products/" + std::string(product_id) + "/reserve";
  const nlohmann::json body{{"quantity", quantity}, {"reservationId", reservation_id}};
  auto res = client_.send_json(base_.host, base_.port, http::Verb::post, target, body);
  // The client retries only idempotent methods on a pooled connection the
  // peer had closed; this POST is idempotent by its reservationId, so one
  // more attempt after a mid-exchange failure is safe.
  if (!res && res.error().code == http::ClientErrc::kIo) {
    res = client_.send_json(base_.host, base_.port, http::Verb::post, target, body);
  }
  if (!res) return std::unexpected(ReserveError{ReserveErrc::kUnavailable, res.error().message});
  if (res->result_int() != 200) return std::unexpected(classify(*res));
  const auto parsed = nlohmann::json::parse(res->body(), nullptr, false);
  if (!parsed.is_object() || !parsed.contains("unitPrice") || !parsed["unitPrice"].is_number()) {
    return std::unexpected(
        ReserveError{ReserveErrc::kUnavailable, "product-service answered 200 without unitPrice"});
  }
  return ReserveOk{parsed["unitPrice"].get<double>(), parsed.value("currency", "USD"),
                   parsed.value("remainingStock", std::int64_t{0})};
}

MeteredProductClient::MeteredProductClient(ProductClient& inner, http::MetricsRegistry& metrics)
    : inner_(inner),
      duration_(&metrics
                     .histogram("product_reserve_duration_seconds",
                                "Stock reservation calls to product-service, by duration.", {})
                     .with({})) {
  auto& total =
      metrics.counter("product_reserve_total",
                      "Stock reservation calls to product-service, by result.", {"result"});
  constexpr std::string_view kResults[] = {"ok", "unknown_product", "out_of_stock", "rejected",
                                           "unavailable"};
  for (std::size_t i = 0; i < results_.size(); ++i) results_[i] = &total.with({kResults[i]});
}

std::expected<ReserveOk, ReserveError> MeteredProductClient::reserve(
    std::string_view product_id, std::int64_t quantity, std::string_view reservation_id) {
  const auto start = std::chrono::steady_clock::now();
  auto result = inner_.reserve(product_id, quantity, reservation_id);
  duration_->observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  results_[result ? 0 : 1 + static_cast<std::size_t>(result.error().code)]->inc();
  return result;
}

}  // namespace ksim::services::order
