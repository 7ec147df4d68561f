// calibrate(): start, prepare, measure, stop; see calibrate.h. The load runs
// in this process (services/load's engine), kept off the service's CPU.
#include "ksim/calibrate/calibrate.h"

#include <sched.h>
#include <sys/utsname.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include "ksim/calibrate/process.h"
#include "ksim/services/http/client.h"
#include "ksim/services/load/engine.h"

namespace ksim::calibrate {
namespace {

namespace fs = std::filesystem;
namespace http = services::http;
namespace load = services::load;
using Clock = std::chrono::steady_clock;
using Error = std::unexpected<std::string>;

constexpr std::chrono::seconds kStopGrace{15};

std::string log_tail(const fs::path& log) {
  std::ifstream in(log);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string out;
  const std::size_t from = lines.size() > 15 ? lines.size() - 15 : 0;
  for (std::size_t i = from; i < lines.size(); ++i) out += "\n  | " + lines[i];
  return out.empty() ? " (its log is empty)" : "; the end of its log:" + out;
}

// Our threads (the load generator's among them) leave the service's CPU to
// it while the calibration runs.
class AvoidCpu {
 public:
  explicit AvoidCpu(std::optional<int> cpu) {
    if (!cpu || sched_getaffinity(0, sizeof saved_, &saved_) != 0) return;
    cpu_set_t others = saved_;
    CPU_CLR(*cpu, &others);
    if (CPU_COUNT(&others) > 0) active_ = sched_setaffinity(0, sizeof others, &others) == 0;
  }
  ~AvoidCpu() {
    if (active_) sched_setaffinity(0, sizeof saved_, &saved_);
  }
  AvoidCpu(const AvoidCpu&) = delete;
  AvoidCpu& operator=(const AvoidCpu&) = delete;

 private:
  cpu_set_t saved_{};
  bool active_ = false;
};

http::BeastRequest make_request(const RequestSpec& r, int i) {
  const std::map<std::string, std::string> values{{"i", std::to_string(i)}};
  http::BeastRequest req;
  req.method(boost::beast::http::string_to_verb(r.method));
  if (req.method() == http::Verb::unknown) req.method_string(r.method);
  req.target(substitute(r.path, values));
  req.version(11);
  if (!r.body.empty()) {
    req.set(http::Field::content_type, "application/json");
    req.body() = substitute(r.body, values);
  }
  return req;
}

std::string describe(const RequestSpec& r) { return r.method + " " + r.path; }

struct Service {
  ServiceProcess process;
  std::uint16_t port = 0;
  fs::path log;
};

std::expected<void, std::string> wait_ready(Service& s, http::HttpClient& client,
                                            const std::string& path,
                                            std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  while (true) {
    if (!s.process.running()) {
      return Error("the service " + s.process.exit_status() + " before it was ready" +
                   log_tail(s.log));
    }
    const auto r = client.get("127.0.0.1", s.port, path);
    if (r && r->result_int() == 200) return {};
    if (Clock::now() > until) {
      return Error(
          "the service was not ready (GET " + path + " answering 200) within " +
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s" +
          log_tail(s.log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::expected<http::Response, std::string> send_ok(Service& s, http::HttpClient& client,
                                                   const RequestSpec& r, int i) {
  const auto resp = client.send("127.0.0.1", s.port, make_request(r, i));
  if (!resp) return Error(describe(r) + " failed: " + resp.error().message + log_tail(s.log));
  if (resp->result_int() / 100 != 2) {
    return Error(describe(r) + " (i=" + std::to_string(i) + ") answered " +
                 std::to_string(resp->result_int()) + ": " + resp->body());
  }
  return *resp;
}

load::LoadSpec step_load(const RouteSpec& r, double rate, std::chrono::milliseconds length) {
  load::LoadSpec spec;
  load::Route route;
  route.method = r.request.method;
  route.path = substitute(r.request.path, {{"i", "0"}});
  route.body = substitute(r.request.body, {{"i", "0"}});
  if (!route.body.empty()) route.content_type = "application/json";
  spec.routes = {route};
  load::Phase phase;
  phase.shape = load::ConstantRate{rate};
  phase.duration = std::chrono::duration_cast<load::Micros>(length);
  spec.phases = {phase};
  spec.seed = 1;
  return spec;
}

double ms_of_ns(double ns) { return ns / 1e6; }

std::expected<RateSample, std::string> run_step(Service& s, const RouteSpec& r, double rate,
                                                std::chrono::milliseconds length) {
  load::RunOptions o;
  o.target = {"127.0.0.1", s.port};
  o.timeout = std::chrono::seconds{10};
  const auto cpu0 = s.process.cpu_seconds();
  const auto t0 = Clock::now();
  auto result = load::run_load(step_load(r, rate, length), o);
  const auto t1 = Clock::now();
  const auto cpu1 = s.process.cpu_seconds();
  if (!result) return Error(result.error());
  if (!cpu0 || !cpu1) return Error("the service stopped during the run" + log_tail(s.log));
  const load::RouteStats all = result->recorder.overall();
  RateSample out;
  out.rate = rate;
  out.seconds = std::chrono::duration<double>(t1 - t0).count();
  out.completed = all.classes[2];
  out.failed = all.requests - out.completed;
  out.cpu_seconds = *cpu1 - *cpu0;
  out.service_mean_ms = ms_of_ns(all.service.mean());
  // The spread of service times from the quantiles at +-1 sd of a normal
  // (the histogram keeps no sum of squares; robust to a few stragglers).
  out.service_sd_ms = ms_of_ns(static_cast<double>(all.service.quantile(0.8413)) -
                               static_cast<double>(all.service.quantile(0.1587))) /
                      2.0;
  out.latency_p50_ms = ms_of_ns(static_cast<double>(all.latency.quantile(0.5)));
  out.latency_p99_ms = ms_of_ns(static_cast<double>(all.latency.quantile(0.99)));
  return out;
}

std::expected<RouteProfile, std::string> measure_route(Service& s, http::HttpClient& client,
                                                       const RouteSpec& r,
                                                       const CalibrationSpec& spec,
                                                       const CalibrateOptions& o,
                                                       double idle_rate) {
  RouteProfile out;
  out.method = r.method;
  out.pattern = r.pattern;
  out.request = describe(r.request);
  const auto once = send_ok(s, client, r.request, 0);
  if (!once) return Error(once.error());
  const double bytes = static_cast<double>(once->body().size());
  const auto warm = run_step(s, r, r.rates.front(), o.warmup.value_or(spec.warmup));
  if (!warm) return Error(warm.error());
  for (const double rate : r.rates) {
    auto step = run_step(s, r, rate, o.duration.value_or(spec.duration));
    if (!step) return Error(step.error());
    step->response_bytes_mean = bytes;
    out.samples.push_back(*step);
    if (o.progress) {
      const double per = step->completed == 0
                             ? 0.0
                             : 1000.0 * (step->cpu_seconds - idle_rate * step->seconds) /
                                   static_cast<double>(step->completed);
      o.progress(r.method + " " + r.pattern + " at " + std::to_string(std::lround(rate)) +
                 "/s: " + std::to_string(step->completed) + " requests, " + format_ms(per) +
                 " CPU each, p99 " + format_ms(step->latency_p99_ms));
    }
  }
  auto fit = fit_route(out.samples, idle_rate);
  if (!fit) return Error(r.method + " " + r.pattern + ": " + fit.error());
  out.fit = *fit;
  return out;
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// The measurements once the service is up: setup, idle, each route.
std::expected<void, std::string> measure(Service& s, const CalibrationSpec& spec,
                                         const CalibrateOptions& o, Profile& p) {
  http::HttpClient client;
  if (auto ready = wait_ready(s, client, spec.ready_path, o.ready_timeout); !ready) return ready;
  for (const RequestSpec& r : spec.setup) {
    for (int i = 0; i < r.repeat; ++i) {
      if (auto sent = send_ok(s, client, r, i); !sent) return Error("setup: " + sent.error());
    }
  }
  const auto idle = o.idle.value_or(spec.idle);
  const auto cpu0 = s.process.cpu_seconds();
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(idle);
  const auto cpu1 = s.process.cpu_seconds();
  if (!cpu0 || !cpu1) return Error("the service stopped while idle" + log_tail(s.log));
  p.idle_cpu_per_second =
      (*cpu1 - *cpu0) / std::chrono::duration<double>(Clock::now() - t0).count();
  for (const RouteSpec& r : spec.routes) {
    auto route = measure_route(s, client, r, spec, o, p.idle_cpu_per_second);
    if (!route) return Error(route.error());
    p.routes.push_back(std::move(*route));
  }
  p.peak_rss_bytes = s.process.peak_rss_bytes().value_or(0);
  return {};
}

}  // namespace

std::string describe_machine() {
  std::ifstream in("/proc/cpuinfo");
  std::string model = "unknown CPU";
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("model name")) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  utsname u{};
  uname(&u);
  return model + " x " + std::to_string(std::thread::hardware_concurrency()) + ", " + u.sysname +
         " " + u.release + " " + u.machine;
}

std::expected<Profile, std::string> calibrate(const CalibrationSpec& spec,
                                              const CalibrateOptions& o) {
  const auto port = free_port();
  if (!port) return Error(port.error());
  fs::path dir;
  if (o.keep_dir) {
    dir = *o.keep_dir;
    fs::create_directories(dir);
  } else {
    std::string tmpl = (fs::temp_directory_path() / "ksim-calibrate-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) return Error("cannot make a temporary folder");
    dir = tmpl;
  }
  const std::map<std::string, std::string> values{
      {"bin", o.bin_dir.string()}, {"port", std::to_string(*port)}, {"dir", dir.string()}};
  std::vector<std::string> argv;
  for (const std::string& a : spec.command) argv.push_back(substitute(a, values));
  std::map<std::string, std::string> env;
  for (const auto& [k, v] : spec.env) env[k] = substitute(v, values);
  Profile p;
  p.service = spec.service;
  p.command = command_line(argv);
  p.machine = describe_machine();
  p.date = utc_now();
  p.service_cpu = o.service_cpu.value_or(-1);
  std::expected<void, std::string> outcome;
  {
    const AvoidCpu avoid(o.service_cpu);
    auto process = ServiceProcess::start(argv, env, dir / "service.log", o.service_cpu);
    if (!process) return Error(process.error());
    Service s{std::move(*process), static_cast<std::uint16_t>(*port), dir / "service.log"};
    outcome = measure(s, spec, o, p);
    if (!s.process.stop(kStopGrace) && o.progress) {
      o.progress("warning: the service did not exit within 15 s of SIGTERM; killed");
    }
  }
  if (!o.keep_dir) fs::remove_all(dir);
  if (!outcome) return Error(outcome.error());
  return p;
}

}  // namespace ksim::calibrate
