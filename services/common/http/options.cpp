#include "ksim/services/http/options.h"

#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <cmath>
#include <limits>
#include <thread>

namespace ksim::services::http {
namespace {

// Splits "250ms" into 250 and "ms"; nullopt when there is no leading number.
std::optional<std::pair<double, std::string_view>> split_number(std::string_view text) {
  double value = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), value);
  if (r.ec != std::errc{} || text.empty() || text.front() == '-' || text.front() == '+') {
    return std::nullopt;
  }
  return std::pair{value, text.substr(static_cast<std::size_t>(r.ptr - text.data()))};
}

// A CLI11 option whose value goes through `parse` and then `store`; the
// env var fallback and --help default come from the arguments.
template <class Parse, class Store>
CLI::Option* add_parsed(CLI::App& app, const std::string& flag, const std::string& env,
                        const std::string& help, const std::string& default_text, Parse parse,
                        Store store) {
  return app
      .add_option_function<std::string>(
          flag,
          [flag, parse, store](const std::string& text) {
            auto value = parse(text);
            if (!value) throw CLI::ValidationError(flag, value.error());
            store(*value);
          },
          help)
      ->envname(env)
      ->default_str(default_text)
      ->type_name("VALUE");
}

std::expected<long long, std::string> parse_integer(std::string_view text, long long lo,
                                                    long long hi) {
  long long v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || v < lo || v > hi) {
    return std::unexpected("'" + std::string(text) + "' is not an integer in [" +
                           std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return v;
}

}  // namespace

std::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return std::unexpected("bad duration '" + std::string(text) + "': " + std::string(why) +
                           " (e.g. 500ms, 30s, 5m)");
  };
  const auto split = split_number(text);
  if (!split) return bad("expected a non-negative number and a unit");
  const auto [value, unit] = *split;
  double ms = 0;
  if (unit == "us") {
    ms = value / 1000.0;
  } else if (unit == "ms") {
    ms = value;
  } else if (unit == "s" || unit.empty()) {
    ms = value * 1000.0;
  } else if (unit == "m") {
    ms = value * 60'000.0;
  } else if (unit == "h") {
    ms = value * 3'600'000.0;
  } else {
    return bad("unknown unit '" + std::string(unit) + "'");
  }
  if (!(ms < 1e15)) return bad("too large");
  const auto whole = static_cast<long long>(ms);
  return std::chrono::milliseconds(whole + (static_cast<double>(whole) < ms ? 1 : 0));
}

std::expected<std::size_t, std::string> parse_size(std::string_view text) {
  const auto split = split_number(text);
  const auto bad = [&](std::string_view why) {
    return std::unexpected("bad size '" + std::string(text) + "': " + std::string(why) +
                           " (e.g. 65536, 64KiB, 1MiB)");
  };
  if (!split) return bad("expected a non-negative number of bytes");
  const auto [value, unit] = *split;
  double scale = 0;
  if (unit.empty() || unit == "B") {
    scale = 1;
  } else if (unit == "k" || unit == "K" || unit == "KiB") {
    scale = 1024.0;
  } else if (unit == "m" || unit == "M" || unit == "MiB") {
    scale = 1024.0 * 1024.0;
  } else if (unit == "g" || unit == "G" || unit == "GiB") {
    scale = 1024.0 * 1024.0 * 1024.0;
  } else {
    return bad("unknown unit '" + std::string(unit) + "'");
  }
  const double bytes = value * scale;
  if (!(bytes >= 1 && bytes < 1e18) || bytes != std::floor(bytes)) {
    return bad("must be a whole number of bytes, at least 1");
  }
  return static_cast<std::size_t>(bytes);
}

std::string format_duration(std::chrono::milliseconds d) {
  const long long ms = d.count();
  if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

void add_server_options(CLI::App& app, ServerOptions& o, std::string_view env_prefix) {
  const std::string p(env_prefix);
  const auto duration = [](const std::string& s) { return parse_duration(s); };
  const auto size = [](const std::string& s) { return parse_size(s); };
  app.add_option("--host", o.host, "Address to listen on (an IPv4 or IPv6 literal)")
      ->envname(p + "BIND_ADDRESS")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            boost::system::error_code ec;
            (void)boost::asio::ip::make_address(text, ec);
            return ec ? "'" + text + "' is not an IP address" : std::string();
          },
          "ADDRESS"));
  add_parsed(
      app, "--port", p + "PORT", "TCP port (0 = any free port)", std::to_string(o.port),
      [](const std::string& s) { return parse_integer(s, 0, 65535); },
      [&o](long long v) { o.port = static_cast<std::uint16_t>(v); });
  add_parsed(
      app, "--threads", p + "THREADS", "I/O threads (0 = one per core)", std::to_string(o.threads),
      [](const std::string& s) { return parse_integer(s, 0, 1024); },
      [&o](long long v) { o.threads = static_cast<unsigned>(v); });
  add_parsed(app, "--read-timeout", p + "READ_TIMEOUT", "Time allowed to read one request",
             format_duration(o.read_timeout), duration,
             [&o](std::chrono::milliseconds v) { o.read_timeout = v; });
  add_parsed(app, "--idle-timeout", p + "IDLE_TIMEOUT",
             "Time a kept-alive connection may wait for its next request",
             format_duration(o.idle_timeout), duration,
             [&o](std::chrono::milliseconds v) { o.idle_timeout = v; });
  add_parsed(app, "--grace-period", p + "GRACE_PERIOD",
             "Time to drain in-flight requests after SIGTERM", format_duration(o.grace_period),
             duration, [&o](std::chrono::milliseconds v) { o.grace_period = v; });
  add_parsed(app, "--body-limit", p + "BODY_LIMIT", "Largest request body (larger: 413)",
             std::to_string(o.body_limit), size, [&o](std::size_t v) { o.body_limit = v; });
  add_parsed(app, "--header-limit", p + "HEADER_LIMIT",
             "Largest request line + headers (larger: 431)", std::to_string(o.header_limit), size,
             [&o](std::size_t v) { o.header_limit = v; });
  add_parsed(
      app, "--log-level", p + "LOG_LEVEL", "debug, info, warn, error or off",
      std::string(to_string(o.log_level)), [](const std::string& s) { return parse_log_level(s); },
      [&o](LogLevel v) { o.log_level = v; });
  app.add_flag("--access-log", o.access_log, "Log one JSON line per request")
      ->envname(p + "ACCESS_LOG");
}

}  // namespace ksim::services::http
