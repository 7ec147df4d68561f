// api-service's view of backend-service: an interface the handlers call (a
// fake in tests, HTTP in the binary) and the HTTP implementation.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ksim/services/http/client.h"
#include "ksim/services/http/metrics.h"
#include "ksim/services/http/request.h"

namespace ksim::services::api {

// A reply of backend-service: its status and its body parsed as JSON (null
// for an empty body).
struct BackendReply {
  http::Status status = http::Status::ok;
  nlohmann::json body;
};

enum class BackendErrc {
  kUnavailable,  // refused, unreachable, reset, or not HTTP: api answers 502
  kTimeout,      // no whole reply within the timeout: api answers 504
  kBadReply,     // HTTP, but the body is not JSON: api answers 502
};

struct BackendError {
  BackendErrc code;
  std::string message;  // names the backend and the cause
};

using BackendResult = std::expected<BackendReply, BackendError>;

// Thread-safe: handlers on every server I/O thread call it at once.
class Backend {
 public:
  virtual ~Backend() = default;
  // `target` is backend-service's path and query, e.g. "/backend/items?limit=5";
  // `body`, when not null, is sent as application/json.
  virtual BackendResult call(http::Verb method, std::string_view target,
                             const nlohmann::json* body) = 0;
};

// BACKEND_URL split up: http://host[:port][/prefix] (port 80 by default).
struct BackendUrl {
  std::string host;
  std::uint16_t port = 80;
  std::string prefix;  // prepended to every target; "" or "/x" (no trailing '/')
};

// The error names what is wrong ("only http:// is supported", "bad port").
std::expected<BackendUrl, std::string> parse_backend_url(std::string_view url);

// Calls over a keep-alive pool (HttpClient). Every call ends within
// `timeout` (plus scheduling noise): connect and exchange are both bounded.
class HttpBackend final : public Backend {
 public:
  HttpBackend(BackendUrl url, std::chrono::milliseconds timeout);
  BackendResult call(http::Verb method, std::string_view target,
                     const nlohmann::json* body) override;

 private:
  BackendUrl url_;
  std::unique_ptr<http::HttpClient> client_;
};

// Counts each call's outcome in backend_requests_total{outcome}: "ok" (an
// HTTP reply below 500), "server_error" (5xx), "unavailable", "timeout",
// "bad_reply"; the calls themselves go to `inner` unchanged.
class CountingBackend final : public Backend {
 public:
  // `inner` and `metrics` must outlive this.
  CountingBackend(Backend& inner, http::MetricsRegistry& metrics);
  BackendResult call(http::Verb method, std::string_view target,
                     const nlohmann::json* body) override;

 private:
  Backend* inner_;
  http::Counter* ok_;
  http::Counter* server_error_;
  http::Counter* unavailable_;
  http::Counter* timeout_;
  http::Counter* bad_reply_;
};

}  // namespace ksim::services::api
