// JSON request/response helpers. Every error a service returns is JSON:
// {"error":"<code>","message":"<sentence>"} plus "field" for a bad field.
#pragma once

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ksim/services/http/request.h"

namespace ksim::services::http {

// An expected failure of a request, turned into a response by to_response().
struct ApiError {
  Status status = Status::bad_request;
  std::string code;     // machine-readable, e.g. "bad_request", "not_found"
  std::string message;  // one sentence for a human
  std::string field;    // the offending JSON field, empty when not about one
};

// A response with `body` serialised and Content-Type application/json.
Response json_response(Status status, const nlohmann::json& body);
// {"error": code, "message": message} with `status`.
Response json_error(Status status, std::string_view code, std::string_view message);
// The error as a JSON response (with "field" when set).
Response to_response(const ApiError& error);

// The body parsed as JSON. 415 "unsupported_media_type" unless Content-Type
// is application/json or application/<x>+json (parameters such as charset
// allowed); 400 "malformed_json" naming the byte offset when it does not parse.
std::expected<nlohmann::json, ApiError> parse_json_body(const Request& request);
// Same, and 400 "bad_request" unless the document is an object.
std::expected<nlohmann::json, ApiError> parse_json_object(const Request& request);

// Typed access to field `name` of a JSON object. Each failure is a 400 with
// code "bad_request", field `name` and a message such as
// "field 'stock' must be an integer" or "field 'name' is required".
// T is one of: std::string, std::int64_t, double (any number), bool,
// nlohmann::json (any value). An integer must be a JSON integer that fits
// std::int64_t (3.0 and 3.5 are not integers).
template <class T>
std::expected<T, ApiError> required_field(const nlohmann::json& object, std::string_view name);
// Same, but an absent field (or null) is std::nullopt rather than an error.
template <class T>
std::expected<std::optional<T>, ApiError> optional_field(const nlohmann::json& object,
                                                         std::string_view name);

// A 400 about field `name`, for checks beyond the type (e.g. "must be >= 0").
ApiError field_error(std::string_view name, std::string_view message);

// Query parameter `name` as an integer in [lo, hi], `fallback` when absent,
// or a 400 naming it ("query parameter 'limit' must be an integer in [1, 100]").
std::expected<std::int64_t, ApiError> query_int(const Request& request, std::string_view name,
                                                std::int64_t fallback, std::int64_t lo,
                                                std::int64_t hi);

}  // namespace ksim::services::http
