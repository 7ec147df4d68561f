// The engine against the in-process test server on 127.0.0.1:0: counts per
// route and status, timeouts, connect errors, connections that close, and
// the coordinated-omission case (a stalled server shows in the latency of
// every request scheduled during the stall, not in their service time).
#include "ksim/services/load/engine.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ksim/services/load/report.h"
#include "ksim/services/load/spec_reader.h"
#include "test_server.h"

namespace ksim::services::load {
namespace {

using testing::TestServer;

LoadSpec spec_of(const std::string& yaml) {
  auto s = read_spec_text(yaml, "e.yaml");
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error());
  return *s;
}

RunOptions options_for(std::uint16_t port) {
  RunOptions o;
  o.target = TargetUrl{"127.0.0.1", port};
  o.timeout = std::chrono::seconds{20};
  return o;
}

RunResult run_ok(const LoadSpec& spec, const RunOptions& o) {
  auto r = run_load(spec, o);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error());
  return std::move(*r);
}

std::size_t route_index(const RunResult& r, const std::string& path) {
  for (std::size_t i = 0; i < r.routes.size(); ++i)
    if (r.routes[i].path == path) return i;
  ADD_FAILURE() << "no route " << path;
  return 0;
}

TEST(SvcLoadParseTarget, HostPortAndErrors) {
  auto t = parse_target("http://127.0.0.1:8080/x");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, 8080);
  EXPECT_EQ(parse_target("http://example.com")->port, 80);
  EXPECT_EQ(parse_target("http://[::1]:81")->host, "::1");
  EXPECT_FALSE(parse_target("https://x"));
  EXPECT_FALSE(parse_target("http://x:70000"));
  EXPECT_FALSE(parse_target("127.0.0.1:80"));
}

TEST(SvcLoadEngine, CountsPerRouteAndStatusOnEveryThreadCount) {
  for (unsigned threads : {1u, 2u}) {
    TestServer server;
    const LoadSpec spec = spec_of(R"(routes:
  - {path: /ok, weight: 3}
  - {path: /status/503}
  - {method: POST, path: /status/404, body: '{"a":1}'}
phases: [{shape: constant, rps: 400, duration: 1s}]
)");
    RunOptions o = options_for(server.port());
    o.threads = threads;
    const RunResult r = run_ok(spec, o);
    const auto counts = server.counts();
    const RouteStats all = r.recorder.overall();
    EXPECT_EQ(all.requests, r.scheduled);
    EXPECT_EQ(all.responses(), r.scheduled);
    EXPECT_EQ(all.error_count(), 0u);
    std::uint64_t served = 0;
    for (const auto& [path, n] : counts) served += n;
    EXPECT_EQ(served, r.scheduled);
    // Poisson at 400/s for 1 s: the count within 6 standard deviations.
    EXPECT_NEAR(static_cast<double>(r.scheduled), 400.0, 6 * 20.0);
    const RouteStats& ok = r.recorder.routes()[route_index(r, "/ok")];
    const RouteStats& unavailable = r.recorder.routes()[route_index(r, "/status/503")];
    const RouteStats& missing = r.recorder.routes()[route_index(r, "/status/404")];
    EXPECT_EQ(ok.requests, counts.at("/ok"));
    EXPECT_EQ(ok.classes[2], ok.requests);
    EXPECT_EQ(ok.codes[200], ok.requests);
    EXPECT_EQ(unavailable.classes[5], counts.at("/status/503"));
    EXPECT_EQ(unavailable.codes[503], unavailable.requests);
    EXPECT_EQ(missing.codes[404], counts.at("/status/404"));
    // Weights 3:1:1, a multinomial draw: each share within 6 standard deviations.
    const double n = static_cast<double>(r.scheduled);
    EXPECT_NEAR(static_cast<double>(ok.requests), n * 0.6, 6 * std::sqrt(n * 0.6 * 0.4));
    EXPECT_NEAR(static_cast<double>(missing.requests), n * 0.2, 6 * std::sqrt(n * 0.2 * 0.8));
    // Latency counts from the intended time, so it is never below the service time.
    EXPECT_GE(all.latency.max(), all.service.max());
    EXPECT_LE(r.connections_opened, r.scheduled);
  }
}

TEST(SvcLoadEngine, RequestsWithoutAnswerTimeOut) {
  TestServer server;
  const LoadSpec spec = spec_of(
      "routes: [{path: /ok}, {path: /hang}]\n"
      "phases: [{shape: constant, rps: 100, duration: 500ms}]\n");
  RunOptions o = options_for(server.port());
  o.timeout = std::chrono::milliseconds{1500};
  const RunResult r = run_ok(spec, o);
  const RouteStats& hang = r.recorder.routes()[route_index(r, "/hang")];
  const RouteStats& ok = r.recorder.routes()[route_index(r, "/ok")];
  EXPECT_GT(hang.requests, 0u);
  EXPECT_EQ(hang.responses(), 0u);
  EXPECT_EQ(hang.errors[static_cast<std::size_t>(ErrorKind::kTimeout)], hang.requests);
  EXPECT_GT(ok.responses(), 0u);
  EXPECT_EQ(ok.responses() + ok.errors[static_cast<std::size_t>(ErrorKind::kTimeout)], ok.requests);
  EXPECT_EQ(hang.requests + ok.requests, r.scheduled);
}

TEST(SvcLoadEngine, RefusedConnectionsAreConnectErrors) {
  std::uint16_t port = 0;
  {
    // A port nobody listens on: bound, then closed.
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }
  const LoadSpec spec =
      spec_of("routes: [{path: /}]\nphases: [{shape: constant, rps: 50, duration: 200ms}]\n");
  const RunResult r = run_ok(spec, options_for(port));
  const RouteStats all = r.recorder.overall();
  EXPECT_GT(all.requests, 0u);
  EXPECT_EQ(all.errors[static_cast<std::size_t>(ErrorKind::kConnect)], all.requests);
  EXPECT_EQ(all.responses(), 0u);
}

TEST(SvcLoadEngine, ResetsAndMalformedRepliesAreCountedByKind) {
  TestServer server;
  const LoadSpec spec = spec_of(
      "routes: [{path: /ok}, {path: /reset}, {path: /garbage}, {method: HEAD, path: /head}]\n"
      "phases: [{shape: constant, rps: 300, duration: 500ms}]\n");
  const RunResult r = run_ok(spec, options_for(server.port()));
  const RouteStats& ok = r.recorder.routes()[route_index(r, "/ok")];
  const RouteStats& reset = r.recorder.routes()[route_index(r, "/reset")];
  const RouteStats& garbage = r.recorder.routes()[route_index(r, "/garbage")];
  const RouteStats& head = r.recorder.routes()[route_index(r, "/head")];
  EXPECT_GT(reset.requests, 0u);
  EXPECT_EQ(reset.errors[static_cast<std::size_t>(ErrorKind::kReset)], reset.requests);
  EXPECT_GT(garbage.requests, 0u);
  EXPECT_EQ(garbage.errors[static_cast<std::size_t>(ErrorKind::kProtocol)], garbage.requests);
  // The others are answered, even on connections that had to be reopened.
  EXPECT_EQ(ok.codes[200], ok.requests);
  EXPECT_EQ(head.codes[200], head.requests);  // a HEAD reply has no body to wait for
  EXPECT_EQ(r.recorder.overall().requests, r.scheduled);
}

TEST(SvcLoadEngine, AKeepAliveConnectionTheServerClosedIsRetriedOnce) {
  TestServer server;
  const LoadSpec spec = spec_of(
      "arrivals: deterministic\nroutes: [{path: /stale}]\n"
      "phases: [{shape: constant, rps: 100, duration: 300ms}]\n");
  const RunResult r = run_ok(spec, options_for(server.port()));
  EXPECT_EQ(r.scheduled, 30u);
  EXPECT_EQ(r.recorder.overall().codes[200], 30u);
  EXPECT_EQ(r.recorder.overall().error_count(), 0u);
  EXPECT_GE(r.connections_opened, 30u);  // every reused connection had gone
}

TEST(SvcLoadEngine, AStopRequestEndsTheRunWithWhatWasSent) {
  TestServer server;
  const LoadSpec spec = spec_of(
      "arrivals: deterministic\nroutes: [{path: /ok}]\n"
      "phases: [{shape: constant, rps: 100, duration: 10m}]\n");
  RunOptions o = options_for(server.port());
  o.stop_requested = [&server] { return server.counts()["/ok"] >= 20; };
  const RunResult r = run_ok(spec, o);
  EXPECT_TRUE(r.stopped_early);
  EXPECT_GE(r.scheduled, 20u);
  EXPECT_LT(r.scheduled, 60'000u);
  EXPECT_EQ(r.recorder.overall().requests, r.scheduled);
  EXPECT_EQ(server.counts()["/ok"], r.scheduled);
}

TEST(SvcLoadEngine, ConnectionCloseRepliesOpenANewConnectionEachTime) {
  TestServer server;
  const LoadSpec spec = spec_of(
      "arrivals: deterministic\nroutes: [{path: /close}]\n"
      "phases: [{shape: constant, rps: 200, duration: 250ms}]\n");
  const RunResult r = run_ok(spec, options_for(server.port()));
  EXPECT_EQ(r.scheduled, 50u);
  EXPECT_EQ(r.recorder.overall().codes[200], 50u);
  EXPECT_EQ(r.connections_opened, 50u);
}

TEST(SvcLoadEngine, AStallShowsInLatencyFromTheIntendedTimeNotInServiceTime) {
  TestServer server;
  server.stall_at(100, std::chrono::milliseconds{300});
  const LoadSpec spec = spec_of(
      "arrivals: deterministic\nroutes: [{path: /ok}]\n"
      "phases: [{shape: constant, rps: 500, duration: 1s}]\n");
  RunOptions o = options_for(server.port());
  o.max_connections = 4;
  o.keep_records = true;
  const RunResult r = run_ok(spec, o);
  const auto stall = server.stall();
  ASSERT_TRUE(stall.has_value());
  ASSERT_EQ(r.recorder.records().size(), r.scheduled);
  std::size_t in_stall = 0;
  std::size_t sent_during_stall = 0;
  for (const RequestRecord& rec : r.recorder.records()) {
    const auto intended = r.start + std::chrono::nanoseconds{rec.intended_ns};
    if (intended < stall->start || intended >= stall->end) continue;
    ++in_stall;
    ASSERT_EQ(rec.status, 200);
    const auto done = r.start + std::chrono::nanoseconds{rec.done_ns};
    // The server wrote nothing before the stall's end: the latency holds
    // the rest of the stall, counted from when the request was due.
    EXPECT_GE(done, stall->end);
    EXPECT_GE(rec.done_ns - rec.intended_ns, (stall->end - intended).count());
    // Service time leaves out the wait for a connection.
    EXPECT_EQ(rec.done_ns - rec.sent_ns,
              (rec.done_ns - rec.intended_ns) - (rec.sent_ns - rec.intended_ns));
    if (r.start + std::chrono::nanoseconds{rec.sent_ns} < stall->end) {
      ++sent_during_stall;
    } else {
      EXPECT_LE(rec.done_ns - rec.sent_ns,
                rec.done_ns - rec.intended_ns - (stall->end - intended).count());
    }
  }
  EXPECT_GT(in_stall, 0u);
  // Each of the 4 connections carries at most one request into the stall
  // (its reply is held), so the rest waited for a connection.
  EXPECT_LE(sent_during_stall, 4u);
  const RouteStats all = r.recorder.overall();
  EXPECT_EQ(all.responses(), r.scheduled);
  EXPECT_GE(all.latency.max(), static_cast<std::uint64_t>((stall->end - stall->start).count() / 2));
}

TEST(SvcLoadReport, JsonTableAndCsvOfARun) {
  TestServer server;
  const LoadSpec spec = spec_of(
      "arrivals: deterministic\nroutes: [{path: /ok}, {path: /status/500}]\n"
      "phases: [{shape: constant, rps: 100, duration: 300ms}]\n");
  RunOptions o = options_for(server.port());
  o.keep_records = true;
  o.window = std::chrono::milliseconds{100};
  const RunResult r = run_ok(spec, o);
  const auto j = to_json(r);
  EXPECT_EQ(j["overall"]["requests"].get<std::uint64_t>(), r.scheduled);
  EXPECT_EQ(j["routes"].size(), 2u);
  EXPECT_EQ(j["windows"].size(), 3u);
  // Even arrivals at 5, 15, 25... ms: exactly 10 in each 100 ms window.
  for (const auto& w : j["windows"]) EXPECT_EQ(w["requests"].get<std::uint64_t>(), 10u);
  EXPECT_EQ(r.scheduled, 30u);
  const auto five = j["routes"][1]["status_classes"]["5xx"].get<std::uint64_t>();
  EXPECT_EQ(five, r.recorder.routes()[1].requests);
  EXPECT_TRUE(j["overall"]["latency_ms"].contains("p999"));
  const std::string csv = to_csv(r);
  EXPECT_EQ(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')), r.scheduled + 1);
  std::istringstream rows(csv);
  std::string row;
  std::getline(rows, row);
  EXPECT_EQ(row, "intended_ms,sent_ms,latency_ms,service_ms,status,error,method,path");
  double previous = -1;
  while (std::getline(rows, row)) {
    double intended = 0, sent = 0, latency = 0, service = 0;
    ASSERT_EQ(std::sscanf(row.c_str(), "%lf,%lf,%lf,%lf", &intended, &sent, &latency, &service), 4)
        << row;
    EXPECT_GE(intended, previous);  // in intended order
    EXPECT_GE(sent + 0.001, intended);
    EXPECT_GE(latency + 0.001, service);
    EXPECT_TRUE(row.ends_with(",200,,GET,/ok") || row.ends_with(",500,,GET,/status/500")) << row;
    previous = intended;
  }
  std::ostringstream table;
  print_table(table, r);
  EXPECT_NE(table.str().find("GET /status/500"), std::string::npos);

  const auto file = std::filesystem::temp_directory_path() /
                    ("ksim-load-test-" + std::to_string(::getpid()) + ".json");
  ASSERT_TRUE(write_atomically(file, j.dump()));
  std::ifstream in(file);
  EXPECT_EQ(nlohmann::json::parse(in), j);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace ksim::services::load
