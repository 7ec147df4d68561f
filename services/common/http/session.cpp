// The per-connection state machine of the server. Every callback runs on the
// session's own worker thread (one io_context per thread), so the session
// needs no strand and no lock.
#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdint>
#include <limits>

#include "ksim/services/http/json.h"
#include "server_core.h"

namespace ksim::services::http::detail {
namespace http = beast::http;

namespace {

// Bytes buffered beyond the limits: room for chunk framing and the start of
// a pipelined request. The buffer limit is what bounds read-ahead.
constexpr std::size_t kBufferSlack = 16 * 1024;
// How long a closing connection keeps reading (and discarding) what the
// client still sends, so that our last response is not lost to a TCP reset.
constexpr auto kLingerTime = std::chrono::seconds(2);

bool is_quiet_close(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::operation_aborted || ec == net::error::connection_reset ||
         ec == beast::error::timeout || ec == net::error::bad_descriptor;
}

}  // namespace

Session::Session(tcp::socket&& socket, ServerCore& core, Worker& worker)
    : stream_(std::move(socket)),
      buffer_(core.options.header_limit + core.options.body_limit + kBufferSlack),
      core_(core),
      worker_(worker) {}

Session::~Session() {
  if (in_flight_) core_.in_flight->add(-1);
  worker_.sessions.erase(this);
  core_.session_closed();
}

void Session::start() {
  worker_.sessions.insert(this);
  read_request();
}

bool Session::idle_now() {
  if (buffer_.size() != 0) return false;
  beast::error_code ec;
  const std::size_t pending = stream_.socket().available(ec);
  return ec || pending == 0;
}

void Session::drain() {
  // Cancel rather than close: the pending read may already have taken a
  // request off the socket (the reactor reads before our handler runs, so
  // neither the buffer nor available() shows it). A read that completed
  // still delivers its bytes and the request is served; a read still
  // waiting ends with operation_aborted and the idle connection closes.
  if (!waiting_idle_) return;
  beast::error_code ec;
  stream_.socket().cancel(ec);
}

void Session::read_request() {
  if (core_.draining.load() && idle_now()) {
    stream_.close();
    return;
  }
  parser_.emplace();
  continue_sent_ = false;
  parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
      core_.options.header_limit, std::numeric_limits<std::uint32_t>::max())));
  parser_->body_limit(core_.options.body_limit);
  waiting_idle_ = buffer_.size() == 0;
  stream_.expires_after(waiting_idle_ && !first_ ? core_.options.idle_timeout
                                                 : core_.options.read_timeout);
  http::async_read_some(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read_some(ec); });
}

void Session::on_read_some(beast::error_code ec) {
  waiting_idle_ = false;
  if (ec) return fail_read(ec);
  first_ = false;
  if (parser_->is_done()) return process();
  // The rest of a request that began arriving: the read timeout applies.
  stream_.expires_after(core_.options.read_timeout);
  if (parser_->is_header_done()) return read_body();
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code e, std::size_t) {
                            if (e) return self->fail_read(e);
                            if (self->parser_->is_done()) return self->process();
                            self->read_body();
                          });
}

void Session::read_body() {
  // A client that sent "Expect: 100-continue" (curl does for bodies over
  // 1 KiB) waits for this interim response before sending the body.
  const auto expect = parser_->get()[http::field::expect];
  if (!continue_sent_ && beast::iequals(expect, "100-continue")) {
    continue_sent_ = true;
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this()](beast::error_code e, std::size_t) {
                       if (e) return;
                       self->read_body();
                     });
    return;
  }
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_read(e); });
}

void Session::on_read(beast::error_code ec) {
  if (ec) return fail_read(ec);
  process();
}

void Session::fail_read(beast::error_code ec) {
  if (ec == http::error::header_limit) {
    return send_error(
        Status::request_header_fields_too_large, "header_too_large",
        "request headers exceed " + std::to_string(core_.options.header_limit) + " bytes");
  }
  if (ec == http::error::body_limit ||
      (ec == http::error::buffer_overflow && parser_->is_header_done())) {
    return send_error(
        Status::payload_too_large, "body_too_large",
        "request body exceeds " + std::to_string(core_.options.body_limit) + " bytes");
  }
  if (ec == http::error::buffer_overflow) {
    return send_error(Status::request_header_fields_too_large, "header_too_large",
                      "request headers exceed the buffer");
  }
  // A timeout has already closed the socket (tcp_stream does that), so there
  // is no one to answer; the same for resets and a client's clean close.
  if (is_quiet_close(ec) ||
      ec.category() != http::make_error_code(http::error::bad_method).category()) {
    if (!is_quiet_close(ec)) core_.logger->debug("connection error", {{"error", ec.message()}});
    return;
  }
  send_error(Status::bad_request, "malformed_request", "malformed HTTP request: " + ec.message());
}

void Session::send_error(Status status, std::string_view code, std::string message) {
  core_.protocol_errors->with({std::to_string(static_cast<unsigned>(status))}).inc();
  response_ = json_error(status, code, message);
  response_.keep_alive(false);
  response_.prepare_payload();
  write(true);
}

void Session::process() {
  in_flight_ = true;
  core_.in_flight->add(1);
  response_ = core_.handle(parser_->get());
  write(!response_.keep_alive());
}

void Session::write(bool close_after) {
  stream_.expires_after(core_.options.read_timeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), close_after](beast::error_code ec, std::size_t) {
                      self->on_write(ec, close_after);
                    });
}

void Session::on_write(beast::error_code ec, bool close_after) {
  if (in_flight_) {
    in_flight_ = false;
    core_.in_flight->add(-1);
  }
  if (ec) return;
  if (close_after) return linger_close();
  read_request();
}

void Session::linger_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return;
  stream_.expires_after(kLingerTime);
  linger_read();
}

void Session::linger_read() {
  stream_.async_read_some(net::buffer(discard_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (!ec) self->linger_read();
                          });
}

}  // namespace ksim::services::http::detail
