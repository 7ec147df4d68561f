// api-service (platform 1, public): the API in front of backend-service.
// Routes in api_handlers.h; flags and environment in README.md.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

#include "api_handlers.h"
#include "backend_client.h"
#include "ksim/services/app/service_main.h"
#include "ksim/services/http/options.h"
#include "ksim/services/http/server.h"

namespace http = ksim::services::http;
namespace api = ksim::services::api;
namespace app = ksim::services::app;

namespace {

struct Config {
  http::ServerOptions server;
  std::string backend_url = "http://127.0.0.1:8082";
  std::string backend_timeout = "10s";
};

void add_flags(CLI::App& cli, Config& config) {
  http::add_server_options(cli, config.server);
  cli.add_option("--backend-url", config.backend_url,
                 "backend-service base URL, http://host[:port][/prefix]")
      ->envname("BACKEND_URL")
      ->capture_default_str()
      ->check([](const std::string& url) {
        const auto parsed = api::parse_backend_url(url);
        return parsed ? std::string() : parsed.error();
      });
  cli.add_option("--backend-timeout", config.backend_timeout,
                 "Longest wait for backend-service per call, connect included (e.g. 5s, "
                 "500ms; a bare number is seconds); past it: 504")
      ->envname("REQUEST_TIMEOUT_SECONDS")
      ->capture_default_str()
      ->check([](const std::string& text) {
        const auto d = http::parse_duration(text);
        if (!d) return d.error();
        return d->count() > 0 ? std::string() : std::string("must be greater than 0");
      });
}

// Throws on start-up failure (main turns it into exit code 1).
void run(const Config& config) {
  auto metrics = std::make_shared<http::MetricsRegistry>();
  api::HttpBackend http_backend(*api::parse_backend_url(config.backend_url),
                                *http::parse_duration(config.backend_timeout));
  api::CountingBackend backend(http_backend, *metrics);
  const api::ApiHandlers handlers(backend);
  http::Router router;
  handlers.add_routes(router);
  auto logger = std::make_shared<http::Logger>(config.server.log_level);
  http::Server server(config.server, std::move(router), metrics, logger);
  // Ready at once: readiness does not follow the backend, so a backend outage
  // gives fast 502s rather than every api pod leaving the Service.
  server.set_ready(true);
  logger->info("api-service listening", {{"port", server.port()}, {"backend", config.backend_url}});
  app::announce_port(server.port());
  server.run();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "api-service: the public API of platform 1 (GET/POST /api/items, GET/PUT/DELETE "
      "/api/items/{id} via backend-service, GET /api/compute?n=N, /health, /ready, /metrics).\n"
      "Exit codes: 0 ok (also after a graceful SIGTERM), 1 failure, 2 bad usage.",
      "api-service"};
  Config config;
  config.server.port = 8080;  // the manifest's containerPort
  add_flags(cli, config);
  return app::run_main(cli, argc, argv, [&] {
    run(config);
    return 0;
  });
}
