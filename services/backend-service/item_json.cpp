#include "item_json.h"

#include <cmath>
#include <cstdint>
#include <string>

namespace ksim::services::backend {
namespace {

using http::ApiError;
using http::field_error;

constexpr std::string_view kKnownFields[] = {"id", "name", "price", "quantity", "tags"};

std::expected<void, ApiError> check_known_fields(const nlohmann::json& body) {
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (const auto name : kKnownFields) known = known || key == name;
    if (!known) return std::unexpected(field_error(key, "is not a known field"));
  }
  return {};
}

std::expected<std::string, ApiError> read_id(const nlohmann::json& body,
                                             std::optional<std::string_view> path_id) {
  if (path_id) {
    auto id = http::optional_field<std::string>(body, "id");
    if (!id) return std::unexpected(id.error());
    if (*id && **id != *path_id) {
      return std::unexpected(field_error("id", "must match the id in the path"));
    }
    return std::string(*path_id);
  }
  auto id = http::required_field<std::string>(body, "id");
  if (!id) return std::unexpected(id.error());
  if (!valid_item_id(*id)) {
    return std::unexpected(field_error("id", "must be 1 to 64 characters of A-Z a-z 0-9 . _ -"));
  }
  return *id;
}

std::expected<std::vector<std::string>, ApiError> read_tags(const nlohmann::json& body) {
  auto tags = http::optional_field<nlohmann::json>(body, "tags");
  if (!tags) return std::unexpected(tags.error());
  std::vector<std::string> out;
  if (!*tags) return out;
  const auto bad = field_error("tags",
                               "must be an array of at most 32 strings of "
                               "1 to 64 characters");
  if (!(*tags)->is_array() || (*tags)->size() > kMaxTags) return std::unexpected(bad);
  for (const auto& t : **tags) {
    if (!t.is_string()) return std::unexpected(bad);
    const auto& s = t.get_ref<const std::string&>();
    if (s.empty() || s.size() > kMaxTagLength) return std::unexpected(bad);
    out.push_back(s);
  }
  return out;
}

}  // namespace

nlohmann::json to_json(const Item& item) {
  return {{"id", item.id},
          {"name", item.name},
          {"price", item.price},
          {"quantity", item.quantity},
          {"tags", item.tags}};
}

bool valid_item_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::expected<Item, ApiError> item_from_json(const nlohmann::json& body,
                                             std::optional<std::string_view> path_id) {
  if (auto known = check_known_fields(body); !known) return std::unexpected(known.error());
  Item item;
  auto id = read_id(body, path_id);
  if (!id) return std::unexpected(id.error());
  item.id = std::move(*id);
  auto name = http::required_field<std::string>(body, "name");
  if (!name) return std::unexpected(name.error());
  if (name->empty() || name->size() > kMaxNameLength) {
    return std::unexpected(field_error("name", "must be 1 to 200 characters"));
  }
  item.name = std::move(*name);
  auto price = http::required_field<double>(body, "price");
  if (!price) return std::unexpected(price.error());
  if (!std::isfinite(*price) || *price < 0) {
    return std::unexpected(field_error("price", "must be >= 0"));
  }
  item.price = *price;
  auto quantity = http::required_field<std::int64_t>(body, "quantity");
  if (!quantity) return std::unexpected(quantity.error());
  if (*quantity < 0) return std::unexpected(field_error("quantity", "must be >= 0"));
  item.quantity = *quantity;
  auto tags = read_tags(body);
  if (!tags) return std::unexpected(tags.error());
  item.tags = std::move(*tags);
  return item;
}

}  // namespace ksim::services::backend
