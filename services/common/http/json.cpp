#include "ksim/services/http/json.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace ksim::services::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// application/json, application/problem+json, ...; parameters ignored.
bool is_json_media_type(std::string_view content_type) {
  const std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  constexpr std::string_view kApp = "application/";
  if (type.size() <= kApp.size() || !iequals(type.substr(0, kApp.size()), kApp)) return false;
  const std::string_view sub = type.substr(kApp.size());
  return iequals(sub, "json") || (sub.size() > 5 && iequals(sub.substr(sub.size() - 5), "+json"));
}

// Records where parsing failed; accepts every event otherwise.
struct ErrorPosition : nlohmann::json_sax<nlohmann::json> {
  using Json = nlohmann::json;
  std::size_t byte = 0;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(Json::number_integer_t) override { return true; }
  bool number_unsigned(Json::number_unsigned_t) override { return true; }
  bool number_float(Json::number_float_t, const Json::string_t&) override { return true; }
  bool string(Json::string_t&) override { return true; }
  bool binary(Json::binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(Json::string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    byte = position;
    return false;
  }
};

template <class T>
constexpr std::string_view kTypeName = "";
template <>
constexpr std::string_view kTypeName<std::string> = "a string";
template <>
constexpr std::string_view kTypeName<std::int64_t> = "an integer";
template <>
constexpr std::string_view kTypeName<double> = "a number";
template <>
constexpr std::string_view kTypeName<bool> = "a boolean";

template <class T>
std::optional<T> convert(const nlohmann::json& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (value.is_string()) return value.get<std::string>();
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    if (value.is_number_integer() && !value.is_number_unsigned()) return value.get<std::int64_t>();
    if (value.is_number_unsigned() &&
        value.get<std::uint64_t>() <=
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(value.get<std::uint64_t>());
    }
  } else if constexpr (std::is_same_v<T, double>) {
    if (value.is_number()) return value.get<double>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (value.is_boolean()) return value.get<bool>();
  } else {
    static_assert(std::is_same_v<T, nlohmann::json>, "unsupported field type");
    return value;
  }
  return std::nullopt;
}

}  // namespace

Response json_response(Status status, const nlohmann::json& body) {
  Response res{status, 11};
  res.set(Field::content_type, "application/json");
  res.body() = body.dump();
  return res;
}

Response json_error(Status status, std::string_view code, std::string_view message) {
  return json_response(status, {{"error", code}, {"message", message}});
}

Response to_response(const ApiError& error) {
  nlohmann::json body = {{"error", error.code}, {"message", error.message}};
  if (!error.field.empty()) body["field"] = error.field;
  return json_response(error.status, body);
}

ApiError field_error(std::string_view name, std::string_view message) {
  return ApiError{Status::bad_request, "bad_request",
                  "field '" + std::string(name) + "' " + std::string(message), std::string(name)};
}

std::expected<nlohmann::json, ApiError> parse_json_body(const Request& request) {
  const std::string_view type = request.header(Field::content_type);
  if (!is_json_media_type(type)) {
    return std::unexpected(ApiError{
        Status::unsupported_media_type,
        "unsupported_media_type",
        type.empty() ? std::string("Content-Type must be application/json")
                     : "Content-Type must be application/json, not '" + std::string(type) + "'",
        {}});
  }
  // Parse errors are expected input: no exceptions. Only on failure, a
  // second SAX pass finds the byte offset for the message.
  nlohmann::json doc = nlohmann::json::parse(request.body(), nullptr, false);
  if (doc.is_discarded()) {
    ErrorPosition where;
    nlohmann::json::sax_parse(request.body(), &where);
    const std::string detail =
        "request body is not valid JSON (at byte " + std::to_string(where.byte) + ")";
    return std::unexpected(ApiError{Status::bad_request, "malformed_json", detail, {}});
  }
  return doc;
}

std::expected<nlohmann::json, ApiError> parse_json_object(const Request& request) {
  auto doc = parse_json_body(request);
  if (doc && !doc->is_object()) {
    return std::unexpected(
        ApiError{Status::bad_request, "bad_request", "request body must be a JSON object", {}});
  }
  return doc;
}

template <class T>
std::expected<std::optional<T>, ApiError> optional_field(const nlohmann::json& object,
                                                         std::string_view name) {
  if (!object.is_object()) {
    return std::unexpected(
        ApiError{Status::bad_request, "bad_request", "expected a JSON object", {}});
  }
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::optional<T>{};
  std::optional<T> value = convert<T>(*it);
  if (!value) {
    if constexpr (std::is_same_v<T, nlohmann::json>) {
      return std::unexpected(field_error(name, "is invalid"));
    } else {
      return std::unexpected(field_error(name, "must be " + std::string(kTypeName<T>)));
    }
  }
  return value;
}

template <class T>
std::expected<T, ApiError> required_field(const nlohmann::json& object, std::string_view name) {
  auto value = optional_field<T>(object, name);
  if (!value) return std::unexpected(std::move(value.error()));
  if (!value->has_value()) return std::unexpected(field_error(name, "is required"));
  return std::move(**value);
}

template std::expected<std::string, ApiError> required_field<std::string>(const nlohmann::json&,
                                                                          std::string_view);
template std::expected<std::int64_t, ApiError> required_field<std::int64_t>(const nlohmann::json&,
                                                                            std::string_view);
template std::expected<double, ApiError> required_field<double>(const nlohmann::json&,
                                                                std::string_view);
template std::expected<bool, ApiError> required_field<bool>(const nlohmann::json&,
                                                            std::string_view);
template std::expected<nlohmann::json, ApiError> required_field<nlohmann::json>(
    const nlohmann::json&, std::string_view);
template std::expected<std::optional<std::string>, ApiError> optional_field<std::string>(
    const nlohmann::json&, std::string_view);
template std::expected<std::optional<std::int64_t>, ApiError> optional_field<std::int64_t>(
    const nlohmann::json&, std::string_view);
template std::expected<std::optional<double>, ApiError> optional_field<double>(
    const nlohmann::json&, std::string_view);
template std::expected<std::optional<bool>, ApiError> optional_field<bool>(const nlohmann::json&,
                                                                           std::string_view);
template std::expected<std::optional<nlohmann::json>, ApiError> optional_field<nlohmann::json>(
    const nlohmann::json&, std::string_view);

std::expected<std::int64_t, ApiError> query_int(const Request& request, std::string_view name,
                                                std::int64_t fallback, std::int64_t lo,
                                                std::int64_t hi) {
  const auto text = request.query(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  const auto* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec == std::errc() && ptr == end && value >= lo && value <= hi) return value;
  return std::unexpected(ApiError{Status::bad_request, "bad_request",
                                  "query parameter '" + std::string(name) +
                                      "' must be an integer in [" + std::to_string(lo) + ", " +
                                      std::to_string(hi) + "]",
                                  std::string(name)});
}

}  // namespace ksim::services::http
