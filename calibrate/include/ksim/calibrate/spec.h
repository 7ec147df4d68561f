// How `ksim calibrate` measures one service: the command that starts it, the
// requests that prepare its data, and per route the request that exercises
// it and the rates to drive. A YAML file next to the service's sources
// (services/<name>/calibrate.yaml); format in calibrate/README.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ksim::calibrate {

/// One HTTP request. `path` and `body` may hold "{i}", replaced by the
/// repetition's number (0, 1, ...).
struct RequestSpec {
  std::string method = "GET";
  std::string path;
  std::string body;  // sent as application/json when not empty
  std::int32_t repeat = 1;
};

/// One route to measure: how the profile names it ("GET /x/{id}", the
/// service router's pattern) and the request that exercises it.
struct RouteSpec {
  std::string method;
  std::string pattern;
  RequestSpec request;
  std::vector<double> rates;  // requests/s, ascending
};

struct CalibrationSpec {
  std::string service;
  /// argv; "{bin}" is the folder of the ksim executable, "{port}" the port
  /// chosen, "{dir}" a fresh temporary folder.
  std::vector<std::string> command;
  std::map<std::string, std::string> env;
  std::string ready_path = "/ready";  // polled until it answers 200
  std::vector<RequestSpec> setup;
  std::vector<RouteSpec> routes;
  std::chrono::milliseconds duration{10'000};  // per rate step
  std::chrono::milliseconds warmup{2'000};     // per route, at its lowest rate, not measured
  std::chrono::milliseconds idle{3'000};       // the idle baseline's window
};

/// Reads the spec; errors are "file:line: field: message", one per problem.
std::expected<CalibrationSpec, std::vector<std::string>> read_spec(
    const std::filesystem::path& file);

/// `text` with every "{name}" of `values` replaced.
std::string substitute(std::string text, const std::map<std::string, std::string>& values);

}  // namespace ksim::calibrate
