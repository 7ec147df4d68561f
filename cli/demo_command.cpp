// `ksim demo`: a short kernel demonstration until the scenario runner exists.
// A pool of identical workers serves requests arriving as a Poisson stream;
// a request that waits longer than its timeout is dropped (the timeout event
// is cancelled when service starts). Nothing here knows Kubernetes.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

#include "command.h"
#include "ksim/sim/kernel/random.h"
#include "ksim/sim/kernel/simulator.h"

namespace ksim::cli {
namespace {

struct DemoOptions {
  std::uint64_t seed = 1;
  std::string duration = "10m";
  double rate = 50;
  int workers = 4;
  std::string service_time = "70ms";
  std::string timeout = "2s";
  std::string report_every = "1m";
};

Duration parse_flag(const std::string& flag, const std::string& text) {
  auto d = parse_duration(text);
  if (!d) throw UsageError("--" + flag + ": " + d.error());
  if (d->count() <= 0) throw UsageError("--" + flag + ": must be positive, got '" + text + "'");
  return *d;
}

struct Request {
  Time arrived;
  EventHandle timeout;
};

class Demo {
 public:
  Demo(const DemoOptions& o, Duration mean_service, Duration timeout)
      : streams_(o.seed),
        arrivals_rng_(streams_.stream("demo/arrivals")),
        service_rng_(streams_.stream("demo/service")),
        interarrival_(1e6 / o.rate),
        service_(static_cast<double>(mean_service.count())),
        timeout_(timeout),
        idle_(o.workers),
        workers_(o.workers) {}

  void start(Duration report_every) {
    schedule_arrival();
    sim_.schedule_periodic(report_every, Duration{0}, [this] { report(); });
  }
  void run_until(Time end) { sim_.run_until(end); }

  void summary(Duration duration) {
    std::vector<std::int64_t> lat = latencies_us_;
    std::sort(lat.begin(), lat.end());
    auto pct = [&](double p) -> std::string {
      if (lat.empty()) return "-";
      const auto i = static_cast<std::size_t>(p * static_cast<double>(lat.size() - 1));
      return format_duration(Duration{lat[i]});
    };
    std::printf("\nsimulated %s: %llu arrived, %llu served, %llu timed out, %zu in system\n",
                format_duration(duration).c_str(), ull(arrived_), ull(served_), ull(dropped_),
                queue_.size() + static_cast<std::size_t>(workers_ - idle_));
    std::printf("latency (served): p50 %s  p95 %s  p99 %s\n", pct(0.50).c_str(), pct(0.95).c_str(),
                pct(0.99).c_str());
    std::printf(
        "worker utilization: %.1f%%\n",
        100.0 * static_cast<double>(busy_us_) / (static_cast<double>(duration.count()) * workers_));
    std::printf("kernel: %llu events fired, %zu pending at the end\n", ull(sim_.events_fired()),
                sim_.pending());
  }

 private:
  static unsigned long long ull(std::uint64_t v) { return static_cast<unsigned long long>(v); }

  void schedule_arrival() {
    const auto gap = Duration{static_cast<std::int64_t>(interarrival_.sample(arrivals_rng_))};
    sim_.schedule_in(gap, [this] { arrive(); });
  }

  void arrive() {
    ++arrived_;
    schedule_arrival();
    if (idle_ > 0) {
      begin_service(sim_.now());
      return;
    }
    const std::uint64_t id = next_id_++;
    const EventHandle t = sim_.schedule_in(timeout_, [this, id] { expire(id); });
    queue_.push_back({id, Request{sim_.now(), t}});
  }

  void expire(std::uint64_t id) {
    // The request is still queued (service would have cancelled this event).
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
      if (it->first == id) {
        queue_.erase(it);
        ++dropped_;
        return;
      }
    }
  }

  void begin_service(Time arrived) {
    --idle_;
    const auto d = Duration{static_cast<std::int64_t>(service_.sample(service_rng_)) + 1};
    busy_us_ += d.count();
    sim_.schedule_in(d, [this, arrived] { finish(arrived); });
  }

  void finish(Time arrived) {
    ++served_;
    latencies_us_.push_back((sim_.now() - arrived).count());
    ++idle_;
    if (!queue_.empty()) {
      const Request r = queue_.front().second;
      queue_.pop_front();
      sim_.cancel(r.timeout);
      begin_service(r.arrived);
    }
  }

  void report() {
    if (sim_.now() == kTimeZero) return;
    std::printf("t=%-8s busy %d/%d  queued %3zu  arrived %llu  served %llu  timed out %llu\n",
                format_time(sim_.now()).c_str(), workers_ - idle_, workers_, queue_.size(),
                ull(arrived_), ull(served_), ull(dropped_));
  }

  Simulator sim_;
  RandomStreams streams_;
  Rng arrivals_rng_;
  Rng service_rng_;
  Exponential interarrival_;
  Exponential service_;
  Duration timeout_;
  int idle_;
  int workers_;
  std::deque<std::pair<std::uint64_t, Request>> queue_;
  std::vector<std::int64_t> latencies_us_;
  std::uint64_t next_id_ = 0, arrived_ = 0, served_ = 0, dropped_ = 0;
  std::int64_t busy_us_ = 0;
};

}  // namespace

void add_demo_command(CLI::App& app, ExitCode& exit_code) {
  auto opts = std::make_shared<DemoOptions>();
  CLI::App* cmd =
      app.add_subcommand("demo",
                         "Kernel demo: Poisson arrivals served by a worker pool, with timeouts.\n"
                         "Same seed, same output.");
  cmd->add_option("--seed", opts->seed, "Run seed")->capture_default_str();
  cmd->add_option("--duration", opts->duration, "Simulated time, e.g. 10m, 1h30m")
      ->capture_default_str();
  cmd->add_option("--rate", opts->rate, "Arrivals per second")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--workers", opts->workers, "Workers serving requests")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--service-time", opts->service_time, "Mean service time (exponential)")
      ->capture_default_str();
  cmd->add_option("--timeout", opts->timeout, "Drop a request queued this long")
      ->capture_default_str();
  cmd->add_option("--report-every", opts->report_every, "Progress line period")
      ->capture_default_str();
  cmd->callback([opts, &exit_code] {
    const Duration duration = parse_flag("duration", opts->duration);
    const Duration service = parse_flag("service-time", opts->service_time);
    const Duration timeout = parse_flag("timeout", opts->timeout);
    const Duration every = parse_flag("report-every", opts->report_every);
    std::printf("ksim demo: seed %llu, %g req/s, %d workers, mean service %s, timeout %s\n",
                static_cast<unsigned long long>(opts->seed), opts->rate, opts->workers,
                format_duration(service).c_str(), format_duration(timeout).c_str());
    Demo demo(*opts, service, timeout);
    demo.start(every);
    demo.run_until(kTimeZero + duration);
    demo.summary(duration);
    exit_code = ExitCode::kOk;
  });
}

}  // namespace ksim::cli
