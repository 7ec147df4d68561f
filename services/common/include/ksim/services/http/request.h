// The request a handler sees: the parsed Beast message plus the path
// parameters the router matched and lazy access to the query string.
#pragma once

#include <array>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ksim::services::http {

using Verb = boost::beast::http::verb;
using Status = boost::beast::http::status;
using Field = boost::beast::http::field;
using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
// Handlers build and return this; the server sets version, keep-alive and
// Content-Length (prepare_payload) after the handler returns.
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// A pattern holds at most this many {param} segments (the router refuses more).
inline constexpr std::size_t kMaxPathParams = 8;

// One matched {name} segment. Both views point into storage that outlives the
// handler call: `name` into the router's pattern, `value` into the request target.
struct PathParam {
  std::string_view name;
  std::string_view value;
};

// A read-only view of one request for the duration of a handler call.
// Holds no copies: everything points into the Beast message, which must
// outlive it (the server guarantees this for handler calls).
class Request {
 public:
  explicit Request(const BeastRequest& raw);

  const BeastRequest& raw() const { return *raw_; }
  Verb method() const { return raw_->method(); }
  std::string_view target() const;
  // The target before '?', as received (not percent-decoded).
  std::string_view path() const { return path_; }
  // The target after '?', without it; empty when there is none.
  std::string_view query_string() const { return query_; }
  const std::string& body() const { return raw_->body(); }
  // Empty when the header is absent.
  std::string_view header(Field field) const;
  std::string_view header(std::string_view name) const;

  // The value of path parameter `name` ({name} in the route pattern), as
  // received (not percent-decoded); nullopt when the pattern has no such name.
  std::optional<std::string_view> param(std::string_view name) const;
  // The first value of query parameter `name`, percent-decoded ('+' is a
  // space); nullopt when absent. A key without '=' has the empty value.
  std::optional<std::string> query(std::string_view name) const;
  // Every query parameter in order, decoded.
  std::vector<std::pair<std::string, std::string>> query_params() const;

  // For the router: appends one matched parameter (at most kMaxPathParams).
  void add_param(std::string_view name, std::string_view value);
  void clear_params() { param_count_ = 0; }

 private:
  const BeastRequest* raw_;
  std::string_view path_;
  std::string_view query_;
  std::array<PathParam, kMaxPathParams> params_{};
  std::size_t param_count_ = 0;
};

// Decodes %XX escapes (and '+' as space when `plus_is_space`). Invalid
// escapes are kept literally rather than rejected.
std::string percent_decode(std::string_view text, bool plus_is_space);

}  // namespace ksim::services::http
