// The product model of product-service: validation of a POST/PUT body and
// the JSON forms (the API body and the event payloads). Pure: no I/O.
#pragma once

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ksim/services/http/json.h"
#include "ksim/services/store/event_payload.h"

namespace ksim::services::product {

// One catalogue entry as stored and served.
struct Product {
  std::string id;  // [A-Za-z0-9._-]{1,64}; "p-<n>" when generated
  std::string name;
  std::string description;
  double price = 0.0;  // >= 0, in `currency`
  std::string currency = "USD";
  std::int64_t stock = 0;  // >= 0
  std::string category = "general";
  std::int64_t created_us = 0;  // wall-clock microseconds since the Unix epoch
  std::int64_t updated_us = 0;
};

// Limits of the accepted body (each violation is a 400 naming the field).
inline constexpr std::size_t kMaxIdLength = 64;
inline constexpr std::size_t kMaxNameLength = 200;
inline constexpr std::size_t kMaxDescriptionLength = 4000;
inline constexpr std::size_t kMaxCategoryLength = 100;

// A POST/PUT body checked field by field: "name" (string, required),
// "price" (number >= 0, required), "stock" (integer >= 0, default 0),
// "description", "currency" (3 letters A-Z, default USD), "category", and
// "id" (optional; must match `path_id` when given one). "createdAt" and
// "updatedAt" are read-only and ignored; any other field is a 400 naming it.
// The returned product has no times set.
std::expected<Product, http::ApiError> parse_product(const nlohmann::json& body,
                                                     std::optional<std::string_view> path_id);

// True when `id` is 1..64 characters of [A-Za-z0-9._-].
bool valid_id(std::string_view id);

// The API form: {"id","name","description","price","currency","stock",
// "category","createdAt","updatedAt"} with RFC 3339 UTC times.
nlohmann::json to_json(const Product& product);

// The event envelope and its clock (store/event_payload.h).
using store::event_payload;
using store::format_time;
using store::now_us;

}  // namespace ksim::services::product
