// Cluster Autoscaler scale-up / scale-down decisions; see autoscaler.h.
#include "ksim/control/cluster_autoscaler/autoscaler.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ksim/control/scheduler/selectors.h"

namespace ksim::control::cluster_autoscaler {
namespace {

constexpr std::int64_t kUs = 1'000'000;

/// Room on a (real or template) node.
struct Room {
  std::string name;
  Labels labels;
  std::vector<Taint> taints;
  std::int64_t cpu = 0, mem = 0, pods = 0;
};

bool admits(const Room& r, const PodView& p) {
  for (const auto& [k, v] : p.node_selector) {
    const auto it = r.labels.find(k);
    if (it == r.labels.end() || it->second != v) return false;
  }
  return !scheduler::first_untolerated_taint(r.taints, p.tolerations).has_value();
}

bool fits(const Room& r, const PodView& p) {
  return admits(r, p) && p.cpu_milli <= r.cpu && p.memory_bytes <= r.mem && r.pods >= 1;
}

void take(Room& r, const PodView& p) {
  r.cpu -= p.cpu_milli;
  r.mem -= p.memory_bytes;
  r.pods -= 1;
}

Room free_room(const NodeView& n) {
  Room r{n.name,    n.labels, n.taints, n.allocatable_cpu_milli, n.allocatable_memory_bytes,
         n.max_pods};
  for (const auto& p : n.pods) take(r, p);
  return r;
}

std::string percent(double f) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", f * 100.0);
  return buf;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

/// binpacking_estimator.go: pods by size descending, first fit onto new template nodes.
std::optional<ScaleUpOption> estimate(const NodeGroup& g, std::vector<const PodView*> pods) {
  const int room_left = g.max_size - g.target_size;
  if (room_left <= 0) return std::nullopt;
  const Room tmpl{g.name,
                  g.labels,
                  g.taints,
                  g.allocatable_cpu_milli - g.daemon_cpu_milli,
                  g.allocatable_memory_bytes - g.daemon_memory_bytes,
                  g.max_pods};
  std::erase_if(pods, [&](const PodView* p) { return !fits(tmpl, *p); });
  const auto score = [&](const PodView* p) {
    return static_cast<double>(p->cpu_milli) /
               static_cast<double>(std::max<std::int64_t>(1, tmpl.cpu)) +
           static_cast<double>(p->memory_bytes) /
               static_cast<double>(std::max<std::int64_t>(1, tmpl.mem));
  };
  std::stable_sort(pods.begin(), pods.end(),
                   [&](const PodView* a, const PodView* b) { return score(a) > score(b); });
  std::vector<Room> fresh;
  ScaleUpOption o;
  o.group = g.name;
  std::int64_t cpu = 0, mem = 0;
  for (const PodView* p : pods) {
    auto it = std::find_if(fresh.begin(), fresh.end(), [&](const Room& r) { return fits(r, *p); });
    if (it == fresh.end()) {
      if (static_cast<int>(fresh.size()) == room_left) continue;  // capped at max size
      fresh.push_back(tmpl);
      it = fresh.end() - 1;
    }
    take(*it, *p);
    o.pods.push_back(p->key());
    cpu += p->cpu_milli;
    mem += p->memory_bytes;
  }
  if (fresh.empty()) return std::nullopt;
  o.node_count = static_cast<int>(fresh.size());
  // waste.go: against capacity (node.Status.Capacity) × node count; pods' requests only.
  const double avail_cpu = static_cast<double>(g.capacity_cpu_milli) * o.node_count;
  const double avail_mem = static_cast<double>(g.capacity_memory_bytes) * o.node_count;
  o.wasted_cpu = (avail_cpu - static_cast<double>(cpu)) / avail_cpu;
  o.wasted_memory = (avail_mem - static_cast<double>(mem)) / avail_mem;
  o.message = g.name + " +" + std::to_string(o.node_count) + " for " +
              std::to_string(o.pods.size()) + " pod(s) wastes " + percent(o.wasted_cpu) + " cpu, " +
              percent(o.wasted_memory) + " memory";
  return o;
}

void scale_up(const CaInput& in, CaDecision& out) {
  std::vector<Room> rooms;
  for (const auto& n : in.nodes) {
    if (n.ready && !n.being_deleted) rooms.push_back(free_room(n));
  }
  std::vector<const PodView*> pending;
  for (const auto& p : in.unschedulable) {
    auto it = std::find_if(rooms.begin(), rooms.end(), [&](const Room& r) { return fits(r, p); });
    if (it != rooms.end()) {
      take(*it, p);  // FilterOutSchedulable: the scheduler will place it
      continue;
    }
    pending.push_back(&p);
  }
  if (pending.empty()) return;
  for (const auto& g : in.groups) {
    if (auto o = estimate(g, pending)) out.options.push_back(std::move(*o));
  }
  const ScaleUpOption* best = nullptr;
  for (const auto& o : out.options) {
    const double s = o.wasted_cpu + o.wasted_memory;
    if (best == nullptr) {
      best = &o;
      continue;
    }
    const double bs = best->wasted_cpu + best->wasted_memory;
    // least-waste; ties (random upstream): more pods, then group name.
    if (s < bs || (s == bs && (o.pods.size() > best->pods.size() ||
                               (o.pods.size() == best->pods.size() && o.group < best->group)))) {
      best = &o;
    }
  }
  std::vector<std::string> helped;
  if (best != nullptr) {
    const auto& g = *std::find_if(in.groups.begin(), in.groups.end(),
                                  [&](const NodeGroup& x) { return x.name == best->group; });
    ScaleUp up{best->group, best->node_count, g.target_size + best->node_count, best->pods, ""};
    up.message = "pods " + join(best->pods) + " unschedulable: " + best->group + " +" +
                 std::to_string(best->node_count) + " -> " + std::to_string(up.new_target) +
                 " (least-waste of " + std::to_string(out.options.size()) +
                 " option(s): " + best->message + ")";
    helped = best->pods;
    out.scale_up = std::move(up);
  }
  for (const auto* p : pending) {
    if (std::find(helped.begin(), helped.end(), p->key()) == helped.end()) {
      out.pods_remaining_unschedulable.push_back(p->key());
    }
  }
}

void scale_down(const CaInput& in, CaDecision& out) {
  const auto& o = in.options;
  std::map<std::string, int> group_size;
  for (const auto& g : in.groups) group_size[g.name] = g.target_size;
  std::vector<const NodeView*> nodes;
  for (const auto& n : in.nodes) nodes.push_back(&n);
  std::sort(nodes.begin(), nodes.end(),
            [](const NodeView* a, const NodeView* b) { return a->name < b->name; });
  std::map<std::string, Room> rooms;
  for (const auto* n : nodes) {
    if (n->ready && !n->being_deleted) rooms.emplace(n->name, free_room(*n));
  }
  std::vector<std::string> unneeded;
  for (const auto* n : nodes) {
    NodeStatus st{n->name, node_utilization(*n, o.ignore_daemonsets_utilization), false, ""};
    if (!n->group || n->being_deleted) continue;
    if (n->scale_down_disabled) {
      st.reason = "scale-down disabled by annotation";
    } else if (st.utilization >= o.scale_down_utilization_threshold) {
      st.reason = "utilization " + percent(st.utilization) + " not below " +
                  percent(o.scale_down_utilization_threshold);
    } else {
      // simulator/cluster.go: its pods must fit elsewhere (not on unneeded nodes).
      std::map<std::string, Room> trial = rooms;
      trial.erase(n->name);
      for (const auto& u : unneeded) trial.erase(u);
      for (const auto& p : n->pods) {
        if (p.daemonset || p.mirror) continue;
        if (p.not_movable) {
          st.reason = "pod " + p.key() + " cannot be moved";
          break;
        }
        auto it = std::find_if(trial.begin(), trial.end(),
                               [&](const auto& r) { return fits(r.second, p); });
        if (it == trial.end()) {
          st.reason = "pod " + p.key() + " does not fit on any other node";
          break;
        }
        take(it->second, p);
      }
      if (st.reason.empty()) {
        for (auto& [name, r] : trial) rooms[name] = r;
        st.unneeded = true;
        unneeded.push_back(n->name);
      }
    }
    out.nodes.push_back(std::move(st));
  }
  const auto& s = in.state;
  const bool cooldown =
      out.scale_up.has_value() ||
      (s.last_scale_up_us &&
       in.now_us < *s.last_scale_up_us + o.scale_down_delay_after_add.count() * kUs) ||
      (s.last_scale_down_failure_us &&
       in.now_us < *s.last_scale_down_failure_us + o.scale_down_delay_after_failure.count() * kUs);
  int empties = 0, drains = 0;
  for (auto& st : out.nodes) {
    if (!st.unneeded) continue;
    const std::int64_t since =
        s.unneeded_since_us.contains(st.node) ? s.unneeded_since_us.at(st.node) : in.now_us;
    out.next_state.unneeded_since_us[st.node] = since;
    const NodeView& n = **std::find_if(nodes.begin(), nodes.end(),
                                       [&](const NodeView* x) { return x->name == st.node; });
    const auto need = n.ready ? o.scale_down_unneeded_time : o.scale_down_unready_time;
    const std::int64_t for_s = (in.now_us - since) / kUs;
    st.reason =
        "unneeded for " + std::to_string(for_s) + " s of " + std::to_string(need.count()) + " s";
    if (for_s < need.count()) continue;
    if (cooldown) {
      st.reason += ", scale-down in cooldown";
      continue;
    }
    const std::string& g = *n.group;
    const auto gi = std::find_if(in.groups.begin(), in.groups.end(),
                                 [&](const NodeGroup& x) { return x.name == g; });
    if (gi == in.groups.end() || group_size[g] - 1 < gi->min_size) {
      st.reason += ", group " + g + " at min size";
      continue;
    }
    const bool empty = std::none_of(n.pods.begin(), n.pods.end(),
                                    [](const PodView& p) { return !p.daemonset && !p.mirror; });
    if (empty ? empties >= o.max_empty_bulk_delete : drains >= o.max_drain_parallelism) {
      st.reason += ", parallelism limit reached";
      continue;
    }
    (empty ? empties : drains) += 1;
    --group_size[g];
    out.scale_down.push_back({n.name, g, st.utilization, empty,
                              "node " + n.name + " unneeded for " + std::to_string(for_s) +
                                  " s (utilization " + percent(st.utilization) + " < " +
                                  percent(o.scale_down_utilization_threshold) +
                                  "): " + (empty ? "delete (empty)" : "drain and delete") + ", " +
                                  g + " -> " + std::to_string(group_size[g])});
  }
}

}  // namespace

double node_utilization(const NodeView& node, bool ignore_daemonsets) {
  std::int64_t cpu = 0, mem = 0;
  for (const auto& p : node.pods) {
    if (ignore_daemonsets && p.daemonset) continue;
    cpu += p.cpu_milli;
    mem += p.memory_bytes;
  }
  const double c = node.allocatable_cpu_milli > 0
                       ? static_cast<double>(cpu) / static_cast<double>(node.allocatable_cpu_milli)
                       : 0.0;
  const double m =
      node.allocatable_memory_bytes > 0
          ? static_cast<double>(mem) / static_cast<double>(node.allocatable_memory_bytes)
          : 0.0;
  return std::max(c, m);
}

CaDecision autoscale(const CaInput& input) {
  CaDecision out;
  out.next_state.last_scale_up_us = input.state.last_scale_up_us;
  out.next_state.last_scale_down_failure_us = input.state.last_scale_down_failure_us;
  scale_up(input, out);
  if (out.scale_up) out.next_state.last_scale_up_us = input.now_us;
  scale_down(input, out);
  out.summary = (out.scale_up ? out.scale_up->message : std::string("no scale-up")) + "; " +
                std::to_string(out.scale_down.size()) + " node(s) to remove";
  return out;
}

}  // namespace ksim::control::cluster_autoscaler
