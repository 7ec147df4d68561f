// read_spec: the calibration spec's YAML, located errors through the
// manifest reader's Field (the scenario files' error style).
#include "ksim/calibrate/spec.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "ksim/sim/kernel/time.h"
#include "ksim/sim/manifest/load.h"
#include "ksim/sim/manifest/yaml_reader.h"

namespace ksim::calibrate {
namespace {

using manifest::yaml::Field;

std::chrono::milliseconds read_ms(const Field& f, std::chrono::milliseconds fallback) {
  auto s = f.str();
  if (!s) return fallback;
  const auto d = parse_duration(*s);
  if (!d || d->count() <= 0) {
    f.fail("expected a positive duration such as 10s or 500ms, got '" + *s + "'");
    return fallback;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

RequestSpec read_request(const Field& f) {
  RequestSpec r;
  if (!f.expect_map()) return r;
  manifest::yaml::check_known_keys(f, {"method", "path", "body", "repeat"});
  manifest::yaml::set_str(f, "method", r.method);
  if (f.require("path")) manifest::yaml::set_str(f, "path", r.path);
  if (!r.path.starts_with('/')) f.fail_child("path", "must start with '/'");
  manifest::yaml::set_str(f, "body", r.body);
  manifest::yaml::set_int32(f, "repeat", r.repeat);
  if (r.repeat < 1) f.fail_child("repeat", "must be at least 1");
  return r;
}

std::vector<double> read_rates(const Field& f) {
  std::vector<double> out;
  for (const Field& item : f.items()) {
    const auto v = item.number();
    if (v && *v <= 0) item.fail("a rate must be greater than 0");
    if (v && *v > 0) out.push_back(*v);
  }
  if (out.empty() && f.node().IsSequence()) f.fail("at least one rate");
  std::sort(out.begin(), out.end());
  return out;
}

RouteSpec read_route(const Field& f, const std::vector<double>& default_rates) {
  RouteSpec r;
  if (!f.expect_map()) return r;
  manifest::yaml::check_known_keys(f, {"route", "request", "rates"});
  if (auto route = f.require("route")) {
    const std::string text = route->str().value_or("");
    const std::size_t space = text.find(' ');
    if (space == std::string::npos || text.find('/', space) != space + 1) {
      route->fail("expected \"METHOD /path/{param}\", got '" + text + "'");
    } else {
      r.method = text.substr(0, space);
      r.pattern = text.substr(space + 1);
    }
  }
  if (auto q = f.require("request")) r.request = read_request(*q);
  r.rates = default_rates;
  if (auto rates = f.get("rates")) {
    r.rates = read_rates(*rates);
  } else if (r.rates.empty()) {
    f.fail_child("rates", "required field missing (here or at the top)");
  }
  return r;
}

void read_root(const Field& root, CalibrationSpec& s) {
  if (!root.expect_map()) return;
  manifest::yaml::check_duplicate_keys(root);
  manifest::yaml::check_known_keys(root, {"service", "command", "env", "ready", "setup", "routes",
                                          "rates", "duration", "warmup", "idle"});
  if (root.require("service")) manifest::yaml::set_str(root, "service", s.service);
  if (auto c = root.require("command")) {
    s.command = c->strings();
    if (s.command.empty() && c->node().IsSequence()) c->fail("at least the program");
  }
  if (auto e = root.get("env")) {
    for (const auto& [k, v] : e->string_map()) s.env[k] = v;
  }
  manifest::yaml::set_str(root, "ready", s.ready_path);
  if (auto d = root.get("duration")) s.duration = read_ms(*d, s.duration);
  if (auto d = root.get("warmup")) s.warmup = read_ms(*d, s.warmup);
  if (auto d = root.get("idle")) s.idle = read_ms(*d, s.idle);
  std::vector<double> rates;
  if (auto r = root.get("rates")) rates = read_rates(*r);
  if (auto setup = root.get("setup")) {
    for (const Field& item : setup->items()) s.setup.push_back(read_request(item));
  }
  if (auto routes = root.require("routes")) {
    for (const Field& item : routes->items()) s.routes.push_back(read_route(item, rates));
    if (s.routes.empty() && routes->node().IsSequence()) routes->fail("at least one route");
  }
}

}  // namespace

std::expected<CalibrationSpec, std::vector<std::string>> read_spec(
    const std::filesystem::path& file) {
  const std::ifstream in(file, std::ios::binary);
  if (!in)
    return std::unexpected(std::vector<std::string>{file.string() + ": cannot read the file"});
  std::ostringstream text;
  text << in.rdbuf();
  CalibrationSpec spec;
  manifest::yaml::ErrorSink sink(file.string());
  std::vector<manifest::LoadError> errors;
  try {
    read_root(Field(YAML::Load(text.str()), "", 1, &sink), spec);
  } catch (const YAML::Exception& e) {
    errors.push_back(
        {file.string(), e.mark.is_null() ? 0 : e.mark.line + 1, "", "", "invalid YAML: " + e.msg});
  }
  sink.flush("", errors);
  if (errors.empty()) return spec;
  std::stable_sort(errors.begin(), errors.end(),
                   [](const auto& a, const auto& b) { return a.line < b.line; });
  std::vector<std::string> out;
  for (const manifest::LoadError& e : errors) out.push_back(e.to_string());
  return std::unexpected(std::move(out));
}

std::string substitute(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    const std::string key = "{" + name + "}";
    for (std::size_t at = text.find(key); at != std::string::npos;
         at = text.find(key, at + value.size())) {
      text.replace(at, key.size(), value);
    }
  }
  return text;
}

}  // namespace ksim::calibrate
