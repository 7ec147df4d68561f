// ksim-load: an open-loop HTTP load generator. Plays a scenario's load
// (or the quick flags) against one target, records latency from each
// request's intended send time, prints a table and writes JSON/CSV.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "ksim/services/load/engine.h"
#include "ksim/services/load/report.h"
#include "ksim/services/load/spec_reader.h"

namespace load = ksim::services::load;

namespace {

constexpr int kUsage = 2;

// Set by the first SIGINT/SIGTERM: the run stops sending and reports what
// it has (a second signal ends the process, the handler being reset).
volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_signal(int) { g_stop = 1; }

void catch_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

struct Flags {
  std::string spec_file, target, json, csv, host;
  std::string rate_duration, timeout = "30s", window = "10s";
  std::string path = "/", method = "GET", body, arrivals = "poisson";
  double rate = 0;
  double time_scale = 1.0;
  std::uint64_t seed = 0;
  std::size_t max_connections = 1024;
  unsigned threads = 1;
  bool quiet = false;
  bool has_seed = false;     // --seed given
  bool has_timeout = false;  // --timeout given
};

// Bad usage: a message naming the flag, exit 2.
struct UsageError {
  std::string message;
};

load::Micros duration_flag(const std::string& flag, const std::string& text) {
  auto d = load::parse_duration(text);
  if (!d) throw UsageError{flag + ": " + d.error()};
  return *d;
}

load::LoadSpec make_spec(const Flags& f) {
  if (!f.spec_file.empty()) {
    auto spec = load::read_spec_file(f.spec_file);
    if (!spec) throw UsageError{spec.error()};
    return *spec;
  }
  if (f.rate <= 0) throw UsageError{"give a load spec file, or --rate with --duration and --path"};
  if (f.rate_duration.empty()) throw UsageError{"--duration: required with --rate"};
  load::QuickLoad q;
  q.rate = f.rate;
  q.duration = duration_flag("--duration", f.rate_duration);
  q.method = f.method;
  q.path = f.path;
  q.arrivals = f.arrivals == "poisson" ? load::Arrivals::kPoisson : load::Arrivals::kDeterministic;
  if (f.body.starts_with('@')) {
    std::ifstream in(f.body.substr(1), std::ios::binary);
    if (!in) throw UsageError{"--body: cannot read " + f.body.substr(1)};
    std::ostringstream text;
    text << in.rdbuf();
    q.body = text.str();
  } else {
    q.body = f.body;
  }
  auto spec = load::quick_spec(q);
  if (!spec) throw UsageError{spec.error()};
  return *spec;
}

void add_flags(CLI::App& app, Flags& f) {
  app.add_option("spec", f.spec_file,
                 "A scenario file (its load: section and seed) or a file with only a load: "
                 "section; see scenarios/README.md. Without it, the quick flags below.");
  app.add_option("--target", f.target, "Where to send: http://HOST[:PORT]")->required();
  app.add_option("--rate", f.rate, "Quick form: requests per second");
  app.add_option("--duration", f.rate_duration,
                 "Quick form: how long (e.g. 30s); with a spec file: stop after this long");
  app.add_option("--path", f.path, "Quick form: request path")->capture_default_str();
  app.add_option("--method", f.method, "Quick form: HTTP method")->capture_default_str();
  app.add_option("--body", f.body, "Quick form: request body, or @FILE to read it from a file");
  app.add_option("--arrivals", f.arrivals, "Quick form: poisson or deterministic (uniform)")
      ->check(CLI::IsMember({"poisson", "deterministic", "uniform"}))
      ->capture_default_str();
  app.add_option("--time-scale", f.time_scale,
                 "Play the profile's time axis this many times as long, at its rates "
                 "(0.01 plays a 1 h profile in 36 s)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seed", f.seed,
                 "Seed of the arrival times and route picks "
                 "(default: the scenario's seed, else 1)");
  app.add_option("--max-connections", f.max_connections,
                 "Open keep-alive connections at most; a request finding none free waits, and "
                 "the wait counts in its latency")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--timeout", f.timeout,
                 "Give up on a request this long after its intended send time (an error); "
                 "default: the scenario's timings.requestTimeout, else 30s")
      ->capture_default_str();
  app.add_option("--threads", f.threads, "io_context threads (arrivals dealt round robin)")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  app.add_option("--window", f.window, "Length of the per-window rows")->capture_default_str();
  app.add_option("--host", f.host,
                 "Host header (default: the scenario's target.host, else the "
                 "target's HOST:PORT)");
  app.add_option("--json", f.json, "Write the results as JSON to FILE (atomically)");
  app.add_option("--csv", f.csv, "Write one line per request to FILE (atomically)");
  app.add_flag("--quiet", f.quiet, "No table on stdout");
}

// Each connection is a descriptor: lift the soft limit (often 1024) to the
// hard one so that --max-connections, not EMFILE, bounds the pool.
void raise_descriptor_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

// An output's folder must exist before a long run, not after it.
void check_output(const std::string& flag, const std::string& file) {
  if (file.empty()) return;
  const std::filesystem::path dir = std::filesystem::absolute(file).parent_path();
  if (!std::filesystem::is_directory(dir))
    throw UsageError{flag + ": folder " + dir.string() + " does not exist"};
}

load::RunOptions options_of(const Flags& f, const load::LoadSpec& spec) {
  auto target = load::parse_target(f.target);
  if (!target) throw UsageError{"--target: " + target.error()};
  load::RunOptions o;
  o.target = *target;
  o.host_header = f.host;
  o.seed = f.has_seed ? f.seed : spec.seed;
  o.time_scale = f.time_scale;
  if (!f.spec_file.empty() && !f.rate_duration.empty())
    o.cut = duration_flag("--duration", f.rate_duration);
  o.max_connections = f.max_connections;
  o.timeout = std::chrono::microseconds{duration_flag("--timeout", f.timeout)};
  if (!f.has_timeout && spec.request_timeout > load::Micros{0})
    o.timeout = std::chrono::microseconds{spec.request_timeout};
  o.window = std::chrono::microseconds{duration_flag("--window", f.window)};
  if (o.timeout.count() <= 0) throw UsageError{"--timeout: must be greater than 0"};
  if (o.window.count() <= 0) throw UsageError{"--window: must be greater than 0"};
  o.threads = f.threads;
  o.keep_records = !f.csv.empty();
  if (::isatty(STDERR_FILENO) != 0) {
    o.progress = [](std::uint64_t done, std::chrono::nanoseconds elapsed) {
      std::fprintf(stderr, "\r%.0f s: %llu requests finished ",
                   static_cast<double>(elapsed.count()) / 1e9,
                   static_cast<unsigned long long>(done));
    };
  }
  o.stop_requested = [] { return g_stop != 0; };
  return o;
}

// The table, --json and --csv; 1 if a file cannot be written.
int write_outputs(const Flags& f, const load::RunOptions& o, const load::RunResult& result) {
  if (result.stopped_early) std::cerr << "ksim-load: stopped early by a signal\n";
  if (!f.quiet) load::print_table(std::cout, result);
  if (!f.json.empty()) {
    nlohmann::json j = load::to_json(result);
    j["target"] = f.target;
    j["seed"] = o.seed;
    j["time_scale"] = o.time_scale;
    j["spec"] = f.spec_file.empty() ? "(flags)" : f.spec_file;
    if (auto w = load::write_atomically(f.json, j.dump(2) + "\n"); !w) {
      std::cerr << "ksim-load: " << w.error() << "\n";
      return 1;
    }
  }
  if (!f.csv.empty()) {
    if (auto w = load::write_atomically(f.csv, load::to_csv(result)); !w) {
      std::cerr << "ksim-load: " << w.error() << "\n";
      return 1;
    }
  }
  return 0;
}

int run(const Flags& f) {
  if (auto t = load::parse_target(f.target); !t) throw UsageError{"--target: " + t.error()};
  if (!f.spec_file.empty() && f.rate > 0)
    throw UsageError{"--rate: give either a spec file or the quick flags, not both"};
  check_output("--json", f.json);
  check_output("--csv", f.csv);
  const load::LoadSpec spec = make_spec(f);
  const load::RunOptions o = options_of(f, spec);
  raise_descriptor_limit();
  catch_stop_signals();
  auto result = load::run_load(spec, o);
  if (o.progress) std::fputs("\n", stderr);
  if (!result) {
    std::cerr << "ksim-load: " << result.error() << "\n";
    return 1;
  }
  return write_outputs(f, o, *result);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "ksim-load: open-loop HTTP/1.1 load generator. Sends each request at its intended time "
      "(Poisson or even arrivals from the load's rate curve, reproducible by --seed) on "
      "keep-alive connections, and reports latency measured from that intended time (no "
      "coordinated omission) and service time from the actual send, per route and per window.\n"
      "  ksim-load scenarios/api-backend.yaml --target http://127.0.0.1:8080 --time-scale 0.01\n"
      "  ksim-load --target http://127.0.0.1:8081 --rate 500 --duration 30s --path "
      "/api/v1/products"};
  app.footer(
      "Exit codes: 0 ran (failed requests are counted, not fatal), 1 could not run or write an "
      "output, 2 bad usage or spec (the message names the flag, or FILE:LINE: FIELD). A first "
      "Ctrl-C stops sending and reports what was sent.");
  Flags f;
  add_flags(app, f);
  try {
    app.parse(argc, argv);
    f.has_seed = app.count("--seed") > 0;
    f.has_timeout = app.count("--timeout") > 0;
    return run(f);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kUsage;
  } catch (const UsageError& e) {
    std::cerr << "ksim-load: " << e.message << "\n";
    return kUsage;
  }
}
