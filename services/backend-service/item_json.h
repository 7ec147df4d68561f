// Items as JSON: the wire shape of backend-service and the checks on a
// request body, each failure a 400 naming the field.
#pragma once

#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "item_store.h"
#include "ksim/services/http/json.h"

namespace ksim::services::backend {

// Bounds a body must respect (the same for POST and PUT).
inline constexpr std::size_t kMaxIdLength = 64;
inline constexpr std::size_t kMaxNameLength = 200;
inline constexpr std::size_t kMaxTags = 32;
inline constexpr std::size_t kMaxTagLength = 64;

// {"id","name","price","quantity","tags"}.
nlohmann::json to_json(const Item& item);

// True for 1..kMaxIdLength characters of [A-Za-z0-9._-].
bool valid_item_id(std::string_view id);

// The item described by `body` (a JSON object): "name" (non-empty string),
// "price" (finite number >= 0), "quantity" (integer >= 0) are required, "tags"
// (array of strings) optional; any other field is a 400 "unknown field".
// `path_id` is the id of a PUT's path: the body's "id" is then optional but
// must equal it; without `path_id` (POST) "id" is required.
std::expected<Item, http::ApiError> item_from_json(const nlohmann::json& body,
                                                   std::optional<std::string_view> path_id);

}  // namespace ksim::services::backend
