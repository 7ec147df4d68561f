#include "order.h"

namespace ksim::services::order {
namespace {

bool valid_product_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::expected<OrderRequest, http::ApiError> parse_order_request(const nlohmann::json& body) {
  for (const auto& [key, value] : body.items()) {
    if (key != "productId" && key != "quantity" && key != "customerId") {
      return std::unexpected(http::field_error(key, "unknown field '" + key + "'"));
    }
  }
  OrderRequest r;
  auto product = http::required_field<std::string>(body, "productId");
  if (!product) return std::unexpected(product.error());
  if (!valid_product_id(*product)) {
    return std::unexpected(http::field_error(
        "productId", "field 'productId' must be 1-64 characters of A-Z a-z 0-9 . _ -"));
  }
  r.product_id = std::move(*product);
  auto quantity = http::required_field<std::int64_t>(body, "quantity");
  if (!quantity) return std::unexpected(quantity.error());
  if (*quantity < 1 || *quantity > kMaxQuantity) {
    return std::unexpected(
        http::field_error("quantity", "field 'quantity' must be an integer in [1, 10000]"));
  }
  r.quantity = *quantity;
  auto customer = http::required_field<std::string>(body, "customerId");
  if (!customer) return std::unexpected(customer.error());
  if (customer->empty() || customer->size() > 128) {
    return std::unexpected(
        http::field_error("customerId", "field 'customerId' must be 1-128 bytes"));
  }
  r.customer_id = std::move(*customer);
  return r;
}

nlohmann::json to_json(const Order& o) {
  return {{"id", o.id},
          {"productId", o.product_id},
          {"quantity", o.quantity},
          {"customerId", o.customer_id},
          {"status", o.status},
          {"unitPrice", o.unit_price},
          {"totalPrice", o.total_price},
          {"currency", o.currency},
          {"createdAt", format_time(o.created_us)}};
}

}  // namespace ksim::services::order
