// Test helpers for loopback tests: an in-process Server on an ephemeral port
// and a raw HTTP connection whose every wait has an upper bound.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "ksim/services/http/server.h"

namespace ksim::services::http::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

// Generous: the machine is loaded; no test relies on it being reached.
inline constexpr auto kWait = std::chrono::seconds(20);

inline ServerOptions test_options() {
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.threads = 2;
  o.log_level = LogLevel::kOff;
  o.handle_signals = false;
  return o;
}

// A Server running on its own thread; shut down (gracefully) on destruction.
class RunningServer {
 public:
  explicit RunningServer(Router router, ServerOptions options = test_options(),
                         std::shared_ptr<Logger> logger = nullptr)
      : server_(std::move(options), std::move(router), nullptr, std::move(logger)) {
    server_.set_ready(true);
    thread_ = std::thread([this] {
      server_.run();
      stopped_.set_value();
    });
  }
  ~RunningServer() {
    server_.shutdown();
    thread_.join();
  }
  Server& server() { return server_; }
  std::uint16_t port() const { return server_.port(); }
  // True once run() has returned (waits up to kWait).
  bool wait_stopped() { return stopped_future_.wait_for(kWait) == std::future_status::ready; }

 private:
  Server server_;
  std::promise<void> stopped_;
  std::future<void> stopped_future_ = stopped_.get_future();
  std::thread thread_;
};

// One client connection speaking raw bytes; reads are bounded by kWait.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) {
    stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }
  void send(std::string_view bytes) { net::write(stream_.socket(), net::buffer(bytes)); }

  // The next response, or nullopt (with error() set) on EOF, error or timeout.
  std::optional<Response> read_response() {
    Response res;
    bool ok = false;
    stream_.expires_after(kWait);
    beast::http::async_read(stream_, buffer_, res, [&](beast::error_code ec, std::size_t) {
      error_ = ec;
      ok = !ec;
    });
    run();
    if (!ok) return std::nullopt;
    return res;
  }
  // True when the server closes the connection (EOF or reset) within kWait.
  bool wait_closed() {
    char byte = 0;
    bool closed = false;
    stream_.expires_after(kWait);
    stream_.async_read_some(net::buffer(&byte, 1), [&](beast::error_code ec, std::size_t) {
      error_ = ec;
      closed = ec == net::error::eof || ec == net::error::connection_reset;
    });
    run();
    return closed;
  }
  beast::error_code error() const { return error_; }

 private:
  void run() {
    ctx_.restart();
    ctx_.run();
  }
  net::io_context ctx_;
  beast::tcp_stream stream_{ctx_};
  beast::flat_buffer buffer_;
  beast::error_code error_;
};

inline std::string get_request(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n" + std::string(extra_headers) +
         "\r\n";
}

inline bool connection_refused(std::uint16_t port) {
  net::io_context ctx;
  tcp::socket s(ctx);
  beast::error_code ec;
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  return ec == net::error::connection_refused;
}

}  // namespace ksim::services::http::testing
