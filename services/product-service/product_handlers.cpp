#include "product_handlers.h"

#include <charconv>

#include "ksim/services/http/json.h"
#include "ksim/services/store/outbox.h"
#include "recommend.h"

namespace ksim::services::product {
namespace {

using http::ApiError;
using http::Request;
using http::Response;
using http::Status;

Response raw_json(Status status, std::string body) {
  Response res{status, 11};
  res.set(http::Field::content_type, "application/json");
  res.body() = std::move(body);
  return res;
}

Response not_found(std::string_view id) {
  return http::json_error(Status::not_found, "not_found", "no product '" + std::string(id) + "'");
}

std::expected<std::string, ApiError> reservation_id(const nlohmann::json& body) {
  auto id = http::optional_field<std::string>(body, "reservationId");
  if (!id) return std::unexpected(id.error());
  // Without one the reservation is not idempotent: a fresh id per call
  // (what a calibration run repeating one request needs).
  if (!*id) return store::make_event_id();
  if ((*id)->empty() || (*id)->size() > 128) {
    return std::unexpected(
        http::field_error("reservationId", "field 'reservationId' must be 1-128 bytes"));
  }
  return std::move(**id);
}

}  // namespace

ProductHandlers::ProductHandlers(ProductStore& store, std::shared_ptr<http::Logger> logger)
    : store_(store), logger_(std::move(logger)) {}

void ProductHandlers::add_routes(http::Router& router) {
  const auto bind = [this](Response (ProductHandlers::*fn)(const Request&) const) {
    return [this, fn](const Request& req) { return (this->*fn)(req); };
  };
  router.get("/api/v1/health", bind(&ProductHandlers::health));
  router.get("/api/v1/products", bind(&ProductHandlers::list));
  router.post("/api/v1/products", bind(&ProductHandlers::create));
  router.get("/api/v1/products/{id}", bind(&ProductHandlers::get));
  router.put("/api/v1/products/{id}", bind(&ProductHandlers::replace));
  router.del("/api/v1/products/{id}", bind(&ProductHandlers::remove));
  router.post("/api/v1/products/{id}/reserve", bind(&ProductHandlers::reserve));
  router.get("/api/v1/products/{id}/recommendations", bind(&ProductHandlers::recommendations));
}

Response ProductHandlers::store_failure(const StoreError& error) const {
  switch (error.code) {
    case StoreErrc::kNotFound:
      return http::json_error(Status::not_found, "not_found", error.message);
    case StoreErrc::kConflict:
      return http::json_error(Status::conflict, "conflict", error.message);
    case StoreErrc::kReservationMismatch:
      return http::json_error(Status::conflict, "reservation_mismatch", error.message);
    case StoreErrc::kInternal:
      break;
  }
  if (logger_) logger_->error("store failure", {{"error", error.message}});
  return http::json_error(Status::internal_server_error, "internal", "storage failure");
}

Response ProductHandlers::health(const Request&) const {
  return raw_json(Status::ok, R"({"status":"ok"})");
}

Response ProductHandlers::list(const Request& req) const {
  const auto limit = http::query_int(req, "limit", kDefaultPageSize, 1, kMaxPageSize);
  if (!limit) return http::to_response(limit.error());
  const auto offset =
      http::query_int(req, "offset", 0, 0, std::numeric_limits<std::int64_t>::max());
  if (!offset) return http::to_response(offset.error());
  const auto page = store_.list(*limit, *offset);
  if (!page) return store_failure(page.error());
  const std::int64_t next = *offset + page->count;
  std::string body = R"({"items":)" + page->items_json + R"(,"total":)" +
                     std::to_string(page->total) + R"(,"limit":)" + std::to_string(*limit) +
                     R"(,"offset":)" + std::to_string(*offset) + R"(,"next":)" +
                     (next < page->total ? std::to_string(next) : std::string("null")) + "}";
  return raw_json(Status::ok, std::move(body));
}

Response ProductHandlers::create(const Request& req) const {
  const auto body = http::parse_json_object(req);
  if (!body) return http::to_response(body.error());
  auto product = parse_product(*body, std::nullopt);
  if (!product) return http::to_response(product.error());
  const auto created = store_.create(std::move(*product));
  if (!created) return store_failure(created.error());
  Response res = http::json_response(Status::created, to_json(*created));
  res.set(http::Field::location, "/api/v1/products/" + created->id);
  return res;
}

Response ProductHandlers::get(const Request& req) const {
  // The hot path: one cached statement on this thread's connection and the
  // stored JSON copied as is.
  const std::string_view id = *req.param("id");
  auto json = store_.find_json(id);
  if (!json) return store_failure(json.error());
  if (!*json) return not_found(id);
  return raw_json(Status::ok, std::move(**json));
}

Response ProductHandlers::replace(const Request& req) const {
  const std::string_view id = *req.param("id");
  const auto body = http::parse_json_object(req);
  if (!body) return http::to_response(body.error());
  auto product = parse_product(*body, id);
  if (!product) return http::to_response(product.error());
  product->id = id;
  const auto updated = store_.update(std::move(*product));
  if (!updated) return store_failure(updated.error());
  return http::json_response(Status::ok, to_json(*updated));
}

Response ProductHandlers::remove(const Request& req) const {
  const auto removed = store_.remove(*req.param("id"));
  if (!removed) return store_failure(removed.error());
  return Response{Status::no_content, 11};
}

Response ProductHandlers::reserve(const Request& req) const {
  const auto body = http::parse_json_object(req);
  if (!body) return http::to_response(body.error());
  for (const auto& [key, value] : body->items()) {
    if (key != "quantity" && key != "reservationId") {
      return http::to_response(http::field_error(key, "unknown field '" + key + "'"));
    }
  }
  const auto quantity = http::required_field<std::int64_t>(*body, "quantity");
  if (!quantity) return http::to_response(quantity.error());
  if (*quantity < 1) {
    return http::to_response(http::field_error("quantity", "field 'quantity' must be >= 1"));
  }
  auto rid = reservation_id(*body);
  if (!rid) return http::to_response(rid.error());
  const auto answer = store_.reserve(*req.param("id"), *quantity, *rid);
  if (!answer) return store_failure(answer.error());
  return raw_json(static_cast<Status>(answer->status), answer->body);
}

Response ProductHandlers::recommendations(const Request& req) const {
  const auto limit = http::query_int(req, "limit", 10, 1, kMaxRecommendations);
  if (!limit) return http::to_response(limit.error());
  const auto depth = http::query_int(req, "depth", 10, 1, kMaxDepth);
  if (!depth) return http::to_response(depth.error());
  const std::string_view id = *req.param("id");
  const auto seed = store_.find(id);
  if (!seed) return store_failure(seed.error());
  if (!*seed) return not_found(id);
  const auto catalogue = store_.catalogue(kMaxCatalogue);
  if (!catalogue) return store_failure(catalogue.error());
  // Tests of the drain wait for this line to know the request is in flight.
  if (logger_ && logger_->enabled(http::LogLevel::kDebug)) {
    logger_->debug("recommendations started", {{"id", id}, {"depth", *depth}});
  }
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : recommend(*catalogue, **seed, *limit, *depth)) {
    items.push_back({{"id", r.id}, {"score", r.score}});
  }
  return http::json_response(Status::ok, {{"productId", id},
                                          {"depth", *depth},
                                          {"catalogueSize", catalogue->size()},
                                          {"items", std::move(items)}});
}

}  // namespace ksim::services::product
