#include "api_handlers.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <string>

#include "compute.h"
#include "ksim/services/http/json.h"

namespace ksim::services::api {
namespace {

using http::ApiError;
using http::Response;
using http::Status;

constexpr std::int64_t kDefaultLimit = 20;
constexpr std::int64_t kMaxLimit = 100;

// The same id rule as backend-service: anything else cannot exist, and
// checking here keeps '/', '?' and '%' out of the backend's target.
bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Response not_found() { return http::json_error(Status::not_found, "not_found", "no such item"); }

Response backend_failure(const BackendError& error) {
  switch (error.code) {
    case BackendErrc::kTimeout:
      return http::json_error(Status::gateway_timeout, "backend_timeout",
                              "backend-service did not answer in time: " + error.message);
    case BackendErrc::kUnavailable:
      return http::json_error(Status::bad_gateway, "backend_unavailable",
                              "backend-service is unreachable: " + error.message);
    case BackendErrc::kBadReply:
      break;
  }
  return http::json_error(Status::bad_gateway, "backend_error", error.message);
}

Response bad_backend_reply(std::string_view what) {
  return http::json_error(Status::bad_gateway, "backend_error",
                          "backend-service answered " + std::string(what));
}

// A backend answer other than the expected success: its 4xx passed on (the
// client's mistake, already a JSON error), anything else a 502.
Response relay(const BackendReply& reply) {
  const auto code = static_cast<unsigned>(reply.status);
  if (code >= 400 && code < 500 && reply.body.is_object() && reply.body.contains("error")) {
    return http::json_response(reply.status, reply.body);
  }
  return bad_backend_reply("status " + std::to_string(code));
}

// backend item -> the public view; nullopt when the backend's shape is off.
std::optional<nlohmann::json> item_view(const nlohmann::json& item, bool full) {
  if (!item.is_object()) return std::nullopt;
  const auto id = item.find("id");
  const auto name = item.find("name");
  const auto price = item.find("price");
  const auto quantity = item.find("quantity");
  if (id == item.end() || name == item.end() || price == item.end() || quantity == item.end() ||
      !quantity->is_number_integer()) {
    return std::nullopt;
  }
  nlohmann::json view = {{"id", *id}, {"name", *name}, {"price", *price}};
  if (full) {
    view["quantity"] = *quantity;
    view["tags"] = item.value("tags", nlohmann::json::array());
  }
  view["inStock"] = quantity->get<std::int64_t>() > 0;
  return view;
}

// Types only: the bounds are backend-service's to check (its 400 is relayed),
// so the two services cannot disagree on them.
std::expected<void, ApiError> check_item_body(const nlohmann::json& body, bool id_required) {
  for (const auto& [key, value] : body.items()) {
    if (key != "id" && key != "name" && key != "price" && key != "quantity" && key != "tags") {
      return std::unexpected(http::field_error(key, "is not a known field"));
    }
  }
  if (id_required) {
    if (auto v = http::required_field<std::string>(body, "id"); !v)
      return std::unexpected(v.error());
  } else if (auto v = http::optional_field<std::string>(body, "id"); !v) {
    return std::unexpected(v.error());
  }
  if (auto v = http::required_field<std::string>(body, "name"); !v) {
    return std::unexpected(v.error());
  }
  if (auto v = http::required_field<double>(body, "price"); !v) return std::unexpected(v.error());
  if (auto v = http::required_field<std::int64_t>(body, "quantity"); !v) {
    return std::unexpected(v.error());
  }
  auto tags = http::optional_field<nlohmann::json>(body, "tags");
  if (!tags) return std::unexpected(tags.error());
  if (*tags) {
    const auto& t = **tags;
    const bool ok = t.is_array() && std::all_of(t.begin(), t.end(), [](const nlohmann::json& e) {
                      return e.is_string();
                    });
    if (!ok) return std::unexpected(http::field_error("tags", "must be an array of strings"));
  }
  return {};
}

// The reply to a call expected to answer one item with `expected` status.
Response item_reply(const BackendResult& result, Status expected, Status answer) {
  if (!result) return backend_failure(result.error());
  if (result->status != expected) return relay(*result);
  const auto view = item_view(result->body, true);
  if (!view) return bad_backend_reply("an item of the wrong shape");
  return http::json_response(answer, *view);
}

}  // namespace

void ApiHandlers::add_routes(http::Router& router) const {
  router.get("/api/items", [this](const http::Request& r) { return list(r); });
  router.post("/api/items", [this](const http::Request& r) { return create(r); });
  router.get("/api/items/{id}", [this](const http::Request& r) { return get(r); });
  router.put("/api/items/{id}", [this](const http::Request& r) { return update(r); });
  router.del("/api/items/{id}", [this](const http::Request& r) { return remove(r); });
  router.get("/api/compute", [this](const http::Request& r) { return compute(r); });
}

Response ApiHandlers::list(const http::Request& request) const {
  const auto limit = http::query_int(request, "limit", kDefaultLimit, 1, kMaxLimit);
  if (!limit) return http::to_response(limit.error());
  const auto offset =
      http::query_int(request, "offset", 0, 0, std::numeric_limits<std::int64_t>::max());
  if (!offset) return http::to_response(offset.error());
  const std::string target =
      "/backend/items?limit=" + std::to_string(*limit) + "&offset=" + std::to_string(*offset);
  const auto result = backend_->call(http::Verb::get, target, nullptr);
  if (!result) return backend_failure(result.error());
  if (result->status != Status::ok) return relay(*result);
  const auto& body = result->body;
  if (!body.is_object() || !body.contains("items") || !body["items"].is_array()) {
    return bad_backend_reply("a list of the wrong shape");
  }
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : body["items"]) {
    auto view = item_view(item, false);
    if (!view) return bad_backend_reply("an item of the wrong shape");
    items.push_back(std::move(*view));
  }
  return http::json_response(
      Status::ok,
      {{"items", std::move(items)},
       {"page", {{"limit", *limit}, {"offset", *offset}, {"total", body.value("total", 0)}}}});
}

Response ApiHandlers::get(const http::Request& request) const {
  const auto id = request.param("id").value_or("");
  if (!valid_id(id)) return not_found();
  const auto result = backend_->call(http::Verb::get, "/backend/items/" + std::string(id), nullptr);
  return item_reply(result, Status::ok, Status::ok);
}

Response ApiHandlers::create(const http::Request& request) const {
  const auto body = http::parse_json_object(request);
  if (!body) return http::to_response(body.error());
  if (auto ok = check_item_body(*body, true); !ok) return http::to_response(ok.error());
  const auto result = backend_->call(http::Verb::post, "/backend/items", &*body);
  auto response = item_reply(result, Status::created, Status::created);
  if (response.result() == Status::created) {
    response.set(http::Field::location, "/api/items/" + (*body)["id"].get<std::string>());
  }
  return response;
}

Response ApiHandlers::update(const http::Request& request) const {
  const auto id = request.param("id").value_or("");
  if (!valid_id(id)) return not_found();
  const auto body = http::parse_json_object(request);
  if (!body) return http::to_response(body.error());
  if (auto ok = check_item_body(*body, false); !ok) return http::to_response(ok.error());
  const auto result = backend_->call(http::Verb::put, "/backend/items/" + std::string(id), &*body);
  return item_reply(result, Status::ok, Status::ok);
}

Response ApiHandlers::remove(const http::Request& request) const {
  const auto id = request.param("id").value_or("");
  if (!valid_id(id)) return not_found();
  const auto result =
      backend_->call(http::Verb::delete_, "/backend/items/" + std::string(id), nullptr);
  if (!result) return backend_failure(result.error());
  if (result->status != Status::no_content) return relay(*result);
  return Response{Status::no_content, 11};
}

Response ApiHandlers::compute(const http::Request& request) const {
  const auto n = http::query_int(request, "n", kDefaultComputeN, 0, kMaxComputeN);
  if (!n) return http::to_response(n.error());
  return http::json_response(Status::ok, {{"n", *n}, {"result", burn_cpu(*n)}});
}

}  // namespace ksim::services::api
