#include "order_handlers.h"

#include <charconv>
#include <limits>

#include "ksim/services/http/json.h"
#include "quote.h"

namespace ksim::services::order {
namespace {

using http::ApiError;
using http::Request;
using http::Response;
using http::Status;

template <class T>
std::expected<T, ApiError> number_query(const Request& req, std::string_view name, T fallback,
                                        T min, T max) {
  const auto text = req.query(name);
  if (!text) return fallback;
  T value{};
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec == std::errc() && end == text->data() + text->size() && value >= min && value <= max) {
    return value;
  }
  return std::unexpected(ApiError{Status::bad_request, "bad_request",
                                  "query parameter '" + std::string(name) + "' must be " +
                                      (std::is_integral_v<T> ? "an integer" : "a number") +
                                      " in [" + std::to_string(min) + ", " + std::to_string(max) +
                                      "]",
                                  std::string(name)});
}

Response raw_json(Status status, std::string body) {
  Response res{status, 11};
  res.set(http::Field::content_type, "application/json");
  res.body() = std::move(body);
  return res;
}

Response reserve_failure(const ReserveError& e) {
  switch (e.code) {
    case ReserveErrc::kUnknownProduct:
      return http::to_response(
          {Status::unprocessable_entity, "unknown_product", e.message, "productId"});
    case ReserveErrc::kOutOfStock:
      return http::json_error(Status::conflict, "out_of_stock", e.message);
    case ReserveErrc::kRejected:
      return http::json_error(Status::bad_gateway, "product_service_rejected", e.message);
    case ReserveErrc::kUnavailable:
      break;
  }
  return http::json_error(Status::service_unavailable, "product_service_unavailable",
                          "product-service unavailable: " + e.message);
}

}  // namespace

OrderHandlers::OrderHandlers(OrderStore& store, ProductClient& products,
                             std::shared_ptr<http::Logger> logger)
    : store_(store), products_(products), logger_(std::move(logger)) {}

void OrderHandlers::add_routes(http::Router& router) {
  const auto bind = [this](Response (OrderHandlers::*fn)(const Request&) const) {
    return [this, fn](const Request& req) { return (this->*fn)(req); };
  };
  router.get("/api/v1/health", bind(&OrderHandlers::health));
  router.post("/api/v1/orders", bind(&OrderHandlers::create));
  router.get("/api/v1/orders", bind(&OrderHandlers::list));
  router.get("/api/v1/orders/quote", bind(&OrderHandlers::quote));
  router.get("/api/v1/orders/{id}", bind(&OrderHandlers::get));
}

Response OrderHandlers::store_failure(const StoreError& error) const {
  if (logger_) logger_->error("store failure", {{"error", error.message}});
  return http::json_error(Status::internal_server_error, "internal", "storage failure");
}

Response OrderHandlers::health(const Request&) const {
  return raw_json(Status::ok, R"({"status":"ok"})");
}

Response OrderHandlers::create(const Request& req) const {
  const auto body = http::parse_json_object(req);
  if (!body) return http::to_response(body.error());
  const auto request = parse_order_request(*body);
  if (!request) return http::to_response(request.error());
  // The crash window: the pending row (and so the order id) is durable
  // before the product call and the reservationId is that order id. If this
  // process dies after the reservation but before complete(), the restart's
  // recover_pending() repeats the call with the same reservationId: the
  // product side replays its first answer instead of reserving twice.
  const auto pending = store_.insert_pending(*request);
  if (!pending) return store_failure(pending.error());
  const auto reserved = products_.reserve(request->product_id, request->quantity, pending->id);
  if (!reserved) {
    // Nothing stays stored for a failed order. (After a timeout the product
    // side may still have reserved: releasing that stock would need a
    // compensating call product-service does not offer yet.)
    if (auto d = store_.discard(pending->id); !d) return store_failure(d.error());
    return reserve_failure(reserved.error());
  }
  const auto order = store_.complete(pending->id, reserved->unit_price, reserved->currency);
  if (!order) return store_failure(order.error());
  Response res = http::json_response(Status::created, to_json(*order));
  res.set(http::Field::location, "/api/v1/orders/" + order->id);
  return res;
}

Response OrderHandlers::list(const Request& req) const {
  const auto limit = number_query<std::int64_t>(req, "limit", kDefaultPageSize, 1, kMaxPageSize);
  if (!limit) return http::to_response(limit.error());
  const auto offset =
      number_query<std::int64_t>(req, "offset", 0, 0, std::numeric_limits<std::int64_t>::max());
  if (!offset) return http::to_response(offset.error());
  const auto page = store_.list(*limit, *offset);
  if (!page) return store_failure(page.error());
  const std::int64_t next = *offset + page->count;
  return raw_json(Status::ok, R"({"items":)" + page->items_json + R"(,"total":)" +
                                  std::to_string(page->total) + R"(,"limit":)" +
                                  std::to_string(*limit) + R"(,"offset":)" +
                                  std::to_string(*offset) + R"(,"next":)" +
                                  (next < page->total ? std::to_string(next) : "null") + "}");
}

Response OrderHandlers::get(const Request& req) const {
  const std::string_view id = *req.param("id");
  auto json = store_.find_json(id);
  if (!json) return store_failure(json.error());
  if (!*json) {
    return http::json_error(Status::not_found, "not_found", "no order '" + std::string(id) + "'");
  }
  return raw_json(Status::ok, std::move(**json));
}

Response OrderHandlers::quote(const Request& req) const {
  const auto quantity = number_query<std::int64_t>(req, "quantity", 1, 1, kMaxQuantity);
  if (!quantity) return http::to_response(quantity.error());
  const auto price = number_query<double>(req, "unitPrice", 10.0, 0.0, 1e9);
  if (!price) return http::to_response(price.error());
  const auto samples = number_query<std::int64_t>(req, "samples", 1000, 1, kMaxSamples);
  if (!samples) return http::to_response(samples.error());
  const Quote q = make_quote(*quantity, *price, *samples);
  return http::json_response(Status::ok, {{"quantity", q.quantity},
                                          {"unitPrice", q.unit_price},
                                          {"subtotal", q.subtotal},
                                          {"discount", q.discount},
                                          {"total", q.total},
                                          {"deliveryDaysP50", q.delivery_days_p50},
                                          {"deliveryDaysP95", q.delivery_days_p95},
                                          {"samples", q.samples}});
}

std::int64_t OrderHandlers::recover_pending(const std::vector<Order>& pending) const {
  std::int64_t resolved = 0;
  for (const Order& o : pending) {
    const auto reserved = products_.reserve(o.product_id, o.quantity, o.id);
    if (!reserved && reserved.error().code == ReserveErrc::kUnavailable) continue;
    const bool done =
        reserved ? store_.complete(o.id, reserved->unit_price, reserved->currency).has_value()
                 : store_.discard(o.id).has_value();
    if (done) ++resolved;
    if (logger_) {
      logger_->info("recovered pending order", {{"id", o.id}, {"completed", reserved.has_value()}});
    }
  }
  return resolved;
}

}  // namespace ksim::services::order
