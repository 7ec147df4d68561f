// One io_context thread of the engine: its share of the schedule, its
// connections, its recorder. Internal to engine.cpp.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ksim/services/load/recorder.h"
#include "ksim/services/load/schedule.h"

namespace ksim::services::load::detail {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

/// A response parser that keeps only the status: no header or body is
/// stored, so reading a response allocates nothing.
class DiscardParser final : public http::basic_parser<false> {
 public:
  DiscardParser() { body_limit(std::uint64_t{1} << 32); }
  [[nodiscard]] unsigned status() const { return status_; }

 private:
  using ec_t = boost::beast::error_code;
  using sv_t = boost::beast::string_view;
  void on_request_impl(http::verb, sv_t, sv_t, int, ec_t&) override {}
  void on_response_impl(int code, sv_t, int, ec_t&) override {
    status_ = static_cast<unsigned>(code);
  }
  void on_field_impl(http::field, sv_t, sv_t, ec_t&) override {}
  void on_header_impl(ec_t&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, ec_t&) override {}
  std::size_t on_body_impl(sv_t body, ec_t&) override { return body.size(); }
  void on_chunk_header_impl(std::uint64_t, sv_t, ec_t&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, sv_t body, ec_t&) override { return body.size(); }
  void on_finish_impl(ec_t&) override {}

  unsigned status_ = 0;
};

/// A request waiting for, or on, a connection.
struct Pending {
  std::int64_t intended = 0;  // ns from the run's start
  std::uint32_t route = 0;
  bool retried = false;  // already re-sent once after a stale keep-alive connection
};

/// A keep-alive connection; its handlers hold it (shared_from_this), so a
/// dropped connection lives until its last operation has completed.
struct Connection : std::enable_shared_from_this<Connection> {
  explicit Connection(asio::io_context& io) : socket(io) {}
  asio::ip::tcp::socket socket;
  boost::beast::flat_buffer buffer;
  std::optional<DiscardParser> parser;
  Pending request;        // the one on it (or connecting for it) while busy
  std::int64_t sent = 0;  // when it was written, ns from the run's start
  bool busy = false;
  bool connected = false;
  bool reused = false;     // has carried a request before
  bool timed_out = false;  // closed by the timeout sweep
};

struct WorkerConfig {
  asio::ip::tcp::endpoint endpoint;
  std::vector<std::string> wire;  // each route's request, serialized once
  std::vector<bool> head;         // per route: a HEAD request (its reply has no body)
  std::size_t max_connections = 1;
  std::int64_t timeout_ns = 0;
  unsigned index = 0;  // this worker's share: arrivals k with k % count == index
  unsigned count = 1;
};

class Worker {
 public:
  Worker(WorkerConfig config, Schedule schedule, Recorder recorder);
  /// Plays the share from `start` until every request has finished.
  void run(Clock::time_point start);
  /// From any thread: send nothing more; run() returns once the requests
  /// in flight have finished or timed out.
  void stop_scheduling();

  Recorder& recorder() { return recorder_; }
  [[nodiscard]] std::uint64_t scheduled() const { return scheduled_; }
  [[nodiscard]] std::uint64_t opened() const { return opened_; }
  [[nodiscard]] std::int64_t max_lag() const { return max_lag_; }
  [[nodiscard]] std::int64_t last_done() const { return last_done_; }
  /// Requests finished so far (read from another thread for progress).
  [[nodiscard]] std::uint64_t finished() const { return finished_.load(std::memory_order_relaxed); }

 private:
  // Nanoseconds since the run's start.
  std::int64_t now() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
  }
  void advance();
  void on_timer();
  void dispatch(Pending p);
  void place(Pending p);
  void retry(Pending p);
  void open(Pending p);
  void send(Connection& c, Pending p);
  void on_read(Connection& c, boost::beast::error_code ec);
  void fail(Connection& c, boost::beast::error_code ec);
  void release(Connection& c);
  void drop(Connection& c);
  void sweep();
  void finish(std::int64_t done);
  void maybe_stop();
  void serve_waiting();

  WorkerConfig config_;
  Schedule schedule_;
  Recorder recorder_;
  asio::io_context io_{1};
  asio::steady_timer timer_{io_};
  asio::steady_timer sweeper_{io_};
  Clock::time_point start_;
  std::optional<Arrival> next_;
  std::uint64_t arrival_index_ = 0;
  std::deque<Pending> waiting_;
  std::vector<std::shared_ptr<Connection>> connections_;
  std::vector<Connection*> idle_;
  std::size_t outstanding_ = 0;  // dispatched, not finished
  std::uint64_t scheduled_ = 0;
  std::uint64_t opened_ = 0;
  std::int64_t max_lag_ = 0;
  std::int64_t last_done_ = 0;
  std::atomic<std::uint64_t> finished_{0};
  bool done_scheduling_ = false;
  bool stopped_ = false;
};

}  // namespace ksim::services::load::detail
