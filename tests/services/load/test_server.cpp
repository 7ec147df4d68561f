// TestServer (test_server.h).
#include "test_server.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <memory>

namespace ksim::services::load::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

constexpr std::string_view kGarbage = "SPDY/9 what\r\n\r\n";

class TestServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(TestServer& server, asio::ip::tcp::socket socket)
      : server_(server), socket_(std::move(socket)), timer_(socket_.get_executor()) {}

  void read() {
    request_ = {};
    http::async_read(socket_, buffer_, request_,
                     [self = shared_from_this()](error_code ec, std::size_t) {
                       if (!ec) self->handle();
                     });
  }

 private:
  void handle() {
    const std::string path(request_.target());
    const Clock::time_point not_before = server_.on_request(path);
    if (path == "/hang") return read();  // no reply; the read ends when the client closes
    if (path == "/reset") {
      // Linger 0: close() sends a RST, not a FIN.
      error_code ignored;
      socket_.set_option(asio::socket_base::linger(true, 0), ignored);
      socket_.close(ignored);
      return;
    }
    if (path == "/garbage") {
      asio::async_write(socket_, asio::buffer(kGarbage),
                        [self = shared_from_this()](error_code, std::size_t) {
                          error_code ignored;
                          self->socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
                        });
      return;
    }
    response_ = {};
    response_.version(11);
    response_.result(http::status::ok);
    if (path.starts_with("/status/")) response_.result(std::stoi(path.substr(8)));
    response_.body() = "hello world\n";
    response_.keep_alive(path != "/close" && request_.keep_alive());
    response_.prepare_payload();
    if (request_.method() == http::verb::head) response_.body().clear();  // the length stays
    if (Clock::now() < not_before) {
      timer_.expires_at(not_before);
      timer_.async_wait([self = shared_from_this()](error_code) { self->write(); });
    } else {
      write();
    }
  }

  void write() {
    http::async_write(socket_, response_, [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return;
      if (!self->response_.keep_alive() || self->request_.target() == "/stale") {
        error_code ignored;
        self->socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        return;
      }
      self->read();
    });
  }

  TestServer& server_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

TestServer::TestServer() {
  const asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  accept();
  thread_ = std::thread([this] { io_.run(); });
}

TestServer::~TestServer() {
  io_.stop();
  thread_.join();
}

void TestServer::accept() {
  acceptor_.async_accept([this](error_code ec, asio::ip::tcp::socket socket) {
    if (!ec) {
      socket.set_option(asio::ip::tcp::no_delay(true), ec);
      std::make_shared<Session>(*this, std::move(socket))->read();
    }
    accept();
  });
}

void TestServer::stall_at(std::uint64_t nth, std::chrono::milliseconds length) {
  const std::lock_guard lock(mutex_);
  stall_nth_ = nth;
  stall_length_ = length;
}

std::optional<TestServer::Stall> TestServer::stall() const {
  const std::lock_guard lock(mutex_);
  return stall_;
}

std::map<std::string, std::uint64_t> TestServer::counts() const {
  const std::lock_guard lock(mutex_);
  return counts_;
}

TestServer::Clock::time_point TestServer::on_request(const std::string& path) {
  const std::lock_guard lock(mutex_);
  ++counts_[path];
  ++seen_;
  if (stall_nth_ != 0 && seen_ == stall_nth_) {
    const Clock::time_point now = Clock::now();
    stall_ = Stall{now, now + stall_length_};
  }
  return stall_ ? stall_->end : Clock::time_point{};
}

}  // namespace ksim::services::load::testing
