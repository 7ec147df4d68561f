// load: the target, the route mix and the phases of open-loop arrivals.
#include <algorithm>
#include <chrono>
#include <cmath>

#include "ksim/sim/kernel/random.h"
#include "readers.h"

namespace ksim::scenario::detail {
namespace {

constexpr Duration kDay = std::chrono::hours{24};

// A required rate (requests per second, >= 0).
double rate(const Field& f, std::string_view key) {
  double v = 0;
  if (f.require(key)) set_non_negative(f, key, v);
  return v;
}

Duration required_duration(const Field& f, std::string_view key) {
  Duration d{};
  if (f.require(key)) set_duration(f, key, d);
  return d;
}

std::vector<RouteWeight> read_route_mix(const Field& f) {
  std::vector<RouteWeight> out;
  std::vector<double> weights;
  for (const Field& item : f.items()) {
    if (!item.expect_map()) continue;
    check_known_keys(item, {"method", "path", "weight", "body", "contentType"});
    RouteWeight r;
    set_str(item, "body", r.body);
    set_str(item, "contentType", r.content_type);
    if (auto m = item.get("method"))
      if (auto v = read_method(*m, false)) r.method = *v;
    if (auto p = item.require("path"))
      if (auto v = read_path(*p, false)) r.path = *v;
    set_non_negative(item, "weight", r.weight);
    weights.push_back(r.weight);
    out.push_back(std::move(r));
  }
  if (weights.empty()) {
    f.fail("at least one route");
  } else if (auto w = WeightedDiscrete::create(weights); !w) {
    f.fail(w.error());
  }
  return out;
}

// The shape's own fields; returns them for the unknown-field check.
std::vector<std::string_view> read_shape(const Field& f, const std::string& name,
                                         PhaseShape& shape) {
  if (name == "constant") {
    shape = ConstantRate{rate(f, "rps")};
    return {"rps"};
  }
  if (name == "ramp") {
    shape = Ramp{rate(f, "from"), rate(f, "to")};
    return {"from", "to"};
  }
  if (name == "step") {
    shape = Step{rate(f, "from"), rate(f, "to"), required_duration(f, "at")};
    return {"from", "to", "at"};
  }
  if (name == "spike") {
    shape = Spike{rate(f, "rps"), rate(f, "peak"), required_duration(f, "at"),
                  required_duration(f, "width")};
    return {"rps", "peak", "at", "width"};
  }
  if (name == "sine") {
    Sine s{rate(f, "mean"), rate(f, "amplitude"), {}, {}};
    if (auto p = f.require("period"))
      if (auto d = read_positive_duration(*p)) s.period = *d;
    set_duration(f, "shift", s.shift);
    if (s.amplitude > s.mean)
      fail_child_value(f, "amplitude", "must not exceed mean (the rate would go negative)");
    shape = s;
    return {"mean", "amplitude", "period", "shift"};
  }
  Diurnal d{rate(f, "min"), rate(f, "max"), std::chrono::hours{12}, {}};
  set_duration(f, "peakAt", d.peak_at);
  set_duration(f, "start", d.start);
  if (d.min > d.max) fail_child_value(f, "min", "must not exceed max");
  if (d.peak_at >= kDay) fail_child_value(f, "peakAt", "must be a time of day (less than 24h)");
  shape = d;
  return {"min", "max", "peakAt", "start"};
}

// A replay: the CSV is read now, so that its errors are part of the load.
Replay read_replay(const Field& f, const Context& ctx) {
  Replay r;
  if (auto fmt = one_of(f, "format", {"rates", "timestamps"}))
    r.format = *fmt == "rates" ? Replay::Format::kRates : Replay::Format::kTimestamps;
  if (auto s = f.get("speed")) {
    if (auto v = s->number(); v && *v <= 0) {
      s->fail("must be greater than 0");
    } else if (v) {
      r.speed = *v;
    }
  }
  if (auto csv = f.require("csv")) {
    if (auto path = read_file_path(*csv, ctx.base_dir); path && ctx.other_files != nullptr) {
      r.csv = *path;
      read_replay_csv(r, csv->path(), *ctx.other_files);
    }
  }
  return r;
}

// The recording's length at the replay speed.
Duration replay_length(const Replay& r) {
  if (r.format == Replay::Format::kTimestamps) {
    return r.timestamps.empty() ? Duration{} : r.timestamps.back() + Duration{1};
  }
  const double us = std::ceil(static_cast<double>(r.rates.size()) * 1e6 / r.speed);
  return Duration{static_cast<std::int64_t>(us)};
}

LoadPhase read_phase(const Field& f, Arrivals arrivals, const Context& ctx) {
  LoadPhase p;
  p.line = f.line();
  p.arrivals = arrivals;
  if (!f.expect_map()) return p;
  if (!f.get("shape")) f.fail_child("shape", "required field missing");
  const auto shape =
      one_of(f, "shape", {"constant", "ramp", "step", "spike", "sine", "diurnal", "replay"});
  std::vector<std::string_view> known = {"shape", "duration", "arrivals", "routes"};
  if (shape == "replay") {
    p.shape = read_replay(f, ctx);
    known.insert(known.end(), {"csv", "format", "speed"});
  } else if (shape) {
    const auto own = read_shape(f, *shape, p.shape);
    known.insert(known.end(), own.begin(), own.end());
  }
  for (auto& [key, value] : f.entries()) {
    if (shape && std::find(known.begin(), known.end(), key) == known.end())
      value.fail_at_key("unknown field for shape " + *shape);
  }
  if (auto a = one_of(f, "arrivals", {"poisson", "deterministic"}))
    p.arrivals = *a == "poisson" ? Arrivals::kPoisson : Arrivals::kDeterministic;
  if (auto r = f.get("routes")) p.routes = read_route_mix(*r);
  if (auto d = f.get("duration")) {
    if (auto v = read_positive_duration(*d)) p.duration = *v;
  } else if (shape == "replay") {
    p.duration = replay_length(std::get<Replay>(p.shape));
  } else if (shape == "diurnal") {
    p.duration = kDay;
  } else if (shape) {
    f.fail_child("duration", "required field missing");
  }
  return p;
}

// The target names an object of the manifests; no name: their only Ingress.
void check_target(const Field& load, LoadTarget& t, const Context& ctx) {
  if (ctx.manifests == nullptr) return;
  const auto target = load.get("target");
  const auto named = target
                         ? target->get(t.kind == LoadTarget::Kind::kService ? "service" : "ingress")
                         : std::nullopt;
  if (named && t.kind == LoadTarget::Kind::kService) {
    t.namespace_ = check_named(*named, ctx.manifests->services, "Service", t.namespace_, t.name);
  } else if (named) {
    t.namespace_ = check_named(*named, ctx.manifests->ingresses, "Ingress", t.namespace_, t.name);
  } else if (ctx.manifests->ingresses.size() != 1) {
    const std::string n = std::to_string(ctx.manifests->ingresses.size());
    load.fail_child("target", "required field missing (the manifests have " + n +
                                  " Ingresses: name one, or a service)");
  } else {
    t.namespace_ = ctx.manifests->ingresses[0].meta.namespace_;
    t.name = ctx.manifests->ingresses[0].meta.name;
  }
}

void read_target(const Field& f, LoadTarget& t) {
  if (!f.expect_map()) return;
  check_known_keys(f, {"ingress", "service", "host"});
  auto ingress = f.get("ingress");
  auto service = f.get("service");
  if (ingress && service) service->fail_at_key("give only one of ingress or service");
  if (auto host = f.get("host"); host && service && !ingress)
    host->fail_at_key("host goes with an ingress target");
  t.kind = service && !ingress ? LoadTarget::Kind::kService : LoadTarget::Kind::kIngress;
  auto name = t.kind == LoadTarget::Kind::kService ? service : ingress;
  if (auto s = name ? name->str() : std::nullopt) {
    const std::size_t slash = s->find('/');
    t.namespace_ = slash == std::string::npos ? "" : s->substr(0, slash);
    t.name = slash == std::string::npos ? *s : s->substr(slash + 1);
  }
  set_str(f, "host", t.host);
}

}  // namespace

Load read_load(const Field& f, const Context& ctx) {
  Load load;
  if (!f.expect_map()) return load;
  check_known_keys(f, {"target", "arrivals", "routes", "phases"});
  if (auto t = f.get("target")) read_target(*t, load.target);
  Arrivals arrivals = Arrivals::kPoisson;
  if (auto a = one_of(f, "arrivals", {"poisson", "deterministic"}))
    arrivals = *a == "poisson" ? Arrivals::kPoisson : Arrivals::kDeterministic;
  if (auto r = f.get("routes")) load.routes = read_route_mix(*r);
  check_target(f, load.target, ctx);
  auto phases = f.require("phases");
  if (!phases) return load;
  for (const Field& p : phases->items()) {
    load.phases.push_back(read_phase(p, arrivals, ctx));
    if (!f.get("routes") && p.is_map() && !p.get("routes"))
      p.fail_child("routes", "required field missing (no load.routes)");
  }
  if (load.phases.empty()) phases->fail("at least one phase");
  return load;
}

}  // namespace ksim::scenario::detail
