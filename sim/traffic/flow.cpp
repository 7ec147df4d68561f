// A request's life (traffic.h): on a pod's CPU, then its steps (downstream
// calls through ClusterIP, table calls, Kafka produces) one after the other,
// then the answer to its caller or to the entry's statistics.
#include <algorithm>
#include <chrono>
#include <cmath>

#include "impl.h"

namespace ksim::traffic {
namespace {

using namespace std::chrono_literals;

// librdkafka: linger.ms (queue.buffering.max.ms) 5 ms by default since
// 1.7.0; without a broker in the scenario, its acknowledgement on a local
// network is taken as 1 ms more.
constexpr Duration kKafkaLinger = 5ms;
constexpr Duration kKafkaProduceLatency = 6ms;
// AWS SDKs' standard retry mode: 3 attempts in all, full-jitter exponential
// backoff with a 100 ms base (capped at 20 s, not reached in 3 attempts).
constexpr std::uint8_t kTableAttempts = 3;
constexpr double kTableBackoffBaseUs = 100'000;

}  // namespace

std::uint32_t Traffic::Impl::new_request() {
  ++live;
  if (!free_requests.empty()) {
    const std::uint32_t id = free_requests.back();
    free_requests.pop_back();
    requests[id] = Request{};
    return id;
  }
  requests.emplace_back();
  return static_cast<std::uint32_t>(requests.size() - 1);
}

// The request reaches `pod`: the pod's behaviour route for it, then its CPU.
void Traffic::Impl::start_on_pod(std::uint32_t req, cluster::PodId pod) {
  PodState& ps = pod_state(pod);
  if (ps.gone) {
    finish(req, Status::kUpstreamGone);
    return;
  }
  Request& r = requests[req];
  r.pod = pod;
  const std::uint32_t kind = r.plan;  // the request kind until the plan is known
  r.plan = ps.behavior == kNone ? kNone : behaviors[ps.behavior].plan[kind];
  if (r.plan == kNone) {
    finish(req, Status::kNotFound);
    return;
  }
  Behavior& b = behaviors[ps.behavior];
  const double cpu_us = plans[r.plan].cpu->sample(b.rng) * 1000.0;
  if (!ps.cpu) {
    const cluster::Pod& p = cluster.pod(pod);
    const double cores = static_cast<double>(cluster.node(p.node).allocatable.cpu_milli) / 1000.0;
    ps.cpu.emplace(PodCpu::Config{.parallelism = std::max(1.0, std::ceil(cores)),
                                  .limit_cores = ps.limit_cores},
                   sim.now());
  }
  if (!r.background) ++ps.foreground;
  ps.cpu->add(sim.now(), req, cpu_us);
  if (ps.cpu->has_finished()) collect(pod);
  arm(pod);
}

// Jobs the CPU finished on its own (a lazy advance): background ones are
// done, foreground ones wait for the pod's event, due now.
void Traffic::Impl::collect(cluster::PodId pod) {
  PodState& ps = pods[index_of(pod)];
  scratch_done.clear();
  ps.cpu->take_finished(scratch_done);
  for (const std::uint32_t j : scratch_done) {
    if (requests[j].background) {
      finish(j, Status::kOk);
    } else {
      --ps.foreground;
      ps.deferred.push_back(j);
    }
  }
}

// Keeps the pod's one calendar event at its CPU's next change, while a job
// someone waits for is on it. A CPU with only background work runs without
// events: PodCpu::advance is exact whenever it is next touched.
void Traffic::Impl::arm(cluster::PodId pod) {
  PodState& ps = pods[index_of(pod)];
  const Time at = !ps.deferred.empty() ? sim.now()
                  : ps.foreground == 0 ? kTimeMax
                                       : ps.cpu->next_event();
  if (at == ps.event_at) return;
  if (ps.event_at != kTimeMax) sim.cancel(ps.event);
  ps.event_at = at;
  if (at != kTimeMax) ps.event = sim.schedule_at(at, [this, pod] { pod_event(pod); });
}

void Traffic::Impl::pod_event(cluster::PodId pod) {
  PodState& ps = pods[index_of(pod)];
  ps.event_at = kTimeMax;
  ps.cpu->advance(sim.now());
  scratch.assign(ps.deferred.begin(), ps.deferred.end());  // finished earlier
  ps.deferred.clear();
  const std::size_t fresh = scratch.size();
  ps.cpu->take_finished(scratch);
  for (std::size_t i = fresh; i < scratch.size(); ++i) {
    if (!requests[scratch[i]].background) --ps.foreground;
  }
  arm(pod);
  // run_steps never fires another pod's event synchronously (and collect
  // uses its own list), so `scratch` stays as it is during the loop.
  for (std::size_t i = 0; i < scratch.size(); ++i) run_steps(scratch[i]);
}

void Traffic::Impl::run_steps(std::uint32_t req) {
  for (;;) {
    Request& r = requests[req];
    if (pods[index_of(r.pod)].gone) {
      finish(req, Status::kUpstreamGone);
      return;
    }
    const Plan& plan = plans[r.plan];
    if (r.remaining == 0) {
      if (r.step >= plan.steps.size()) {
        finish(req, Status::kOk);
        return;
      }
      const Step& s = plan.steps[r.step];
      const bool taken = s.probability >= 1.0 || step_rng.uniform01() < s.probability;
      if (!taken) {
        ++r.step;
        continue;
      }
      r.remaining = s.count;
    }
    const Step& s = plan.steps[r.step];
    --r.remaining;
    if (r.remaining == 0) ++r.step;
    switch (s.kind) {
      case Step::Kind::kCall:
        call(req, s);
        return;
      case Step::Kind::kTable:
        requests[req].attempt = 0;
        table_call(req, s.table);
        return;
      case Step::Kind::kKafka:
        if (produce(req, s)) continue;
        return;
    }
  }
}

// A Kafka produce. With a broker in the scenario the record costs its pod
// CPU: handed off (the request goes on at once, the broker works in the
// background), or acknowledged (the request waits for librdkafka's linger,
// then the broker's work). The partition leader is the broker pod picked by
// the topic's hash among the Ready ones; none Ready: an acknowledged produce
// fails, a handed-off record is dropped (counted). Without a broker only an
// acknowledged produce waits, for linger plus a broker round trip.
bool Traffic::Impl::produce(std::uint32_t req, const Step& step) {
  if (broker_behavior == kNone) {
    if (!step.ack) return true;
    if (answer_at(req, sim.now() + kKafkaProduceLatency)) return false;
    sim.schedule_in(kKafkaProduceLatency, [this, req] { run_steps(req); });
    return false;
  }
  const auto broker = pick_broker(step.topic);
  if (!broker) {
    if (step.ack) {
      finish(req, Status::kDependencyError);
      return false;
    }
    ++kafka_dropped;
    return true;
  }
  ++kafka_records;
  const std::uint32_t job = new_request();  // (may move `requests`)
  Request& j = requests[job];
  j.start = sim.now();
  j.plan = step.request;
  if (!step.ack) {
    j.background = true;
    start_on_pod(job, *broker);
    return true;
  }
  j.parent = req;
  const cluster::PodId pod = *broker;
  sim.schedule_in(kKafkaLinger, [this, job, pod] { start_on_pod(job, pod); });
  return false;
}

std::optional<cluster::PodId> Traffic::Impl::pick_broker(std::uint32_t topic) {
  broker_scratch.clear();
  const auto& candidates = broker_statefulset ? cluster.active_pods(*broker_statefulset)
                                              : cluster.active_pods(*broker_deployment);
  for (const cluster::PodId p : candidates) {
    if (cluster.pod(p).ready()) broker_scratch.push_back(p);
  }
  if (broker_scratch.empty()) return std::nullopt;
  return broker_scratch[topic % broker_scratch.size()];
}

// A downstream call through the callee Service's ClusterIP from the pod
// serving `req`.
void Traffic::Impl::call(std::uint32_t req, const Step& step) {
  const cluster::PodId client = requests[req].pod;
  const std::uint32_t conn = acquire(client, step.service);
  if (conn == kNone) {  // no endpoint: kube-proxy rejects the connection
    finish(req, Status::kDependencyError);
    return;
  }
  const std::uint32_t child = new_request();
  Request& c = requests[child];
  c.start = sim.now();
  c.parent = req;
  c.plan = step.request;
  c.connection = conn;
  c.client = client;
  c.client_service = step.service;
  start_on_pod(child, connections[conn].backend);
}

void Traffic::Impl::table_call(std::uint32_t req, std::uint32_t table) {
  Table& t = tables[table];
  ++t.calls;
  const double limit = t.spec->throughput_limit;
  bool throttled = false;
  if (limit > 0) {
    const double elapsed = static_cast<double>((sim.now() - t.refilled).count()) / 1e6;
    t.tokens = std::min(limit, t.tokens + elapsed * limit);
    t.refilled = sim.now();
    if (t.tokens >= 1.0) {
      t.tokens -= 1.0;
    } else {
      throttled = true;
    }
  }
  const Duration latency = t.spec->latency_ms.sample_duration(t.rng);
  if (!throttled) {
    if (answer_at(req, sim.now() + latency)) return;
    sim.schedule_in(latency, [this, req] { run_steps(req); });
    return;
  }
  ++t.throttles;
  Request& r = requests[req];
  if (++r.attempt >= kTableAttempts) {
    sim.schedule_in(latency, [this, req] { finish(req, Status::kDependencyError); });
    return;
  }
  const double cap = kTableBackoffBaseUs * static_cast<double>(1u << (r.attempt - 1));
  const Duration backoff{static_cast<std::int64_t>(t.rng.uniform01() * cap)};
  sim.schedule_in(latency + backoff, [this, req, table] { table_call(req, table); });
}

// An entry request whose remaining work is one wait (a table call or a
// produce) that nothing can interrupt is answered now, as of `end`: its
// outcome is already fixed, so the event that would end the wait is saved
// (a third of all events in the seed platforms). It must be the plan's last
// step, of an entry request (no caller waits, no connection to give back),
// on a pod that is not terminating (so it cannot be gone before `end`), and
// `end` must fall in the current statistics window.
bool Traffic::Impl::answer_at(std::uint32_t req, Time end) {
  Request& r = requests[req];
  if (r.parent != kNone || r.remaining != 0 || r.step < plans[r.plan].steps.size() ||
      end >= window_end || pods[index_of(r.pod)].terminating) {
    return false;
  }
  r.status = Status::kOk;
  record(r, end);
  free_requests.push_back(req);
  --live;
  return true;
}

void Traffic::Impl::finish(std::uint32_t req, Status status) {
  Request& r = requests[req];
  r.status = status;
  const std::uint32_t parent = r.parent;
  if (r.connection != kNone) release(r.client, r.client_service, r.connection);
  if (parent == kNone && !r.background) record(r, sim.now());
  free_requests.push_back(req);
  --live;
  if (parent != kNone) {
    if (status == Status::kOk) {
      run_steps(parent);
    } else {
      finish(parent, Status::kDependencyError);
    }
  }
}

// The pod's containers stopped: what it was serving fails, its idle
// connections go.
void Traffic::Impl::pod_gone(cluster::PodId pod) {
  if (index_of(pod) >= pods.size()) return;
  PodState& ps = pods[index_of(pod)];
  if (ps.event_at != kTimeMax) sim.cancel(ps.event);
  ps.event_at = kTimeMax;
  if (!ps.cpu) return;
  ps.cpu->advance(sim.now());
  // Finished before the end: background ones are done, the others find
  // their pod gone. Unfinished ones are lost.
  std::vector<std::uint32_t> done(ps.deferred);
  ps.deferred.clear();
  ps.cpu->take_finished(done);
  std::vector<std::uint32_t> lost;
  ps.cpu->clear(lost);
  ps.foreground = 0;
  for (const std::uint32_t req : done) {
    if (requests[req].background) {
      finish(req, Status::kOk);
    } else {
      run_steps(req);
    }
  }
  for (const std::uint32_t req : lost) finish(req, Status::kUpstreamGone);
}

}  // namespace ksim::traffic
