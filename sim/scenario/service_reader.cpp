// services: the behaviour of each Deployment, StatefulSet or container image
// per route, checked against the manifests when they loaded.
#include <algorithm>
#include <set>

#include "readers.h"

namespace ksim::scenario::detail {
namespace {

using manifest::ManifestSet;

// "ns/name" or "name".
std::pair<std::string, std::string> split_name(const std::string& s) {
  const std::size_t slash = s.find('/');
  if (slash == std::string::npos) return {"", s};
  return {s.substr(0, slash), s.substr(slash + 1)};
}

// An image reference matches a container image with or without tag/digest.
bool image_matches(const std::string& ref, const std::string& image) {
  return image == ref || (image.starts_with(ref) && image.size() > ref.size() &&
                          (image[ref.size()] == ':' || image[ref.size()] == '@'));
}

bool runs_image(const ManifestSet& set, const std::string& ref) {
  auto in = [&ref](const manifest::PodTemplate& t) {
    return std::any_of(
        t.containers.begin(), t.containers.end(),
        [&ref](const manifest::Container& c) { return image_matches(ref, c.image); });
  };
  return std::any_of(set.deployments.begin(), set.deployments.end(),
                     [&in](const auto& d) { return in(d.template_); }) ||
         std::any_of(set.stateful_sets.begin(), set.stateful_sets.end(),
                     [&in](const auto& s) { return in(s.template_); });
}

// The list `key` of mappings, each read by `read` into `out`.
template <class T, class Read>
void read_list(const Field& f, std::string_view key, std::vector<T>& out, Read read) {
  auto list = f.get(key);
  if (!list) return;
  for (const Field& item : list->items()) {
    if (item.expect_map()) out.push_back(read(item));
  }
}

DownstreamCall read_call(const Field& f, const std::string& caller_ns, const Context& ctx) {
  DownstreamCall c;
  check_known_keys(f, {"service", "method", "path", "probability", "count"});
  if (auto s = f.require("service")) {
    if (auto name = s->str()) c.service = *name;
    if (!c.service.empty() && ctx.manifests != nullptr) {
      auto [ns, service] = split_name(c.service);
      check_named(*s, ctx.manifests->services, "Service", ns.empty() ? caller_ns : ns, service);
    }
  }
  if (auto m = f.get("method"))
    if (auto v = read_method(*m, false)) c.method = *v;
  if (auto p = f.require("path"))
    if (auto v = read_path(*p, false)) c.path = *v;
  if (auto p = f.get("probability")) {
    if (auto v = p->number(); v && (*v < 0 || *v > 1)) {
      p->fail("must be between 0 and 1, got " + p->node().Scalar());
    } else if (v) {
      c.probability = *v;
    }
  }
  set_count(f, "count", c.count);
  return c;
}

KafkaProduce read_kafka(const Field& f) {
  KafkaProduce k;
  check_known_keys(f, {"topic", "bytes", "count", "ack"});
  if (f.require("topic")) set_str(f, "topic", k.topic);
  if (auto a = f.get("ack"))
    if (auto v = a->boolean()) k.ack = *v;
  if (f.require("bytes")) set_int64(f, "bytes", k.bytes);
  if (k.bytes < 0) fail_child_value(f, "bytes", "must be greater than or equal to 0");
  set_count(f, "count", k.count);
  return k;
}

TableCall read_table_call(const Field& f, const std::vector<DynamoTable>& tables) {
  TableCall t;
  check_known_keys(f, {"table", "count"});
  if (f.require("table")) set_str(f, "table", t.table);
  const bool known = std::any_of(tables.begin(), tables.end(),
                                 [&t](const DynamoTable& d) { return d.name == t.table; });
  if (!t.table.empty() && !known) {
    fail_child_value(f, "table", "no table '" + t.table + "' in this service's tables");
  }
  set_count(f, "count", t.count);
  return t;
}

DynamoTable read_table(const Field& f) {
  DynamoTable t;
  check_known_keys(f, {"name", "latency", "throughputLimit"});
  if (f.require("name")) set_str(f, "name", t.name);
  if (auto l = f.require("latency"))
    if (auto d = read_distribution(*l, Unit::kMilliseconds)) t.latency_ms = *d;
  set_non_negative(f, "throughputLimit", t.throughput_limit);
  return t;
}

// The profile's route of the same method and path, if any.
const Route* profile_route(const std::vector<Route>* profile, const Route& r) {
  if (profile == nullptr) return nullptr;
  for (const Route& p : *profile) {
    if (p.method == r.method && p.path == r.path) return &p;
  }
  return nullptr;
}

}  // namespace

Route read_route(const Field& f, const ServiceBehavior& b, const Context& ctx,
                 const std::vector<Route>* profile) {
  Route r;
  r.line = f.line();
  if (!f.expect_map()) return r;
  check_known_keys(f, {"method", "path", "cpu", "responseBytes", "calls", "kafka", "dynamodb"});
  if (auto m = f.get("method")) r.method = read_method(*m, true).value_or("");  // "": no dup check
  if (auto p = f.require("path"))
    if (auto v = read_path(*p, true)) r.path = *v;
  // With a profile, cpu and responseBytes default to its route's.
  const Route* calibrated = profile_route(profile, r);
  if (calibrated != nullptr) {
    r.cpu_ms = calibrated->cpu_ms;
    r.response_bytes = calibrated->response_bytes;
  }
  if (auto c = f.get("cpu")) {
    if (auto d = read_distribution(*c, Unit::kMilliseconds)) r.cpu_ms = *d;
  } else if (calibrated == nullptr) {
    f.fail_child("cpu", profile == nullptr ? "required field missing"
                                           : "required field missing (the profile has no " +
                                                 r.method + " " + r.path + " route)");
  }
  if (auto s = f.get("responseBytes"))
    if (auto d = read_distribution(*s, Unit::kBytes)) r.response_bytes = *d;
  read_list(f, "calls", r.calls, [&](const Field& c) { return read_call(c, b.namespace_, ctx); });
  read_list(f, "kafka", r.kafka, read_kafka);
  read_list(f, "dynamodb", r.dynamodb,
            [&b](const Field& t) { return read_table_call(t, b.tables); });
  return r;
}

std::vector<Route> read_routes(const Field& list, const ServiceBehavior& b, const Context& ctx,
                               const std::vector<Route>* profile, RouteKeys& seen) {
  std::vector<Route> out;
  for (const Field& r : list.items()) {
    out.push_back(read_route(r, b, ctx, profile));
    const Route& route = out.back();
    if (!route.method.empty() && !route.path.empty() &&
        !seen.insert({route.method, route.path}).second) {
      r.fail("duplicate route " + route.method + " " + route.path);
    }
  }
  return out;
}

namespace {

// Which workload or image: exactly one of deployment, statefulSet, image.
void read_target(const Field& f, ServiceBehavior& b, const Context& ctx) {
  const std::pair<const char*, BehaviorTarget> keys[] = {
      {"deployment", BehaviorTarget::kDeployment},
      {"statefulSet", BehaviorTarget::kStatefulSet},
      {"image", BehaviorTarget::kImage}};
  std::optional<Field> field;
  for (auto [key, target] : keys) {
    auto k = f.get(key);
    if (!k) continue;
    if (field) {
      k->fail_at_key("give only one of deployment, statefulSet or image");
      continue;
    }
    field = k;
    b.target = target;
  }
  if (!field) {
    f.fail_child("deployment", "required field missing (or statefulSet, or image)");
    return;
  }
  set_str(f, "namespace", b.namespace_);
  auto name = field->str();
  if (!name) return;
  b.name = *name;
  if (ctx.manifests == nullptr) return;
  if (b.target == BehaviorTarget::kDeployment) {
    b.namespace_ =
        check_named(*field, ctx.manifests->deployments, "Deployment", b.namespace_, b.name);
  } else if (b.target == BehaviorTarget::kStatefulSet) {
    b.namespace_ =
        check_named(*field, ctx.manifests->stateful_sets, "StatefulSet", b.namespace_, b.name);
  } else if (!runs_image(*ctx.manifests, b.name)) {
    field->fail("no container in the manifests runs image '" + b.name + "'");
  }
}

ServiceBehavior read_service(const Field& f, const Context& ctx) {
  ServiceBehavior b;
  b.line = f.line();
  if (!f.expect_map()) return b;
  check_known_keys(f, {"deployment", "statefulSet", "image", "namespace", "profile", "tables",
                       "routes", "produceCpu"});
  read_target(f, b, ctx);
  read_list(f, "tables", b.tables, read_table);
  std::vector<Route> calibrated;
  if (auto p = f.get("profile")) {
    if (auto path = read_file_path(*p, ctx.base_dir)) {
      b.profile = *path;
      calibrated = read_profile(*path, b, ctx);
    }
  }
  if (auto p = f.get("produceCpu"))
    if (auto d = read_distribution(*p, Unit::kMilliseconds)) b.produce_cpu_ms = *d;
  auto routes = f.get("routes");
  if (!routes && !f.get("profile") && !b.produce_cpu_ms) {
    f.fail_child("routes", "required field missing (or profile, or produceCpu)");
  }
  if (routes && routes->node().IsSequence() && routes->node().size() == 0 && !f.get("profile")) {
    routes->fail("at least one route (or a profile)");
  }
  RouteKeys seen;
  if (routes) {
    b.routes = read_routes(*routes, b, ctx, f.get("profile") ? &calibrated : nullptr, seen);
  }
  // The profile's other routes follow the scenario's (a request takes the
  // first route that matches, so the scenario's own come first).
  for (Route& r : calibrated) {
    if (seen.insert({r.method, r.path}).second) b.routes.push_back(std::move(r));
  }
  return b;
}

}  // namespace

std::vector<ServiceBehavior> read_services(const Field& f, const Context& ctx) {
  std::vector<ServiceBehavior> out;
  std::set<std::tuple<BehaviorTarget, std::string, std::string>> seen;
  for (const Field& item : f.items()) {
    out.push_back(read_service(item, ctx));
    const ServiceBehavior& b = out.back();
    if (!b.name.empty() && !seen.insert({b.target, b.namespace_, b.name}).second) {
      item.fail("a second behaviour for '" + b.name + "'");
    }
    if (b.produce_cpu_ms && out.size() > 1 &&
        std::any_of(out.begin(), out.end() - 1,
                    [](const ServiceBehavior& o) { return o.produce_cpu_ms.has_value(); })) {
      if (auto p = item.get("produceCpu")) {
        p->fail("a second Kafka broker: only one behaviour may have produceCpu");
      }
    }
  }
  return out;
}

}  // namespace ksim::scenario::detail
