// Threading: one io_context per I/O thread, each connection pinned to one of
// them (round-robin at accept). A session's callbacks therefore never run
// concurrently and need no strand or lock, and the threads share nothing on
// the hot path but relaxed metric atomics; a single io_context run by N
// threads would instead contend on its scheduler lock for every completion.
// The cost is no work stealing: a thread blocked in a slow handler delays the
// other connections pinned to it, which is why ServerOptions::threads should
// cover the blocking calls a service makes. The acceptor, the signals and the
// drain logic live on a separate control io_context (the thread calling
// run()), so a blocked handler never delays accepting or a SIGTERM.
#include "ksim/services/http/server.h"

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <stdexcept>
#include <thread>

#include "ksim/services/http/json.h"
#include "server_core.h"

namespace ksim::services::http {

using detail::net::ip::tcp;
namespace net = detail::net;
namespace beast = detail::beast;

namespace detail {

RouteMetrics::RouteMetrics(CounterFamily& requests, HistogramFamily& latency, std::string method,
                           std::string route)
    : requests_(requests),
      method_(std::move(method)),
      route_(std::move(route)),
      latency_(latency.with({method_, route_})) {}

void RouteMetrics::record(unsigned status, double seconds) {
  latency_.observe(seconds);
  const std::size_t slot = status >= 100 && status < 600 ? status - 100 : 499;
  Counter* counter = by_status_[slot].load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Racing threads both resolve the same series (Family::with is idempotent).
    counter = &requests_.with({method_, route_, std::to_string(slot + 100)});
    by_status_[slot].store(counter, std::memory_order_release);
  }
  counter->inc();
}

Response ServerCore::handle(const BeastRequest& raw) {
  const auto start = std::chrono::steady_clock::now();
  Request request(raw);
  const RouteMatch match = router.match(request);
  Response res = router.respond(request, match);
  res.version(raw.version());
  res.keep_alive(raw.keep_alive() && !draining.load(std::memory_order_relaxed));
  res.prepare_payload();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RouteMetrics& m = match.kind == MatchKind::kFound ? *route_metrics[match.route] : *unmatched;
  m.record(res.result_int(), seconds);
  if (options.access_log) {
    logger->info("request", {{"method", std::string_view(raw.method_string())},
                             {"target", std::string_view(raw.target())},
                             {"status", res.result_int()},
                             {"duration_us", static_cast<std::int64_t>(seconds * 1e6)}});
  }
  return res;
}

void ServerCore::session_closed() {
  open->add(-1);
  if (sessions.fetch_sub(1) == 1 && draining.load() && !stopped.load() && on_drained) on_drained();
}

}  // namespace detail

struct Server::Impl {
  // Declaration order is destruction order in reverse: the core outlives the
  // workers, whose io_contexts destroy any abandoned sessions (which touch
  // the core); the acceptor, signals and timer go before the control context.
  detail::ServerCore core;
  net::io_context control{1};
  net::executor_work_guard<net::io_context::executor_type> control_guard{control.get_executor()};
  std::vector<std::unique_ptr<detail::Worker>> workers;
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::steady_timer grace_timer;
  net::steady_timer accept_retry;
  std::size_t next_worker = 0;
  bool finished = false;  // control thread only
  std::uint16_t port = 0;

  Impl(ServerOptions options, Router router, std::shared_ptr<MetricsRegistry> metrics,
       std::shared_ptr<Logger> logger);
  ~Impl() { core.stopped = true; }
  void add_builtin_routes();
  void build_metrics();
  void listen();
  void do_accept();
  void begin_drain();
  void maybe_finish();
  void finish();
};

namespace {

unsigned thread_count(unsigned requested) {
  if (requested != 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

std::vector<std::unique_ptr<detail::Worker>> make_workers(unsigned n) {
  std::vector<std::unique_ptr<detail::Worker>> workers;
  for (unsigned i = 0; i < n; ++i) workers.push_back(std::make_unique<detail::Worker>());
  return workers;
}

}  // namespace

Server::Impl::Impl(ServerOptions options, Router router, std::shared_ptr<MetricsRegistry> metrics,
                   std::shared_ptr<Logger> logger)
    : workers(make_workers(thread_count(options.threads))),
      acceptor(control),
      signals(control),
      grace_timer(control),
      accept_retry(control) {
  core.options = std::move(options);
  core.options.threads = static_cast<unsigned>(workers.size());
  core.router = std::move(router);
  core.metrics = metrics ? std::move(metrics) : std::make_shared<MetricsRegistry>();
  core.logger = logger ? std::move(logger) : std::make_shared<Logger>(core.options.log_level);
  core.on_drained = [this] { net::post(control, [this] { maybe_finish(); }); };
  add_builtin_routes();
  build_metrics();
  listen();
}

void Server::Impl::add_builtin_routes() {
  detail::ServerCore* c = &core;
  core.router.get("/health", [](const Request&) {
    return json_response(Status::ok, {{"status", "ok"}});
  });
  core.router.get("/ready", [c](const Request&) {
    if (c->draining.load()) {
      return json_response(
          Status::service_unavailable,
          {{"error", "not_ready"}, {"message", "server is draining"}, {"status", "draining"}});
    }
    if (!c->ready.load()) {
      return json_response(
          Status::service_unavailable,
          {{"error", "not_ready"}, {"message", "server is starting"}, {"status", "starting"}});
    }
    return json_response(Status::ok, {{"status", "ready"}});
  });
  core.router.get("/metrics", [c](const Request&) {
    Response res{Status::ok, 11};
    res.set(Field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = c->metrics->expose();
    return res;
  });
}

void Server::Impl::build_metrics() {
  MetricsRegistry& m = *core.metrics;
  auto& requests = m.counter("http_requests_total", "HTTP requests handled, by route pattern.",
                             {"method", "route", "code"});
  auto& latency =
      m.histogram("http_request_duration_seconds",
                  "Time spent routing and handling a request, in seconds.", {"method", "route"});
  core.in_flight =
      &m.gauge("http_requests_in_flight", "Requests read but not yet answered.").with({});
  core.accepted =
      &m.counter("http_connections_accepted_total", "TCP connections accepted.").with({});
  core.open = &m.gauge("http_connections_open", "TCP connections open.").with({});
  core.protocol_errors =
      &m.counter("http_protocol_errors_total",
                 "Requests refused before routing (malformed or too large).", {"code"});
  for (std::size_t i = 0; i < core.router.size(); ++i) {
    const Route& r = core.router.route(i);
    const auto verb = boost::beast::http::to_string(r.method);
    core.route_metrics.push_back(std::make_unique<detail::RouteMetrics>(
        requests, latency, std::string(verb.data(), verb.size()), r.pattern));
  }
  core.unmatched = std::make_unique<detail::RouteMetrics>(requests, latency, "ANY", "unmatched");
  try {
    add_process_metrics(m);
  } catch (const std::invalid_argument&) {
    // Already registered by another server sharing this registry.
  }
}

void Server::Impl::listen() {
  const tcp::endpoint endpoint(net::ip::make_address(core.options.host), core.options.port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
  port = acceptor.local_endpoint().port();
}

void Server::Impl::do_accept() {
  detail::Worker& worker = *workers[next_worker++ % workers.size()];
  acceptor.async_accept(worker.ctx, [this, &worker](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      // Out of file descriptors and the like: retrying at once would spin.
      core.logger->warn("accept failed", {{"error", ec.message()}});
      accept_retry.expires_after(std::chrono::milliseconds(100));
      accept_retry.async_wait([this](beast::error_code e) {
        if (!e && acceptor.is_open()) do_accept();
      });
      return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    ++core.sessions;
    core.accepted->inc();
    core.open->add(1);
    auto session = std::make_shared<detail::Session>(std::move(socket), core, worker);
    net::post(worker.ctx, [session] { session->start(); });
    do_accept();
  });
}

void Server::Impl::begin_drain() {
  if (core.draining.exchange(true)) return;
  beast::error_code ec;
  acceptor.close(ec);
  accept_retry.cancel();
  signals.cancel(ec);
  // Logged once new connections are refused (the drain test relies on it).
  core.logger->info("draining", {{"grace_period_ms", core.options.grace_period.count()},
                                 {"connections", core.sessions.load()}});
  grace_timer.expires_after(core.options.grace_period);
  grace_timer.async_wait([this](beast::error_code e) {
    if (e) return;
    core.logger->warn("grace period over", {{"connections", core.sessions.load()}});
    finish();
  });
  for (auto& w : workers) {
    net::post(w->ctx, [worker = w.get()] {
      const std::vector<detail::Session*> sessions(worker->sessions.begin(),
                                                   worker->sessions.end());
      for (detail::Session* s : sessions) s->drain();
    });
  }
  maybe_finish();
}

void Server::Impl::maybe_finish() {
  if (core.sessions.load() == 0) finish();
}

void Server::Impl::finish() {
  if (finished) return;
  finished = true;
  grace_timer.cancel();
  control_guard.reset();
  control.stop();
  for (auto& w : workers) {
    w->guard.reset();
    w->ctx.stop();
  }
}

Server::Server(ServerOptions options, Router router, std::shared_ptr<MetricsRegistry> metrics,
               std::shared_ptr<Logger> logger)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), std::move(metrics),
                                   std::move(logger))) {}

Server::~Server() = default;

std::uint16_t Server::port() const { return impl_->port; }
void Server::set_ready(bool ready) { impl_->core.ready.store(ready); }
bool Server::ready() const { return impl_->core.ready.load() && !impl_->core.draining.load(); }
MetricsRegistry& Server::metrics() { return *impl_->core.metrics; }
Logger& Server::logger() { return *impl_->core.logger; }

void Server::shutdown() {
  net::post(impl_->control, [impl = impl_.get()] { impl->begin_drain(); });
}

void Server::run() {
  Impl& s = *impl_;
  if (s.core.options.handle_signals) {
    s.signals.add(SIGTERM);
    s.signals.add(SIGINT);
    s.signals.async_wait([&s](beast::error_code ec, int signal) {
      if (ec) return;
      s.core.logger->info("signal", {{"signal", signal}});
      s.begin_drain();
    });
  }
  s.do_accept();
  s.core.logger->info(
      "listening",
      {{"host", s.core.options.host}, {"port", s.port}, {"threads", s.workers.size()}});
  {
    std::vector<std::jthread> threads;
    for (auto& w : s.workers) threads.emplace_back([w = w.get()] { w->ctx.run(); });
    s.control.run();
  }
  s.core.stopped = true;
  s.core.logger->info("stopped", {{"connections", s.core.sessions.load()}});
}

}  // namespace ksim::services::http
