// Starting product-service as a child process and talking JSON to it.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <nlohmann/json.hpp>

#include "ksim/services/http/client.h"
#include "service_process.h"

namespace ksim::services::testing {

struct Reply {
  int status = 0;  // 0 when the call failed (see error)
  nlohmann::json body;
  std::string error;
  bool keep_alive = false;  // false: the server sent Connection: close
};

inline Reply call(http::HttpClient& client, std::uint16_t port, http::Verb method,
                  std::string_view target, const nlohmann::json* body = nullptr) {
  auto res = body ? client.send_json("127.0.0.1", port, method, target, *body)
                  : client.send("127.0.0.1", port, http::BeastRequest{method, target, 11});
  if (!res) return {0, nullptr, res.error().message};
  return {static_cast<int>(res->result_int()), nlohmann::json::parse(res->body(), nullptr, false),
          "", res->keep_alive()};
}

inline Reply post(http::HttpClient& client, std::uint16_t port, std::string_view target,
                  const nlohmann::json& body) {
  return call(client, port, http::Verb::post, target, &body);
}

inline Reply get(http::HttpClient& client, std::uint16_t port, std::string_view target) {
  return call(client, port, http::Verb::get, target);
}

inline http::ClientOptions patient_client() {
  http::ClientOptions o;
  o.request_timeout = std::chrono::seconds(60);
  o.connect_timeout = std::chrono::seconds(10);
  return o;
}

// product-service on 127.0.0.1, an ephemeral port, data in `dir`/data,
// no seed products; a flag in `extra` replaces its default.
inline std::unique_ptr<ServiceProcess> start_product(const std::filesystem::path& dir,
                                                     std::uint16_t& port,
                                                     std::vector<std::string> extra = {}) {
  const std::vector<std::pair<std::string, std::string>> defaults = {
      {"--host", "127.0.0.1"},  {"--port", "0"},
      {"--threads", "2"},       {"--data-dir", (dir / "data").string()},
      {"--seed-products", "0"}, {"--log-level", "warn"}};
  std::vector<std::string> args = {KSIM_PRODUCT_SERVICE_BIN};
  for (const auto& [flag, value] : defaults) {
    // A flag may be given once: `extra` replaces the default.
    if (std::find(extra.begin(), extra.end(), flag) != extra.end()) continue;
    args.push_back(flag);
    args.push_back(value);
  }
  args.insert(args.end(), extra.begin(), extra.end());
  auto proc = std::make_unique<ServiceProcess>(std::move(args), dir);
  const auto p = proc->wait_port();
  EXPECT_TRUE(p) << proc->stderr_text();
  port = p.value_or(0);
  return proc;
}

// True when a TCP connect to 127.0.0.1:port is refused.
inline bool connection_refused(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool refused =
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno == ECONNREFUSED;
  ::close(fd);
  return refused;
}

}  // namespace ksim::services::testing
