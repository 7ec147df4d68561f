// A minimal HTTP/1.1 server on Boost.Asio + Beast for ksim-load's tests,
// on 127.0.0.1 and an ephemeral port, with one io_context thread.
// Behaviour by path:
//   /status/NNN  -> status NNN
//   /hang        -> never answers (the client must time out)
//   /close       -> 200 with "Connection: close"
//   /reset       -> the connection is reset (no reply)
//   /stale       -> 200 announced as keep-alive, then the server closes
//   /garbage     -> bytes that are not HTTP, then the connection closes
//   anything else-> 200 "hello world\n"
// and, when asked, one stall: from the arrival of the n-th request until a
// fixed time later no response is written (those due wait until its end).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace ksim::services::load::testing {

class TestServer {
 public:
  using Clock = std::chrono::steady_clock;
  struct Stall {
    Clock::time_point start;  // when the n-th request was read
    Clock::time_point end;    // no response was written before this
  };

  TestServer();
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  /// The n-th request (1-based) starts a stall of `length`. Call before the run.
  void stall_at(std::uint64_t nth, std::chrono::milliseconds length);
  /// The stall, once it happened.
  [[nodiscard]] std::optional<Stall> stall() const;
  /// Requests read so far, per path.
  [[nodiscard]] std::map<std::string, std::uint64_t> counts() const;

 private:
  class Session;
  void accept();
  // Called on the server thread for each request read.
  Clock::time_point on_request(const std::string& path);

  boost::asio::io_context io_{1};
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> counts_;
  std::uint64_t seen_ = 0;
  std::uint64_t stall_nth_ = 0;
  std::chrono::milliseconds stall_length_{0};
  std::optional<Stall> stall_;
  std::thread thread_;
};

}  // namespace ksim::services::load::testing
