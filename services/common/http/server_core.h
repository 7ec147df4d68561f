// Internal to the server: the state sessions share, the per-thread worker and
// the per-connection session. Not a public header.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "ksim/services/http/server.h"

namespace ksim::services::http::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

class Session;

// One I/O thread's io_context and the sessions living on it. `sessions` is
// only touched from that thread (or after every thread has stopped).
struct Worker {
  std::unordered_set<Session*> sessions;
  net::io_context ctx{1};
  net::executor_work_guard<net::io_context::executor_type> guard{ctx.get_executor()};
};

// The metric series of one route, resolved when the server is built so that
// recording a request touches atomics only. Status codes get their counter
// on first use (one locked lookup per route and code, then cached).
class RouteMetrics {
 public:
  RouteMetrics(CounterFamily& requests, HistogramFamily& latency, std::string method,
               std::string route);
  void record(unsigned status, double seconds);

 private:
  CounterFamily& requests_;
  std::string method_;
  std::string route_;
  Histogram& latency_;
  std::array<std::atomic<Counter*>, 500> by_status_{};  // index status - 100
};

// What every session of a server shares. Lives as long as the server.
struct ServerCore {
  ServerOptions options;
  Router router;
  std::shared_ptr<MetricsRegistry> metrics;
  std::shared_ptr<Logger> logger;
  std::vector<std::unique_ptr<RouteMetrics>> route_metrics;  // by route index
  std::unique_ptr<RouteMetrics> unmatched;                   // 404 and 405
  Gauge* in_flight = nullptr;
  Counter* accepted = nullptr;
  Gauge* open = nullptr;
  CounterFamily* protocol_errors = nullptr;  // by code: 400, 408, 413, 431 (rare path)
  std::atomic<bool> ready{false};
  std::atomic<bool> draining{false};
  std::atomic<bool> stopped{false};  // no more posting to io_contexts
  std::atomic<std::size_t> sessions{0};
  std::function<void()>
      on_drained;  // called (any thread) when the last session ends while draining

  // Routes `raw`, calls the handler, records metrics, and returns the
  // response with version, keep-alive and Content-Length set.
  Response handle(const BeastRequest& raw);
  void session_closed();
};

// One connection: reads requests one at a time, answers each before reading
// the next (so pipelined requests are answered in order and at most one is
// parsed ahead; the bytes read ahead are bounded by the buffer limit).
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ServerCore& core, Worker& worker);
  ~Session();
  // Both on the worker's thread.
  void start();
  // Closes the connection if it is idle between requests; otherwise the
  // current request completes and its response carries Connection: close.
  void drain();

 private:
  void read_request();
  void on_read_some(beast::error_code ec);
  void read_body();
  void on_read(beast::error_code ec);
  void fail_read(beast::error_code ec);
  void process();
  void send_error(Status status, std::string_view code, std::string message);
  void write(bool close_after);
  void on_write(beast::error_code ec, bool close_after);
  void linger_close();
  void linger_read();
  bool idle_now();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
  Response response_;
  ServerCore& core_;
  Worker& worker_;
  bool waiting_idle_ = false;   // a read for a new request is pending, nothing buffered
  bool first_ = true;           // no request has been read yet
  bool in_flight_ = false;      // counted in the in-flight gauge
  bool continue_sent_ = false;  // "100 Continue" already sent for this request
  std::array<char, 2048> discard_{};
};

}  // namespace ksim::services::http::detail
