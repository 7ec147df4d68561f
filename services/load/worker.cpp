// Worker (worker.h): the timer that sends each arrival at its intended
// time, the keep-alive pool, the timeout sweep.
#include "worker.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

namespace ksim::services::load::detail {
namespace {

using boost::beast::error_code;

// The server closed a keep-alive connection before it saw the request:
// what a client re-sends once on a new connection.
bool is_stale(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
}

ErrorKind kind_of(const error_code& ec, bool connected) {
  if (!connected) return ErrorKind::kConnect;
  if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message)
    return ErrorKind::kProtocol;
  return ErrorKind::kReset;
}

}  // namespace

Worker::Worker(WorkerConfig config, Schedule schedule, Recorder recorder)
    : config_(std::move(config)), schedule_(std::move(schedule)), recorder_(std::move(recorder)) {}

void Worker::run(Clock::time_point start) {
  start_ = start;
  advance();
  if (next_) {
    on_timer();
    sweep();
  }
  io_.run();
}

void Worker::stop_scheduling() {
  asio::post(io_, [this] {
    next_.reset();
    done_scheduling_ = true;
    timer_.cancel();
    maybe_stop();
  });
}

void Worker::advance() {
  while (auto a = schedule_.next()) {
    if (arrival_index_++ % config_.count == config_.index) {
      next_ = a;
      return;
    }
  }
  next_.reset();
}

// Sends everything due, then sleeps until the next arrival. A bounded batch
// per wake-up lets replies be read between sends when the generator lags.
void Worker::on_timer() {
  const std::int64_t t = now();
  for (int n = 0; next_ && next_->at_ns <= t && n < 256; ++n) {
    ++scheduled_;
    // How late the generator itself is (the timer woke late, or it is busy).
    max_lag_ = std::max(max_lag_, t - next_->at_ns);
    dispatch(Pending{next_->at_ns, next_->route, false});
    advance();
  }
  if (!next_) {
    done_scheduling_ = true;
    maybe_stop();
    return;
  }
  timer_.expires_at(start_ + std::chrono::nanoseconds{next_->at_ns});
  timer_.async_wait([this](error_code ec) {
    if (!ec) on_timer();
  });
}

void Worker::dispatch(Pending p) {
  ++outstanding_;
  place(p);
}

void Worker::place(Pending p) {
  if (!idle_.empty()) {
    Connection* c = idle_.back();
    idle_.pop_back();
    send(*c, p);
  } else if (connections_.size() < config_.max_connections) {
    open(p);
  } else {
    waiting_.push_back(p);
  }
}

// A retry goes on a new connection: the idle ones may be as stale as the
// one that failed. At the limit an idle connection makes room; else the
// request waits first in line (it is older than every request waiting).
void Worker::retry(Pending p) {
  if (connections_.size() >= config_.max_connections && !idle_.empty()) drop(*idle_.front());
  if (connections_.size() < config_.max_connections) {
    open(p);
  } else {
    waiting_.push_front(p);
  }
}

void Worker::open(Pending p) {
  auto c = std::make_shared<Connection>(io_);
  connections_.push_back(c);
  ++opened_;
  c->busy = true;
  c->request = p;
  c->sent = -1;
  c->socket.async_connect(config_.endpoint, [this, c](error_code ec) {
    if (ec || c->timed_out) {
      fail(*c, ec);
    } else {
      c->connected = true;
      c->socket.set_option(asio::ip::tcp::no_delay(true), ec);
      send(*c, c->request);
    }
    maybe_stop();
  });
}

void Worker::send(Connection& c, Pending p) {
  c.parser.reset();  // so that a failed write is not taken for a reply begun
  c.busy = true;
  c.request = p;
  c.sent = now();
  std::shared_ptr<Connection> keep = c.shared_from_this();
  asio::async_write(c.socket, asio::buffer(config_.wire[p.route]),
                    [this, keep](error_code ec, std::size_t) {
                      if (ec || keep->timed_out) {
                        fail(*keep, ec);
                        maybe_stop();
                        return;
                      }
                      keep->parser.emplace();
                      if (config_.head[keep->request.route]) keep->parser->skip(true);
                      http::async_read(keep->socket, keep->buffer, *keep->parser,
                                       [this, keep](error_code rec, std::size_t) {
                                         on_read(*keep, rec);
                                         maybe_stop();
                                       });
                    });
}

void Worker::on_read(Connection& c, error_code ec) {
  // Without an error the reply is complete: it counts even if the sweep
  // closed the socket just after it arrived.
  if (ec) return fail(c, ec);
  const std::int64_t done = now();
  recorder_.response(c.request.route, c.request.intended, c.sent, done, c.parser->status());
  finish(done);
  c.reused = true;
  if (c.parser->keep_alive() && !c.timed_out) {
    release(c);
  } else {
    drop(c);
  }
}

void Worker::fail(Connection& c, error_code ec) {
  const bool stale = !c.timed_out && c.reused && !c.request.retried && is_stale(ec) &&
                     !(c.parser && c.parser->got_some());
  Pending p = c.request;
  if (stale) {
    p.retried = true;
    drop(c);
    retry(p);
    return;
  }
  const ErrorKind kind = c.timed_out ? ErrorKind::kTimeout : kind_of(ec, c.connected);
  const std::int64_t done = now();
  recorder_.error(p.route, p.intended, c.connected ? c.sent : -1, done, kind);
  finish(done);
  drop(c);
}

void Worker::release(Connection& c) {
  c.busy = false;
  if (!waiting_.empty()) {
    const Pending p = waiting_.front();
    waiting_.pop_front();
    send(c, p);
  } else {
    idle_.push_back(&c);
  }
}

void Worker::drop(Connection& c) {
  error_code ignored;
  c.socket.close(ignored);
  std::erase(idle_, &c);
  std::erase_if(connections_, [&](const auto& x) { return x.get() == &c; });
  serve_waiting();
}

void Worker::serve_waiting() {
  while (!waiting_.empty() && connections_.size() < config_.max_connections) {
    const Pending p = waiting_.front();
    waiting_.pop_front();
    open(p);
  }
}

// Closes the connections of requests past their deadline (their handlers
// then record the timeout) and expires waiting requests.
void Worker::sweep() {
  if (stopped_) return;
  const std::int64_t t = now();
  for (const auto& c : connections_) {
    if (c->busy && !c->timed_out && t - c->request.intended >= config_.timeout_ns) {
      c->timed_out = true;
      error_code ignored;
      c->socket.close(ignored);
    }
  }
  while (!waiting_.empty() && t - waiting_.front().intended >= config_.timeout_ns) {
    recorder_.error(waiting_.front().route, waiting_.front().intended, -1, t, ErrorKind::kTimeout);
    waiting_.pop_front();
    finish(t);
  }
  maybe_stop();
  if (stopped_) return;
  const auto every = std::clamp<std::int64_t>(config_.timeout_ns / 10, 1'000'000, 100'000'000);
  sweeper_.expires_after(std::chrono::nanoseconds{every});
  sweeper_.async_wait([this](error_code ec) {
    if (!ec) sweep();
  });
}

void Worker::finish(std::int64_t done) {
  --outstanding_;
  last_done_ = std::max(last_done_, done);
  finished_.store(finished_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

void Worker::maybe_stop() {
  if (stopped_ || !done_scheduling_ || outstanding_ != 0) return;
  stopped_ = true;
  timer_.cancel();
  sweeper_.cancel();
  error_code ignored;
  for (const auto& c : connections_) c->socket.close(ignored);
  idle_.clear();
}

}  // namespace ksim::services::load::detail
