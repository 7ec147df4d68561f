// Outbound HTTP/1.1 for service-to-service calls (order-service ->
// product-service): blocking calls over a keep-alive connection pool per
// host:port, driven by one I/O thread the client owns.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ksim/services/http/request.h"

namespace ksim::services::http {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{2'000};   // resolve + TCP connect
  std::chrono::milliseconds request_timeout{30'000};  // write request + read response
  // A pooled connection unused for this long is closed rather than reused
  // (keep it below the server's idle timeout so reuse never races a close).
  std::chrono::milliseconds max_idle{15'000};
  std::size_t max_idle_per_host = 32;
  std::size_t body_limit = 8 * 1024 * 1024;  // largest response body accepted
};

enum class ClientErrc {
  kResolve,   // host name did not resolve
  kConnect,   // connection refused or unreachable
  kTimeout,   // connect or request timeout
  kIo,        // the connection failed mid-exchange
  kProtocol,  // the response was not valid HTTP (or too large)
  kShutdown,  // the client is being destroyed
};

struct ClientError {
  ClientErrc code;
  std::string message;  // names the host:port and the cause
};

std::string_view to_string(ClientErrc code);

// Thread-safe; each call blocks its calling thread until the response, an
// error or a timeout (so a server handler calling it holds one server I/O
// thread for the duration: size ServerOptions::threads for the outbound calls
// expected in flight at once). All socket work happens on the client's own
// I/O thread, never on the caller's io_context, so calling from a handler
// cannot deadlock the server.
//
// A failure on a reused pooled connection before any response byte (the
// peer closed it while idle) is retried once on a new connection, for
// idempotent methods only (GET, HEAD, PUT, DELETE, OPTIONS).
class HttpClient {
 public:
  explicit HttpClient(ClientOptions options = {});
  ~HttpClient();  // calls still in flight fail with kShutdown
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request` (target, method, headers, body as given; Host,
  // Content-Length and keep-alive are set here) to host:port.
  std::expected<Response, ClientError> send(std::string_view host, std::uint16_t port,
                                            BeastRequest request);
  std::expected<Response, ClientError> get(std::string_view host, std::uint16_t port,
                                           std::string_view target);
  // `method` with `body` serialised as application/json.
  std::expected<Response, ClientError> send_json(std::string_view host, std::uint16_t port,
                                                 Verb method, std::string_view target,
                                                 const nlohmann::json& body);

  // Idle pooled connections to host:port (for tests and metrics).
  std::size_t idle_connections(std::string_view host, std::uint16_t port) const;

  struct Impl;  // opaque; public only so the implementation's helpers can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ksim::services::http
