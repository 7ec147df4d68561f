#include "backend_handlers.h"

#include <charconv>
#include <limits>
#include <string>

#include "item_json.h"
#include "ksim/services/http/json.h"
#include "score.h"

namespace ksim::services::backend {
namespace {

using http::ApiError;
using http::Response;
using http::Status;

Response store_failure(const StoreError& error) {
  switch (error.code) {
    case StoreErrc::kNotFound:
      return http::json_error(Status::not_found, "not_found", "no such item");
    case StoreErrc::kDuplicate:
      return http::json_error(Status::conflict, "conflict", "an item with this id already exists");
    case StoreErrc::kInternal:
      break;
  }
  // The store failing (busy past its timeout, disk error) is the server's
  // problem and may pass: 503 tells a client it may retry.
  return http::json_error(Status::service_unavailable, "unavailable",
                          "the item store failed: " + error.message);
}

// The {id} path parameter; an id no item can have is a plain 404.
std::expected<std::string_view, Response> path_id(const http::Request& request) {
  const auto id = request.param("id").value_or("");
  if (!valid_item_id(id)) {
    return std::unexpected(http::json_error(Status::not_found, "not_found", "no such item"));
  }
  return id;
}

}  // namespace

void BackendHandlers::add_routes(http::Router& router) const {
  router.get("/backend/items", [this](const http::Request& r) { return list(r); });
  router.post("/backend/items", [this](const http::Request& r) { return create(r); });
  router.get("/backend/items/{id}", [this](const http::Request& r) { return get(r); });
  router.put("/backend/items/{id}", [this](const http::Request& r) { return update(r); });
  router.del("/backend/items/{id}", [this](const http::Request& r) { return remove(r); });
  router.get("/backend/items/{id}/score", [this](const http::Request& r) { return score(r); });
}

Response BackendHandlers::list(const http::Request& request) const {
  const auto limit = http::query_int(request, "limit", kDefaultLimit, 1, kMaxLimit);
  if (!limit) return http::to_response(limit.error());
  const auto offset =
      http::query_int(request, "offset", 0, 0, std::numeric_limits<std::int64_t>::max());
  if (!offset) return http::to_response(offset.error());
  const auto page = store_->list(*limit, *offset);
  if (!page) return store_failure(page.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : page->items) items.push_back(to_json(item));
  return http::json_response(Status::ok, {{"items", std::move(items)},
                                          {"limit", *limit},
                                          {"offset", *offset},
                                          {"total", page->total}});
}

Response BackendHandlers::get(const http::Request& request) const {
  const auto id = path_id(request);
  if (!id) return id.error();
  const auto item = store_->get(*id);
  if (!item) return store_failure(item.error());
  return http::json_response(Status::ok, to_json(*item));
}

Response BackendHandlers::create(const http::Request& request) const {
  const auto body = http::parse_json_object(request);
  if (!body) return http::to_response(body.error());
  const auto item = item_from_json(*body, std::nullopt);
  if (!item) return http::to_response(item.error());
  if (auto done = store_->create(*item); !done) return store_failure(done.error());
  auto response = http::json_response(Status::created, to_json(*item));
  response.set(http::Field::location, "/backend/items/" + item->id);
  return response;
}

Response BackendHandlers::update(const http::Request& request) const {
  const auto id = path_id(request);
  if (!id) return id.error();
  const auto body = http::parse_json_object(request);
  if (!body) return http::to_response(body.error());
  const auto item = item_from_json(*body, *id);
  if (!item) return http::to_response(item.error());
  if (auto done = store_->update(*item); !done) return store_failure(done.error());
  return http::json_response(Status::ok, to_json(*item));
}

Response BackendHandlers::remove(const http::Request& request) const {
  const auto id = path_id(request);
  if (!id) return id.error();
  if (auto done = store_->remove(*id); !done) return store_failure(done.error());
  Response response{Status::no_content, 11};
  return response;
}

Response BackendHandlers::score(const http::Request& request) const {
  const auto id = path_id(request);
  if (!id) return id.error();
  const auto rounds = http::query_int(request, "rounds", kDefaultScoreRounds, 1, kMaxScoreRounds);
  if (!rounds) return http::to_response(rounds.error());
  const auto item = store_->get(*id);
  if (!item) return store_failure(item.error());
  const Score s = score_item(*item, *rounds);
  return http::json_response(Status::ok, {{"id", item->id},
                                          {"rounds", *rounds},
                                          {"expectedRevenue", s.expected_revenue},
                                          {"sellOutRate", s.sell_out_rate}});
}

}  // namespace ksim::services::backend
