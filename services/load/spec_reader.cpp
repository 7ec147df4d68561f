// read_spec_file / read_spec_text / quick_spec (spec_reader.h): the fields,
// defaults and checks of scenarios/README.md's `load` section.
#include "ksim/services/load/spec_reader.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "replay_csv.h"
#include "yaml_field.h"

namespace ksim::services::load {
namespace {

using detail::Errors;
using detail::Field;

constexpr Micros kDay = std::chrono::hours{24};

// A rate (requests per second, >= 0); 0 when missing or bad (the error is recorded).
double rate(const Field& f, std::string_view key) {
  auto c = f.require(key);
  if (!c) return 0;
  const auto v = c->number();
  if (v && *v < 0) c->fail("must not be negative");
  return v && *v >= 0 ? *v : 0;
}

std::optional<Micros> duration_of(const Field& f) {
  if (f.node().IsScalar() && f.node().Scalar() == "0") return Micros{0};
  double n = 0;
  if (!f.node().IsScalar() ||
      (f.node().Tag() != "!" && YAML::convert<double>::decode(f.node(), n))) {
    const bool number = f.node().IsScalar();
    f.fail("expected a duration like 30s or 250ms, got " + f.describe() +
           (number ? " (add a unit)" : ""));
    return std::nullopt;
  }
  auto d = parse_duration(f.node().Scalar());
  if (!d) f.fail(d.error());
  return d ? std::optional<Micros>(*d) : std::nullopt;
}

Micros duration_field(const Field& f, std::string_view key, bool required, Micros fallback = {}) {
  auto c = required ? f.require(key) : f.get(key);
  if (!c) return fallback;
  return duration_of(*c).value_or(fallback);
}

std::optional<std::string> one_of(const Field& f, std::string_view key,
                                  std::initializer_list<std::string_view> allowed) {
  auto c = f.get(key);
  if (!c) return std::nullopt;
  auto s = c->str();
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return s;
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  c->fail("expected one of " + list + ", got '" + *s + "'");
  return std::nullopt;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '-';
  });
}

std::vector<Route> read_routes(const Field& f) {
  std::vector<Route> out;
  double total = 0;
  for (const Field& item : f.items()) {
    if (!item.expect_map()) continue;
    item.check_keys({"method", "path", "weight", "body", "contentType"});
    Route r;
    if (auto m = item.get("method"); m && m->str()) {
      r.method = *m->str();
      if (!is_token(r.method)) m->fail("expected an HTTP method like GET, got '" + r.method + "'");
    }
    if (auto p = item.require("path"); p && p->str()) {
      r.path = *p->str();
      if (!r.path.starts_with('/') || r.path.find_first_of(" \r\n\t") != std::string::npos)
        p->fail("expected a request path starting with '/', got '" + r.path + "'");
    }
    if (auto w = item.get("weight")) {
      r.weight = w->number().value_or(0);
      if (r.weight < 0) w->fail("must not be negative");
    }
    if (auto b = item.get("body"); b && b->str()) r.body = *b->str();
    if (auto c = item.get("contentType"); c && c->str()) r.content_type = *c->str();
    total += std::max(0.0, r.weight);
    out.push_back(std::move(r));
  }
  if (out.empty() && f.node().IsSequence()) f.fail("at least one route");
  if (!out.empty() && total <= 0) f.fail("the weights must not all be 0");
  return out;
}

// A replay: the CSV is read now, so that its errors are the spec's.
Replay read_replay(const Field& f, const std::filesystem::path& base) {
  Replay r;
  if (auto fmt = one_of(f, "format", {"rates", "timestamps"}))
    r.format = *fmt == "rates" ? Replay::Format::kRates : Replay::Format::kTimestamps;
  if (auto sp = f.get("speed")) {
    const auto v = sp->number();
    if (v && *v <= 0) sp->fail("must be greater than 0");
    if (v && *v > 0) r.speed = *v;
  }
  if (auto csv = f.require("csv"); csv && csv->str()) {
    std::filesystem::path path = *csv->str();
    if (path.is_relative()) path = base / path;
    r.csv = path.string();
    detail::read_replay_csv(r, *csv);
  }
  return r;
}

// The recording's length at the replay speed.
Micros replay_length(const Replay& r) {
  if (r.format == Replay::Format::kTimestamps)
    return r.timestamps.empty() ? Micros{} : Micros{std::llround(r.timestamps.back() * 1e6) + 1};
  return Micros{std::llround(std::ceil(static_cast<double>(r.rates.size()) * 1e6 / r.speed))};
}

// The shape's own fields; returns their names for the unknown-field check.
std::vector<std::string_view> read_shape(const Field& f, const std::string& name, Shape& shape,
                                         const std::filesystem::path& base) {
  if (name == "replay") {
    shape = read_replay(f, base);
    return {"csv", "format", "speed"};
  }
  if (name == "constant") {
    shape = ConstantRate{rate(f, "rps")};
    return {"rps"};
  }
  if (name == "ramp") {
    shape = Ramp{rate(f, "from"), rate(f, "to")};
    return {"from", "to"};
  }
  if (name == "step") {
    shape = Step{rate(f, "from"), rate(f, "to"), duration_field(f, "at", true)};
    return {"from", "to", "at"};
  }
  if (name == "spike") {
    shape = Spike{rate(f, "rps"), rate(f, "peak"), duration_field(f, "at", true),
                  duration_field(f, "width", true)};
    return {"rps", "peak", "at", "width"};
  }
  if (name == "sine") {
    Sine s{rate(f, "mean"), rate(f, "amplitude"), Micros{0}, duration_field(f, "shift", false)};
    if (auto p = f.require("period")) {
      if (auto d = duration_of(*p); d && *d <= Micros{0})
        p->fail("must be greater than 0");
      else if (d)
        s.period = *d;
    }
    if (s.amplitude > s.mean)
      f.get("amplitude")->fail("must not exceed mean (the rate would go negative)");
    shape = s;
    return {"mean", "amplitude", "period", "shift"};
  }
  Diurnal d{rate(f, "min"), rate(f, "max"),
            duration_field(f, "peakAt", false, std::chrono::hours{12}),
            duration_field(f, "start", false)};
  if (d.min > d.max) f.get("min")->fail("must not exceed max");
  if (d.peak_at >= kDay) f.get("peakAt")->fail("must be a time of day (less than 24h)");
  shape = d;
  return {"min", "max", "peakAt", "start"};
}

Arrivals arrivals_of(const Field& f, Arrivals fallback) {
  // "uniform" is accepted as another name for even gaps.
  auto a = one_of(f, "arrivals", {"poisson", "deterministic", "uniform"});
  if (!a) return fallback;
  return *a == "poisson" ? Arrivals::kPoisson : Arrivals::kDeterministic;
}

Phase read_phase(const Field& f, Arrivals arrivals, const std::filesystem::path& base) {
  Phase p;
  p.line = f.line();
  p.arrivals = arrivals;
  if (!f.expect_map()) return p;
  if (!f.get("shape")) f.fail_child("shape", "required field missing");
  const auto shape =
      one_of(f, "shape", {"constant", "ramp", "step", "spike", "sine", "diurnal", "replay"});
  std::vector<std::string_view> known = {"shape", "duration", "arrivals", "routes"};
  if (shape) {
    const auto own = read_shape(f, *shape, p.shape, base);
    known.insert(known.end(), own.begin(), own.end());
    f.check_keys(known, "unknown field for shape " + *shape);
  }
  p.arrivals = arrivals_of(f, arrivals);
  if (auto r = f.get("routes")) p.routes = read_routes(*r);
  if (auto d = f.get("duration")) {
    if (auto v = duration_of(*d); v && *v <= Micros{0})
      d->fail("must be greater than 0");
    else if (v)
      p.duration = *v;
  } else if (shape == "replay") {
    p.duration = replay_length(std::get<Replay>(p.shape));
  } else if (shape == "diurnal") {
    p.duration = kDay;
  } else if (shape) {
    f.fail_child("duration", "required field missing");
  }
  return p;
}

void read_target(const Field& f, LoadSpec& spec) {
  if (!f.expect_map()) return;
  f.check_keys({"ingress", "service", "host"});
  if (f.get("ingress") && f.get("service"))
    f.get("service")->fail("give only one of ingress or service");
  if (auto h = f.get("host"); h && h->str()) spec.host = *h->str();
}

LoadSpec read_load(const Field& f, const std::filesystem::path& base) {
  LoadSpec spec;
  if (!f.expect_map()) return spec;
  f.check_keys({"target", "arrivals", "routes", "phases"});
  if (auto t = f.get("target")) read_target(*t, spec);
  const Arrivals arrivals = arrivals_of(f, Arrivals::kPoisson);
  if (auto r = f.get("routes")) spec.routes = read_routes(*r);
  auto phases = f.require("phases");
  if (!phases) return spec;
  for (const Field& p : phases->items()) {
    spec.phases.push_back(read_phase(p, arrivals, base));
    if (!f.get("routes") && p.is_map() && !p.get("routes"))
      p.fail_child("routes", "required field missing (no load.routes)");
  }
  if (spec.phases.empty() && phases->node().IsSequence()) phases->fail("at least one phase");
  return spec;
}

}  // namespace

std::expected<LoadSpec, std::string> read_spec_text(std::string_view yaml, std::string_view name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return std::unexpected(std::string(name) + ":" + std::to_string(e.mark.line + 1) +
                           ": invalid YAML: " + e.msg);
  }
  auto errors = std::make_shared<Errors>(Errors{std::string(name), {}});
  const Field top(root, "", errors);
  // Replay CSVs are named relative to the spec's folder.
  const std::filesystem::path base = std::filesystem::path(name).parent_path();
  LoadSpec spec;
  if (!top.is_map()) {
    top.fail("expected a scenario or a load section (a map), got " + top.describe());
  } else if (auto load = top.get("load")) {
    spec = read_load(*load, base);
  } else if (top.get("phases")) {
    spec = read_load(top, base);  // the section's fields at the top level
  } else {
    top.fail_child("load", "required field missing (a scenario's load section)");
  }
  if (auto seed = top.is_map() ? top.get("seed") : std::nullopt) {
    if (auto v = seed->number();
        v && *v >= 0 && *v == static_cast<double>(static_cast<std::uint64_t>(*v)))
      spec.seed = static_cast<std::uint64_t>(*v);
    else if (v)
      seed->fail("expected a non-negative integer");
  }
  if (auto timings = top.is_map() ? top.get("timings") : std::nullopt;
      timings && timings->is_map()) {
    // What the scenario's clients use (scenarios/README.md, `timings`).
    if (auto t = timings->get("requestTimeout")) {
      if (auto d = duration_of(*t); d && *d <= Micros{0})
        t->fail("must be greater than 0");
      else if (d)
        spec.request_timeout = *d;
    }
  }
  if (!errors->lines.empty()) {
    std::string all;
    for (const auto& l : errors->lines) all += (all.empty() ? "" : "\n") + l;
    return std::unexpected(all);
  }
  return spec;
}

std::expected<LoadSpec, std::string> read_spec_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::unexpected(file.string() + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return read_spec_text(text.str(), file.string());
}

std::expected<LoadSpec, std::string> quick_spec(const QuickLoad& q) {
  if (!(q.rate > 0)) return std::unexpected("--rate: must be greater than 0");
  if (q.duration <= Micros{0}) return std::unexpected("--duration: must be greater than 0");
  if (!q.path.starts_with('/') || q.path.find_first_of(" \r\n\t") != std::string::npos)
    return std::unexpected("--path: expected a request path starting with '/', got '" + q.path +
                           "'");
  if (!is_token(q.method)) return std::unexpected("--method: expected an HTTP method like GET");
  LoadSpec spec;
  Route r{q.method, q.path, 1.0, q.body, {}};
  spec.routes.push_back(std::move(r));
  spec.phases.push_back(Phase{ConstantRate{q.rate}, q.duration, q.arrivals, {}, 0});
  return spec;
}

}  // namespace ksim::services::load
