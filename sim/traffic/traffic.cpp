// Traffic (traffic.h): resolving the scenario against the cluster, the
// load's arrivals and the entry routes' statistics.
#include "ksim/sim/traffic/traffic.h"

#include <algorithm>
#include <cmath>

#include "impl.h"
#include "ksim/sim/traffic/path_pattern.h"

namespace ksim::traffic {
namespace {

namespace ing = control::ingress;

constexpr std::string_view kNginxLoadBalance = "nginx.ingress.kubernetes.io/load-balance";

std::optional<ing::Controller> controller_of(const manifest::Ingress& i) {
  if (i.ingress_class == "nginx") return ing::Controller::kNginx;
  if (i.ingress_class == "alb") return ing::Controller::kAlb;
  return std::nullopt;
}

ing::IngressSpec ingress_spec(const manifest::Ingress& i, ing::Controller c) {
  const auto backend = [](const manifest::IngressBackend& b) {
    return ing::Backend{b.service_name, b.port_number.value_or(0), b.port_name};
  };
  ing::IngressSpec s;
  s.namespace_ = i.meta.namespace_;
  s.name = i.meta.name;
  s.controller = c;
  for (const manifest::IngressRule& r : i.rules) {
    ing::RuleSpec rule{r.host, {}};
    for (const manifest::IngressPath& p : r.paths) {
      const auto type = p.path_type == manifest::PathType::kExact ? ing::PathType::kExact
                        : p.path_type == manifest::PathType::kPrefix
                            ? ing::PathType::kPrefix
                            : ing::PathType::kImplementationSpecific;
      rule.paths.push_back(ing::PathSpec{p.path, type, backend(p.backend)});
    }
    s.rules.push_back(std::move(rule));
  }
  if (i.default_backend) s.default_backend = backend(*i.default_backend);
  for (const auto& [k, v] : i.meta.annotations) s.annotations.emplace(k, v);
  return s;
}

std::string route_name(const std::string& method, const std::string& path) {
  return method + " " + path;
}

}  // namespace

int http_status(Status s) {
  switch (s) {
    case Status::kOk:
      return 200;
    case Status::kNotFound:
      return 404;
    case Status::kNoEndpoints:
      return 503;
    case Status::kUpstreamGone:
      return 502;
    case Status::kDependencyError:
      return 500;
    case Status::kTimeout:
      return 504;
  }
  return 0;
}

void RouteCounters::merge(const RouteCounters& o) {
  requests += o.requests;
  for (std::size_t i = 0; i < kStatusCount; ++i) by_status[i] += o.by_status[i];
  latency.merge(o.latency);
}

std::uint32_t Traffic::Impl::intern(std::string_view method, std::string_view path) {
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i].method == method && kinds[i].path == path) return static_cast<std::uint32_t>(i);
  }
  kinds.push_back(RequestKind{std::string(method), std::string(path)});
  return static_cast<std::uint32_t>(kinds.size() - 1);
}

// The pod's serving state, made on first use: its behaviour (by the
// Deployment that owns it, or its first container's image) and CPU limit.
PodState& Traffic::Impl::pod_state(cluster::PodId pod) {
  if (pods.size() <= index_of(pod)) pods.resize(index_of(pod) + 1);
  PodState& ps = pods[index_of(pod)];
  if (ps.resolved) return ps;
  ps.resolved = true;
  const cluster::Pod& p = cluster.pod(pod);
  ps.terminating = !p.active();
  ps.gone = p.stage == cluster::PodStage::kGone;
  // A bare pod (a pod trace's) serves nothing: no behaviour, no CPU limit.
  if (p.owner_kind == cluster::OwnerKind::kNone) return ps;
  const cluster::PodOwner& owner = cluster.pod_owner(pod);
  const bool deployment = p.owner_kind == cluster::OwnerKind::kReplicaSet;
  // A DaemonSet's pod (a node agent) serves no route unless a behaviour
  // names its image; no behaviour targets a DaemonSet by name.
  const bool daemon = p.owner_kind == cluster::OwnerKind::kDaemonSet;
  const std::string workload =
      deployment ? cluster.deployment(cluster.replica_set(p.replica_set).deployment).name
      : daemon   ? cluster.daemonset(p.daemon_set).name
                 : cluster.statefulset(p.stateful_set).name;
  const auto kind =
      deployment ? scenario::BehaviorTarget::kDeployment : scenario::BehaviorTarget::kStatefulSet;
  const std::string image = owner.containers.empty() ? std::string{} : owner.containers[0].image;
  for (std::size_t b = 0; b < behaviors.size() && ps.behavior == kNone; ++b) {
    const scenario::ServiceBehavior& spec = *behaviors[b].spec;
    const bool ns_ok = spec.namespace_.empty() || spec.namespace_ == owner.namespace_;
    if ((!daemon && spec.target == kind && ns_ok && spec.name == workload) ||
        (spec.target == scenario::BehaviorTarget::kImage &&
         (image == spec.name || image.starts_with(spec.name + ":") ||
          image.starts_with(spec.name + "@")))) {
      ps.behavior = static_cast<std::uint32_t>(b);
    }
  }
  const auto limit = cpu_limits.find(std::string(deployment ? "Deployment/"
                                                 : daemon   ? "DaemonSet/"
                                                            : "StatefulSet/") +
                                     owner.namespace_ + "/" + workload);
  ps.limit_cores = limit == cpu_limits.end() ? 0.0 : limit->second;
  return ps;
}

// The next arrivals: each one that comes before any pending event is taken
// at once, the clock moved to it (Simulator::advance_to, the same order as
// an event would give); the first that does not is scheduled.
void Traffic::Impl::next_arrival() {
  for (;;) {
    const Time at = arrivals->next();
    if (at == kTimeMax) return;
    if (!sim.advance_to(at)) {
      sim.schedule_at(at, [this] { arrive(); });
      return;
    }
    arrive_one();
  }
}

void Traffic::Impl::arrive() {
  arrive_one();
  next_arrival();
}

void Traffic::Impl::arrive_one() {
  ++arrived;
  ++entries_live;
  const std::size_t route = mix->sample(mix_rng);
  const Entry& e = entries[route];
  const std::uint32_t req = new_request();
  Request& r = requests[req];
  r.start = sim.now();
  r.entry = static_cast<std::uint32_t>(route);
  r.plan = e.request;
  if (e.service == kNone) {
    finish(req, Status::kNotFound);
  } else if (const auto pod = pick_entry(e)) {
    start_on_pod(req, *pod);
  } else {
    finish(req, Status::kNoEndpoints);
  }
}

void Traffic::Impl::record(const Request& r, Time end) {
  --entries_live;
  RouteCounters& w = routes[r.entry].window;
  Status s = r.status;
  const Duration latency = end - r.start;
  if (latency > *options.request_timeout) s = Status::kTimeout;
  ++w.requests;
  ++w.by_status[static_cast<std::size_t>(s)];
  if (s == Status::kOk) w.latency.record(latency);
  const Entry& e = entries[r.entry];
  if (e.balance == EntryBalance::kEwma && index_of(r.pod) != kNone) {
    ewma[e.service].observe(r.pod, latency, end);  // upstream after_balance
  }
}

void Traffic::Impl::close_window() {
  if (window_cb) window_cb(window_start, routes);
  for (EntryRoute& r : routes) {
    r.total.merge(r.window);
    r.window.requests = 0;
    r.window.by_status = {};
    r.window.latency.reset();
  }
  window_start = sim.now();
  window_end = window_start + options.window;
}

Traffic::Traffic(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Traffic::~Traffic() {
  if (impl_) impl_->cluster.set_observer(nullptr);
}

std::expected<std::unique_ptr<Traffic>, std::vector<std::string>> Traffic::create(
    Simulator& sim, cluster::Cluster& cluster, const scenario::Scenario& sc,
    const TrafficOptions& options) {
  auto impl = std::make_unique<Impl>(sim, cluster);
  Impl& m = *impl;
  std::vector<std::string> errors;
  m.options = options;
  // The scenario's timings unless the caller overrides them.
  if (!options.request_timeout) m.options.request_timeout = sc.timings.request_timeout;
  if (!options.max_idle_per_host) m.options.max_idle_per_host = sc.timings.max_idle_conns_per_host;
  if (!options.idle_timeout) m.options.idle_timeout = sc.timings.idle_conn_timeout;
  m.proxy_mode = sc.timings.kube_proxy_mode;
  m.specs = sc.services;
  // The first container serves; its limit in millicores sets the CFS quota.
  const auto add_limit = [&m](const std::string& key, const manifest::PodTemplate& t) {
    if (t.containers.empty()) return;
    const auto& limits = t.containers[0].limits_milli;
    if (const auto it = limits.find("cpu"); it != limits.end()) {
      m.cpu_limits[key] = static_cast<double>(it->second) / 1000;
    }
  };
  for (const manifest::Deployment& d : sc.manifests.deployments) {
    add_limit("Deployment/" + d.meta.namespace_ + "/" + d.meta.name, d.template_);
  }
  for (const manifest::StatefulSet& d : sc.manifests.stateful_sets) {
    add_limit("StatefulSet/" + d.meta.namespace_ + "/" + d.meta.name, d.template_);
  }
  for (const manifest::DaemonSet& d : sc.manifests.daemon_sets) {
    add_limit("DaemonSet/" + d.meta.namespace_ + "/" + d.meta.name, d.template_);
  }
  const RandomStreams streams(sc.seed);
  m.mix_rng = streams.stream("traffic/mix");
  m.balance_rng = streams.stream("traffic/balance");
  m.step_rng = streams.stream("traffic/steps");

  // Services: affinity settings and round-robin starts.
  const std::size_t nsvc = cluster.services().size();
  m.client_ip_affinity.assign(nsvc, false);
  m.affinity_timeout.assign(nsvc, Duration{0});
  m.rr_position.assign(nsvc, 0);
  m.ewma.assign(nsvc, EwmaBalancer{});
  m.ewma_version.assign(nsvc, UINT64_MAX);
  for (std::size_t i = 0; i < nsvc; ++i) {
    const cluster::Service& s = cluster.services()[i];
    m.rr_position[i] = m.balance_rng.next() >> 1;
    if (const manifest::Service* ms = sc.manifests.find_service(s.namespace_, s.name)) {
      m.client_ip_affinity[i] = ms->session_affinity == manifest::SessionAffinity::kClientIP;
      m.affinity_timeout[i] =
          std::chrono::seconds{ms->session_affinity_timeout_seconds.value_or(10800)};
    }
  }

  // Behaviours, their tables, and the request kinds of the load.
  for (const scenario::ServiceBehavior& b : m.specs) {
    Behavior beh;
    beh.spec = &b;
    beh.rng = streams.stream("traffic/behavior/" + b.namespace_ + "/" + b.name);
    m.behaviors.push_back(std::move(beh));
    for (const scenario::DynamoTable& t : b.tables) {
      Table table;
      table.name = t.name;
      table.spec = &t;
      table.tokens = t.throughput_limit;
      table.refilled = sim.now();
      table.rng = streams.stream("traffic/table/" + t.name);
      m.tables.push_back(std::move(table));
    }
  }
  for (const scenario::RouteWeight& rw : sc.load.routes) m.intern(rw.method, rw.path);
  for (const scenario::LoadPhase& p : sc.load.phases) {
    for (const scenario::RouteWeight& rw : p.routes) m.intern(rw.method, rw.path);
  }
  // Calls add kinds; plans are compiled until no new kind appears.
  std::size_t table_base = 0;
  std::vector<std::size_t> table_bases;
  for (const scenario::ServiceBehavior& b : m.specs) {
    table_bases.push_back(table_base);
    table_base += b.tables.size();
  }
  const auto service_index = [&](const std::string& caller_ns,
                                 const std::string& ref) -> std::optional<std::uint32_t> {
    const auto slash = ref.find('/');
    const std::string ns = slash == std::string::npos ? caller_ns : ref.substr(0, slash);
    const std::string name = slash == std::string::npos ? ref : ref.substr(slash + 1);
    for (std::size_t i = 0; i < nsvc; ++i) {
      const cluster::Service& s = cluster.services()[i];
      if (s.name == name && (ns.empty() || s.namespace_ == ns)) {
        return static_cast<std::uint32_t>(i);
      }
    }
    return std::nullopt;
  };
  for (std::size_t b = 0; b < m.behaviors.size(); ++b) m.behaviors[b].plan.clear();
  for (std::size_t done = 0; done < m.kinds.size(); ++done) {
    // Kind `done` against every behaviour (kinds grow as calls are found).
    for (std::size_t b = 0; b < m.behaviors.size(); ++b) {
      const scenario::ServiceBehavior& spec = *m.behaviors[b].spec;
      auto& plan_of = m.behaviors[b].plan;
      if (plan_of.size() <= done) plan_of.resize(done + 1, kNone);
      if (m.kinds[done].produce) continue;
      const auto r = find_route(spec.routes, m.kinds[done].method, m.kinds[done].path);
      if (!r) continue;
      Plan plan;
      plan.route = &spec.routes[*r];
      plan.cpu = &plan.route->cpu_ms;
      plan.behavior = static_cast<std::uint32_t>(b);
      const std::string caller = spec.namespace_;
      for (const scenario::DownstreamCall& c : plan.route->calls) {
        const auto svc = service_index(caller, c.service);
        if (!svc) {
          errors.push_back(sc.file.string() + ":" + std::to_string(plan.route->line) +
                           ": services: " + spec.name + " " + plan.route->method + " " +
                           plan.route->path + ": calls Service " + c.service +
                           ", which the manifests do not define");
          continue;
        }
        Step s;
        s.kind = Step::Kind::kCall;
        s.probability = c.probability;
        s.count = c.count;
        s.service = *svc;
        s.request = m.intern(c.method, c.path);
        plan.steps.push_back(s);
      }
      for (const scenario::TableCall& t : plan.route->dynamodb) {
        for (std::size_t k = 0; k < spec.tables.size(); ++k) {
          if (spec.tables[k].name != t.table) continue;
          Step s;
          s.kind = Step::Kind::kTable;
          s.count = t.count;
          s.table = static_cast<std::uint32_t>(table_bases[b] + k);
          plan.steps.push_back(s);
        }
      }
      for (const scenario::KafkaProduce& k : plan.route->kafka) {
        Step s;
        s.kind = Step::Kind::kKafka;
        s.count = k.count;
        s.ack = k.ack;
        s.topic = static_cast<std::uint32_t>(std::hash<std::string>{}(k.topic));
        s.request = m.intern("PRODUCE", "/topics/" + k.topic);
        m.kinds[s.request].produce = true;
        plan.steps.push_back(s);
      }
      plan_of[done] = static_cast<std::uint32_t>(m.plans.size());
      m.plans.push_back(std::move(plan));
    }
  }
  for (Behavior& b : m.behaviors) b.plan.resize(m.kinds.size(), kNone);

  // The Kafka broker: a plan of its produce CPU for every topic's kind.
  for (std::size_t b = 0; b < m.behaviors.size(); ++b) {
    const scenario::ServiceBehavior& spec = *m.behaviors[b].spec;
    if (!spec.produce_cpu_ms) continue;
    m.broker_behavior = static_cast<std::uint32_t>(b);
    if (spec.target == scenario::BehaviorTarget::kStatefulSet) {
      m.broker_statefulset = cluster.find_statefulset(spec.namespace_, spec.name);
    } else if (spec.target == scenario::BehaviorTarget::kDeployment) {
      m.broker_deployment = cluster.find_deployment(spec.namespace_, spec.name);
    }
    if (!m.broker_statefulset && !m.broker_deployment) {
      errors.push_back(sc.file.string() + ":" + std::to_string(spec.line) +
                       ": services: the Kafka broker (produceCpu) must be a StatefulSet or a "
                       "Deployment of the manifests");
      m.broker_behavior = kNone;
      continue;
    }
    for (std::size_t k = 0; k < m.kinds.size(); ++k) {
      if (!m.kinds[k].produce) continue;
      Plan plan;
      plan.cpu = &*spec.produce_cpu_ms;
      plan.behavior = static_cast<std::uint32_t>(b);
      m.behaviors[b].plan[k] = static_cast<std::uint32_t>(m.plans.size());
      m.plans.push_back(std::move(plan));
    }
  }

  // The entry: each load route resolved once.
  std::vector<ing::IngressSpec> specs_of_entry;  // what `table` was built from
  std::optional<ing::RoutingTable> table;
  std::string host = sc.load.target.host;
  std::uint32_t entry_service = kNone;
  std::string entry_ns = sc.load.target.namespace_;
  // A scenario without `load:` (a pod trace only) has no entry to resolve.
  const bool has_load = !sc.load.phases.empty();
  if (has_load && sc.load.target.kind == scenario::LoadTarget::Kind::kService) {
    if (const auto s = service_index(entry_ns, sc.load.target.name)) {
      entry_service = *s;
    } else {
      errors.push_back(sc.file.string() + ": load.target: Service " + sc.load.target.name +
                       " not found");
    }
  } else if (has_load) {
    const manifest::Ingress* target = nullptr;
    for (const manifest::Ingress& i : sc.manifests.ingresses) {
      if (i.meta.name == sc.load.target.name &&
          (entry_ns.empty() || i.meta.namespace_ == entry_ns)) {
        target = &i;
      }
    }
    if (target == nullptr && sc.manifests.ingresses.size() == 1) {
      target = &sc.manifests.ingresses[0];
    }
    const auto controller = target ? controller_of(*target) : std::nullopt;
    if (target == nullptr) {
      errors.push_back(sc.file.string() + ": load.target: Ingress " + sc.load.target.name +
                       " not found");
    } else if (!controller) {
      errors.push_back(target->source.file + ":" + std::to_string(target->source.line) +
                       ": Ingress " + target->meta.namespace_ + "/" + target->meta.name +
                       ": spec.ingressClassName: '" + target->ingress_class +
                       "' is not modelled (nginx and alb are)");
    } else {
      // ingress-nginx merges every Ingress of its class; an ALB serves one
      // IngressGroup (or one Ingress without a group).
      std::vector<ing::IngressSpec>& specs = specs_of_entry;
      const auto group = [](const manifest::Ingress& i) {
        const auto it = i.meta.annotations.find(std::string(ing::kAlbGroupName));
        return it == i.meta.annotations.end() ? std::string{} : it->second;
      };
      for (const manifest::Ingress& i : sc.manifests.ingresses) {
        if (controller_of(i) != controller) continue;
        if (*controller == ing::Controller::kAlb && &i != target &&
            (group(i).empty() || group(i) != group(*target))) {
          continue;
        }
        specs.push_back(ingress_spec(i, *controller));
      }
      auto built = ing::build_routing(specs, *controller);
      if (!built) {
        errors.push_back(target->source.file + ":" + std::to_string(target->source.line) +
                         ": Ingress " + target->meta.namespace_ + "/" + target->meta.name + ": " +
                         built.error());
      } else {
        table = std::move(*built);
      }
    }
  }

  for (const scenario::RouteWeight& rw : sc.load.routes) {
    Entry e;
    e.request = m.intern(rw.method, rw.path);
    if (sc.load.target.kind == scenario::LoadTarget::Kind::kService) {
      e.service = entry_service;
      e.balance = EntryBalance::kNewConnection;
    } else if (table) {
      const ing::Match match = table->match(host, rw.path);
      if (match.matched() && match.backend != nullptr) {
        const std::string ns(match.ingress.substr(0, match.ingress.find('/')));
        e.service = service_index(ns, match.backend->service).value_or(kNone);
        if (e.service == kNone) {
          errors.push_back(sc.file.string() + ": load.routes: " + route_name(rw.method, rw.path) +
                           ": the Ingress sends it to Service " + match.backend->service +
                           ", which the manifests do not define");
        }
        e.balance = table->controller() == ing::Controller::kAlb &&
                            match.target_type == ing::TargetType::kInstance
                        ? EntryBalance::kPerRequestRandom
                        : EntryBalance::kPerRequestRoundRobin;
        if (table->controller() == ing::Controller::kNginx) {
          // The Ingress's nginx.ingress.kubernetes.io/load-balance (the
          // ConfigMap's load-balance default, round_robin, otherwise).
          const auto& annotations = specs_of_entry[match.ingress_index].annotations;
          const auto lb = annotations.find(kNginxLoadBalance);
          if (lb != annotations.end() && lb->second == "ewma") {
            e.balance = EntryBalance::kEwma;
          } else if (lb != annotations.end() && lb->second != "round_robin") {
            errors.push_back("Ingress " + std::string(match.ingress) + ": " +
                             std::string(kNginxLoadBalance) + ": '" + lb->second +
                             "' is not modelled (round_robin and ewma are)");
          }
        }
      }
    }
    m.entries.push_back(e);
    m.routes.push_back(EntryRoute{route_name(rw.method, rw.path), {}, {}});
    m.weights.push_back(rw.weight);
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  if (!m.weights.empty()) m.mix.emplace(m.weights);
  m.arrivals.emplace(sc.load, streams.stream("traffic/arrivals"), sim.now());
  auto t = std::unique_ptr<Traffic>(new Traffic(std::move(impl)));
  cluster.set_observer(t.get());
  return t;
}

void Traffic::start() {
  impl_->window_start = impl_->sim.now();
  impl_->window_end = impl_->window_start + impl_->options.window;
  // The first window closes one window from now, the others every window
  // after it (a periodic timer with its phase at that time fires there).
  impl_->sim.schedule_in(impl_->options.window, [m = impl_.get()] {
    const Duration w = m->options.window;
    m->sim.schedule_periodic(w, Duration{to_us(m->sim.now()) % w.count()},
                             [m] { m->close_window(); });
  });
  if (impl_->mix) impl_->next_arrival();
}

void Traffic::set_window_callback(WindowCallback cb) { impl_->window_cb = std::move(cb); }

std::uint64_t Traffic::cpu_used_ns(cluster::PodId pod, Time now) {
  if (index_of(pod) >= impl_->pods.size()) return 0;
  PodState& ps = impl_->pods[index_of(pod)];
  if (!ps.cpu) return 0;
  ps.cpu->advance(now);  // exact at any time (pod_cpu.h)
  return static_cast<std::uint64_t>(std::llround(ps.cpu->cpu_used_us() * 1000.0));
}

std::uint64_t Traffic::nr_throttled(cluster::PodId pod) const {
  if (index_of(pod) >= impl_->pods.size() || !impl_->pods[index_of(pod)].cpu) return 0;
  return impl_->pods[index_of(pod)].cpu->nr_throttled();
}

std::span<const EntryRoute> Traffic::routes() const { return impl_->routes; }
std::uint64_t Traffic::arrivals() const { return impl_->arrived; }
std::uint64_t Traffic::in_flight() const { return impl_->entries_live; }
std::uint64_t Traffic::connections_opened() const { return impl_->opened; }
std::uint64_t Traffic::kafka_records() const { return impl_->kafka_records; }
std::uint64_t Traffic::kafka_dropped() const { return impl_->kafka_dropped; }
std::uint64_t Traffic::table_calls() const {
  std::uint64_t n = 0;
  for (const Table& t : impl_->tables) n += t.calls;
  return n;
}
std::uint64_t Traffic::table_throttles() const {
  std::uint64_t n = 0;
  for (const Table& t : impl_->tables) n += t.throttles;
  return n;
}

void Traffic::on_pod_gone(cluster::PodId pod) {
  if (index_of(pod) < impl_->pods.size()) {
    impl_->pods[index_of(pod)].terminating = true;
    impl_->pods[index_of(pod)].gone = true;
  }
  impl_->pod_gone(pod);
}

void Traffic::on_pod_terminating(cluster::PodId pod) {
  if (index_of(pod) < impl_->pods.size()) impl_->pods[index_of(pod)].terminating = true;
}

}  // namespace ksim::traffic
