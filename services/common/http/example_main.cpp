// ksim-http-example: a small service on services/common/http, used by the
// integration tests (SIGTERM drain) and as the template for the real services.
//   GET  /slow?ms=N      answers after N ms (blocking this I/O thread)
//   GET  /burn?ms=N      answers after burning N ms of CPU
//   POST /echo           echoes a JSON object body, checking "name" (string)
//                        and "count" (integer) when present
//   GET  /items/{id}     {"id": id}
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <exception>
#include <thread>

#include "ksim/services/http/json.h"
#include "ksim/services/http/options.h"
#include "ksim/services/http/server.h"

namespace http = ksim::services::http;

namespace {

constexpr long long kMaxWaitMs = 60'000;

// ?ms=N as a bounded integer, or a 400 naming the parameter.
std::expected<long long, http::ApiError> wait_ms(const http::Request& req) {
  const auto text = req.query("ms");
  if (!text) return 0;
  try {
    std::size_t used = 0;
    const long long ms = std::stoll(*text, &used);
    if (used == text->size() && ms >= 0 && ms <= kMaxWaitMs) return ms;
  } catch (const std::exception&) {
    // Falls through to the error below.
  }
  return std::unexpected(http::ApiError{http::Status::bad_request, "bad_request",
                                        "query parameter 'ms' must be an integer in [0, 60000]",
                                        "ms"});
}

http::Router make_router(const std::shared_ptr<http::Logger>& logger) {
  http::Router router;
  router.get("/slow", [logger](const http::Request& req) {
    const auto ms = wait_ms(req);
    if (!ms) return http::to_response(ms.error());
    // The drain test waits for this line to know the request is in flight.
    logger->info("slow request started", {{"ms", *ms}});
    // A real wait, standing in for a slow dependency.
    std::this_thread::sleep_for(std::chrono::milliseconds(*ms));
    return http::json_response(http::Status::ok, {{"slept_ms", *ms}});
  });
  router.get("/burn", [](const http::Request& req) {
    const auto ms = wait_ms(req);
    if (!ms) return http::to_response(ms.error());
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(*ms);
    unsigned long spins = 0;
    while (std::chrono::steady_clock::now() < until) ++spins;
    return http::json_response(http::Status::ok, {{"burned_ms", *ms}, {"spins", spins}});
  });
  router.post("/echo", [](const http::Request& req) {
    const auto body = http::parse_json_object(req);
    if (!body) return http::to_response(body.error());
    const auto name = http::optional_field<std::string>(*body, "name");
    if (!name) return http::to_response(name.error());
    const auto count = http::optional_field<std::int64_t>(*body, "count");
    if (!count) return http::to_response(count.error());
    return http::json_response(http::Status::ok, {{"echo", *body}});
  });
  router.get("/items/{id}", [](const http::Request& req) {
    return http::json_response(http::Status::ok, {{"id", *req.param("id")}});
  });
  return router;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "ksim-http-example: a demo service on the ksim HTTP server (GET /slow?ms=N, "
      "GET /burn?ms=N, POST /echo, GET /items/{id}, /health, /ready, /metrics).\n"
      "Exit codes: 0 ok (also after a graceful SIGTERM), 1 failure, 2 bad usage.",
      "ksim-http-example"};
  http::ServerOptions options;
  http::add_server_options(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  try {
    auto logger = std::make_shared<http::Logger>(options.log_level);
    http::Server server(options, make_router(logger), nullptr, logger);
    server.set_ready(true);
    // Tests read the bound port from this line when started with --port 0.
    std::printf("listening on port %u\n", static_cast<unsigned>(server.port()));
    std::fflush(stdout);
    server.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ksim-http-example: %s\n", e.what());
    return 1;
  }
  return 0;
}
