// run_load and parse_target (engine.h): resolves the target, serializes each
// route's request once, and runs one Worker per thread.
#include "ksim/services/load/engine.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "ksim/services/load/schedule.h"
#include "worker.h"

namespace ksim::services::load {
namespace {

std::string wire_of(const Route& r, const std::string& host) {
  std::string w =
      r.method + " " + r.path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: ksim-load\r\n";
  const bool has_body =
      !r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH";
  if (!r.body.empty())
    w += "Content-Type: " + (r.content_type.empty() ? "application/json" : r.content_type) + "\r\n";
  if (has_body) w += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  return w + "\r\n" + r.body;
}

// One worker per thread, each with the whole schedule (it keeps its share)
// and its part of the connection limit.
std::vector<std::unique_ptr<detail::Worker>> make_workers(const LoadSpec& spec,
                                                          const RunOptions& options,
                                                          const boost::asio::ip::tcp::endpoint& to,
                                                          const std::string& host,
                                                          unsigned threads) {
  const auto window_ns = static_cast<std::int64_t>(options.window.count());
  std::vector<std::unique_ptr<detail::Worker>> workers;
  for (unsigned i = 0; i < threads; ++i) {
    Schedule schedule(spec, options.seed, options.time_scale, options.cut);
    detail::WorkerConfig config{to, {}, {}, 1, options.timeout.count(), i, threads};
    for (const Route& r : schedule.routes()) {
      config.wire.push_back(wire_of(r, host));
      config.head.push_back(r.method == "HEAD");
    }
    config.max_connections = std::max<std::size_t>(1, options.max_connections / threads);
    Recorder recorder(schedule.routes().size(), window_ns, options.keep_records);
    workers.push_back(std::make_unique<detail::Worker>(std::move(config), std::move(schedule),
                                                       std::move(recorder)));
  }
  return workers;
}

// Runs each worker on its own thread from `start` and waits for them all,
// polling for a stop request and reporting progress meanwhile. True if a
// stop was requested.
bool run_workers(const std::vector<std::unique_ptr<detail::Worker>>& workers,
                 detail::Clock::time_point start, const RunOptions& options) {
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t running = workers.size();
  std::vector<std::jthread> pool;
  for (const auto& w : workers) {
    pool.emplace_back([&, worker = w.get()] {
      worker->run(start);
      const std::lock_guard lock(mutex);
      --running;
      cv.notify_all();
    });
  }
  bool stopping = false;
  std::unique_lock lock(mutex);
  for (int tick = 1;
       !cv.wait_for(lock, std::chrono::milliseconds{100}, [&] { return running == 0; }); ++tick) {
    if (!stopping && options.stop_requested && options.stop_requested()) {
      stopping = true;
      for (const auto& w : workers) w->stop_scheduling();
    }
    if (tick % 10 != 0 || !options.progress) continue;
    std::uint64_t finished = 0;
    for (const auto& w : workers) finished += w->finished();
    lock.unlock();
    options.progress(finished, detail::Clock::now() - start);
    lock.lock();
  }
  lock.unlock();
  pool.clear();  // joins
  return stopping;
}

}  // namespace

std::expected<TargetUrl, std::string> parse_target(std::string_view url) {
  const std::string bad =
      "expected a URL like http://127.0.0.1:8080, got '" + std::string(url) + "'";
  if (!url.starts_with("http://")) return std::unexpected(bad + " (only http:// is supported)");
  std::string_view rest = url.substr(7);
  rest = rest.substr(0, rest.find('/'));
  TargetUrl t;
  std::string_view port;
  if (rest.starts_with('[')) {  // [IPv6]:port
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return std::unexpected(bad);
    t.host = std::string(rest.substr(1, close - 1));
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else {
    const auto colon = rest.find(':');
    t.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
  }
  if (t.host.empty()) return std::unexpected(bad);
  if (!port.empty()) {
    unsigned p = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc{} || end != port.data() + port.size() || p == 0 || p > 65535)
      return std::unexpected(bad + " (bad port)");
    t.port = static_cast<std::uint16_t>(p);
  }
  return t;
}

std::expected<RunResult, std::string> run_load(const LoadSpec& spec, const RunOptions& options) {
  namespace asio = boost::asio;
  asio::io_context resolver_io;
  asio::ip::tcp::resolver resolver(resolver_io);
  boost::system::error_code ec;
  const auto found = resolver.resolve(options.target.host, std::to_string(options.target.port), ec);
  if (ec || found.empty())
    return std::unexpected("cannot resolve " + options.target.host + ": " + ec.message());

  const std::string host = !options.host_header.empty() ? options.host_header
                           : !spec.host.empty()
                               ? spec.host
                               : options.target.host + ":" + std::to_string(options.target.port);
  const unsigned threads = std::max(1u, options.threads);
  auto workers = make_workers(spec, options, found.begin()->endpoint(), host, threads);
  const auto start = detail::Clock::now();
  const bool stopped = run_workers(workers, start, options);
  Schedule layout(spec, options.seed, options.time_scale, options.cut);
  RunResult result{
      layout.routes(), start, std::move(workers[0]->recorder()), 0, layout.length_ns(), 0, 0, 0};
  for (std::size_t i = 0; i < workers.size(); ++i) {
    if (i > 0) result.recorder.merge(std::move(workers[i]->recorder()));
    result.scheduled += workers[i]->scheduled();
    result.connections_opened += workers[i]->opened();
    result.elapsed_ns = std::max(result.elapsed_ns, workers[i]->last_done());
    result.max_dispatch_lag_ns = std::max(result.max_dispatch_lag_ns, workers[i]->max_lag());
  }
  result.stopped_early = stopped;
  result.recorder.sort_records();
  return result;
}

}  // namespace ksim::services::load
