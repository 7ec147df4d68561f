#include "ksim/services/http/client.h"

#include <poll.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace ksim::services::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Connection {
  explicit Connection(net::io_context& ctx) : stream(ctx) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  Clock::time_point idle_since;
};

struct Outcome {
  std::expected<Response, ClientError> result;
  bool retryable = false;  // failed on a reused connection before any response byte
};

// A peer that closed an idle connection leaves it readable (EOF); so does
// one that sent bytes we did not ask for. Either way it is not reusable.
bool looks_closed(Connection& c) {
  if (c.buffer.size() != 0) return true;
  pollfd pfd{c.stream.socket().native_handle(), POLLIN, 0};
  return ::poll(&pfd, 1, 0) != 0;
}

bool idempotent(Verb v) {
  return v == Verb::get || v == Verb::head || v == Verb::put || v == Verb::delete_ ||
         v == Verb::options;
}

}  // namespace

std::string_view to_string(ClientErrc code) {
  switch (code) {
    case ClientErrc::kResolve:
      return "resolve";
    case ClientErrc::kConnect:
      return "connect";
    case ClientErrc::kTimeout:
      return "timeout";
    case ClientErrc::kIo:
      return "io";
    case ClientErrc::kProtocol:
      return "protocol";
    case ClientErrc::kShutdown:
      break;
  }
  return "shutdown";
}

struct HttpClient::Impl {
  explicit Impl(ClientOptions o) : options(o) {
    thread = std::thread([this] { ctx.run(); });
  }
  ~Impl() {
    guard.reset();
    ctx.stop();
    thread.join();
    // Pooled sockets go before the io_context they were opened on.
    pool.clear();
  }

  std::unique_ptr<Connection> take(const std::string& key) {
    const std::lock_guard lock(mutex);
    auto& idle = pool[key];
    const auto oldest_ok = Clock::now() - options.max_idle;
    while (!idle.empty()) {
      std::unique_ptr<Connection> c = std::move(idle.back());
      idle.pop_back();
      if (c->idle_since >= oldest_ok && !looks_closed(*c)) return c;
    }
    return nullptr;
  }

  void put(const std::string& key, std::unique_ptr<Connection> c) {
    c->idle_since = Clock::now();
    const std::lock_guard lock(mutex);
    auto& idle = pool[key];
    if (idle.size() < options.max_idle_per_host) idle.push_back(std::move(c));
  }

  ClientOptions options;
  net::io_context ctx{1};
  net::executor_work_guard<net::io_context::executor_type> guard{ctx.get_executor()};
  mutable std::mutex mutex;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>, std::less<>> pool;
  std::thread thread;
};

namespace {

// One request/response on the client's I/O thread. The promise is always
// fulfilled: by the exchange, or with kShutdown when the client is destroyed
// with the exchange still pending.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(HttpClient::Impl& impl, std::string host, std::uint16_t port, BeastRequest& request,
           std::unique_ptr<Connection> conn)
      : impl_(impl),
        host_(std::move(host)),
        port_(port),
        request_(request),
        conn_(std::move(conn)),
        reused_(conn_ != nullptr),
        resolver_(impl.ctx) {}
  ~Exchange() {
    if (!done_) finish(ClientErrc::kShutdown, "client shut down", false);
  }

  std::future<Outcome> future() { return promise_.get_future(); }
  std::string key() const { return host_ + ":" + std::to_string(port_); }

  void start() {
    if (conn_) return write();
    resolver_.async_resolve(
        host_, std::to_string(port_),
        [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
          self->on_resolve(ec, std::move(results));
        });
  }

 private:
  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return finish(ClientErrc::kResolve, ec.message(), false);
    conn_ = std::make_unique<Connection>(impl_.ctx);
    conn_->stream.expires_after(impl_.options.connect_timeout);
    conn_->stream.async_connect(
        results, [self = shared_from_this()](beast::error_code e, const tcp::endpoint&) {
          if (e) {
            return self->finish(
                e == beast::error::timeout ? ClientErrc::kTimeout : ClientErrc::kConnect,
                e.message(), false);
          }
          beast::error_code ignored;
          self->conn_->stream.socket().set_option(tcp::no_delay(true), ignored);
          self->write();
        });
  }

  void write() {
    // One deadline for the write and the read that follows.
    conn_->stream.expires_after(impl_.options.request_timeout);
    bhttp::async_write(conn_->stream, request_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec) return self->fail_exchange(ec);
                         self->read();
                       });
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(impl_.options.body_limit);
    if (request_.method() == Verb::head) parser_->skip(true);
    bhttp::async_read(conn_->stream, conn_->buffer, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->fail_exchange(ec);
                        self->complete();
                      });
  }

  void fail_exchange(beast::error_code ec) {
    const bool nothing_received = !parser_ || !parser_->got_some();
    ClientErrc code = ClientErrc::kIo;
    if (ec == beast::error::timeout) {
      code = ClientErrc::kTimeout;
    } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category() &&
               ec != bhttp::error::end_of_stream) {
      code = ClientErrc::kProtocol;
    }
    finish(code, ec.message(), reused_ && nothing_received && code != ClientErrc::kTimeout);
  }

  void complete() {
    Response res = parser_->release();
    if (res.keep_alive()) {
      conn_->stream.expires_never();
      impl_.put(key(), std::move(conn_));
    }
    done_ = true;
    promise_.set_value(Outcome{std::move(res), false});
  }

  void finish(ClientErrc code, const std::string& why, bool retryable) {
    done_ = true;
    promise_.set_value(
        Outcome{std::unexpected(ClientError{
                    code, std::string(to_string(code)) + " error calling " + key() + ": " + why}),
                retryable});
  }

  HttpClient::Impl& impl_;
  std::string host_;
  std::uint16_t port_;
  BeastRequest& request_;  // the caller waits for the outcome, so it outlives us
  std::unique_ptr<Connection> conn_;
  bool reused_;
  bool done_ = false;
  tcp::resolver resolver_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  std::promise<Outcome> promise_;
};

}  // namespace

HttpClient::HttpClient(ClientOptions options) : impl_(std::make_unique<Impl>(options)) {}
HttpClient::~HttpClient() = default;

std::expected<Response, ClientError> HttpClient::send(std::string_view host, std::uint16_t port,
                                                      BeastRequest request) {
  request.version(11);
  request.set(Field::host, std::string(host) + ":" + std::to_string(port));
  request.keep_alive(true);
  request.prepare_payload();
  const std::string key = std::string(host) + ":" + std::to_string(port);
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<Connection> conn = attempt == 0 ? impl_->take(key) : nullptr;
    const bool reused = conn != nullptr;
    auto exchange =
        std::make_shared<Exchange>(*impl_, std::string(host), port, request, std::move(conn));
    std::future<Outcome> outcome = exchange->future();
    net::post(impl_->ctx, [exchange = std::move(exchange)] { exchange->start(); });
    Outcome o = outcome.get();
    if (o.result || !o.retryable || !reused || !idempotent(request.method())) {
      return std::move(o.result);
    }
  }
}

std::expected<Response, ClientError> HttpClient::get(std::string_view host, std::uint16_t port,
                                                     std::string_view target) {
  BeastRequest req{Verb::get, std::string(target), 11};
  return send(host, port, std::move(req));
}

std::expected<Response, ClientError> HttpClient::send_json(std::string_view host,
                                                           std::uint16_t port, Verb method,
                                                           std::string_view target,
                                                           const nlohmann::json& body) {
  BeastRequest req{method, std::string(target), 11};
  req.set(Field::content_type, "application/json");
  req.body() = body.dump();
  return send(host, port, std::move(req));
}

std::size_t HttpClient::idle_connections(std::string_view host, std::uint16_t port) const {
  const std::lock_guard lock(impl_->mutex);
  const auto it = impl_->pool.find(std::string(host) + ":" + std::to_string(port));
  return it == impl_->pool.end() ? 0 : it->second.size();
}

}  // namespace ksim::services::http
