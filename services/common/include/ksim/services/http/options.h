// Command-line and environment configuration of a ServerOptions.
#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

#include "ksim/services/http/server.h"

namespace CLI {
class App;
}

namespace ksim::services::http {

// Adds --host, --port, --threads, --read-timeout, --idle-timeout,
// --grace-period, --body-limit, --header-limit, --log-level and --access-log
// to `app`, each writing into `options` (whose current values are the
// defaults shown by --help) and each with an environment variable fallback
// named <env_prefix> + BIND_ADDRESS, PORT, THREADS, READ_TIMEOUT,
// IDLE_TIMEOUT, GRACE_PERIOD, BODY_LIMIT, HEADER_LIMIT, LOG_LEVEL, ACCESS_LOG.
// A bad value makes app.parse() throw a CLI::ParseError whose message names
// the flag; main turns it into exit code 2. `options` must outlive parsing.
void add_server_options(CLI::App& app, ServerOptions& options, std::string_view env_prefix = "");

// "250ms", "30s", "5m", "1h", "1500us" (rounded up to whole ms); a bare number
// is seconds. Negative, empty or unknown units are errors naming the value.
std::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text);
// "1048576", "64KiB"/"64k", "1MiB"/"1m", "1GiB"/"1g" (binary multiples).
std::expected<std::size_t, std::string> parse_size(std::string_view text);
// "30s", "250ms": the shortest exact spelling, for --help defaults.
std::string format_duration(std::chrono::milliseconds d);

}  // namespace ksim::services::http
