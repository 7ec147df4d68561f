// The order model of order-service: validation of a POST body, the API
// JSON and the event payload. Pure: no I/O.
#pragma once

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ksim/services/http/json.h"
#include "ksim/services/store/event_payload.h"

namespace ksim::services::order {

inline constexpr std::int64_t kMaxQuantity = 10'000;

// What a client asks for: POST /api/v1/orders {"productId","quantity","customerId"}.
struct OrderRequest {
  std::string product_id;     // 1-64 of [A-Za-z0-9._-]
  std::int64_t quantity = 0;  // 1..kMaxQuantity
  std::string customer_id;    // 1-128 bytes
};

// One stored order. status: "pending" while the stock reservation is in
// progress (or was interrupted by a crash), then "created".
struct Order {
  std::string id;  // "o-<n>"
  std::string product_id;
  std::int64_t quantity = 0;
  std::string customer_id;
  std::string status = "pending";
  double unit_price = 0.0;
  double total_price = 0.0;  // unit_price * quantity
  std::string currency = "USD";
  std::int64_t created_us = 0;  // wall-clock microseconds since the Unix epoch
};

// The three fields checked (type, range); any other field is a 400 naming it.
std::expected<OrderRequest, http::ApiError> parse_order_request(const nlohmann::json& body);

// {"id","productId","quantity","customerId","status","unitPrice","totalPrice",
//  "currency","createdAt"}.
nlohmann::json to_json(const Order& order);

// The event envelope and its clock (store/event_payload.h).
using store::event_payload;
using store::format_time;
using store::now_us;

}  // namespace ksim::services::order
