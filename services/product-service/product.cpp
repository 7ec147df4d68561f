#include "product.h"

#include <cmath>

namespace ksim::services::product {
namespace {

using http::ApiError;
using http::field_error;

// Fields a body may carry; anything else is rejected so a typo ("stok") is
// not silently dropped.
constexpr std::string_view kKnownFields[] = {"id",       "name",      "description",
                                             "price",    "currency",  "stock",
                                             "category", "createdAt", "updatedAt"};

std::expected<void, ApiError> check_known_fields(const nlohmann::json& body) {
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (const auto name : kKnownFields) known = known || key == name;
    if (!known) return std::unexpected(field_error(key, "unknown field '" + key + "'"));
  }
  return {};
}

std::expected<std::string, ApiError> bounded_text(const nlohmann::json& body, std::string_view name,
                                                  std::size_t max, std::string fallback) {
  auto value = http::optional_field<std::string>(body, name);
  if (!value) return std::unexpected(value.error());
  if (!*value) return fallback;
  if ((*value)->size() > max) {
    return std::unexpected(field_error(name, "field '" + std::string(name) + "' must be at most " +
                                                 std::to_string(max) + " bytes"));
  }
  return std::move(**value);
}

bool valid_currency(std::string_view c) {
  if (c.size() != 3) return false;
  for (const char ch : c) {
    if (ch < 'A' || ch > 'Z') return false;
  }
  return true;
}

// The scalar fields after the type checks: range checks live here.
std::expected<void, ApiError> read_numbers(const nlohmann::json& body, Product& p) {
  const auto price = http::required_field<double>(body, "price");
  if (!price) return std::unexpected(price.error());
  if (!std::isfinite(*price) || *price < 0) {
    return std::unexpected(field_error("price", "field 'price' must be a number >= 0"));
  }
  p.price = *price;
  const auto stock = http::optional_field<std::int64_t>(body, "stock");
  if (!stock) return std::unexpected(stock.error());
  if (stock->value_or(0) < 0) {
    return std::unexpected(field_error("stock", "field 'stock' must be an integer >= 0"));
  }
  p.stock = stock->value_or(0);
  return {};
}

}  // namespace

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::expected<Product, http::ApiError> parse_product(const nlohmann::json& body,
                                                     std::optional<std::string_view> path_id) {
  if (auto known = check_known_fields(body); !known) return std::unexpected(known.error());
  Product p;
  auto id = http::optional_field<std::string>(body, "id");
  if (!id) return std::unexpected(id.error());
  if (*id) {
    if (!valid_id(**id)) {
      return std::unexpected(
          field_error("id", "field 'id' must be 1-64 characters of A-Z a-z 0-9 . _ -"));
    }
    if (path_id && **id != *path_id) {
      return std::unexpected(field_error("id", "field 'id' must match the id in the path"));
    }
    p.id = std::move(**id);
  }
  auto name = http::required_field<std::string>(body, "name");
  if (!name) return std::unexpected(name.error());
  if (name->empty() || name->size() > kMaxNameLength) {
    return std::unexpected(field_error("name", "field 'name' must be 1-200 bytes"));
  }
  p.name = std::move(*name);
  auto description = bounded_text(body, "description", kMaxDescriptionLength, "");
  if (!description) return std::unexpected(description.error());
  p.description = std::move(*description);
  auto category = bounded_text(body, "category", kMaxCategoryLength, "general");
  if (!category) return std::unexpected(category.error());
  p.category = std::move(*category);
  auto currency = bounded_text(body, "currency", 3, "USD");
  if (!currency) return std::unexpected(currency.error());
  if (!valid_currency(*currency)) {
    return std::unexpected(field_error("currency", "field 'currency' must be 3 letters A-Z"));
  }
  p.currency = std::move(*currency);
  if (auto numbers = read_numbers(body, p); !numbers) return std::unexpected(numbers.error());
  return p;
}

nlohmann::json to_json(const Product& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"description", p.description},
          {"price", p.price},
          {"currency", p.currency},
          {"stock", p.stock},
          {"category", p.category},
          {"createdAt", format_time(p.created_us)},
          {"updatedAt", format_time(p.updated_us)}};
}

}  // namespace ksim::services::product
