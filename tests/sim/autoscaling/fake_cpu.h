// A CpuUsageSource for tests: every pod burns a piecewise-constant number of
// millicores from its start, the same schedule for all pods unless a pod has
// its own. m millicores for d microseconds is m x d nanoseconds of CPU.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "ksim/sim/autoscaling/cpu_source.h"
#include "ksim/sim/cluster/cluster.h"

namespace ksim::autoscaling::testing {

class FakeCpu : public CpuUsageSource {
 public:
  FakeCpu(const cluster::Cluster& cluster, std::int64_t millicores) : cluster_(cluster) {
    all_.emplace_back(kTimeZero, millicores);
  }
  /// From `from` on (>= the last change), every pod without its own schedule
  /// burns `millicores`.
  void set_all(Time from, std::int64_t millicores) { all_.emplace_back(from, millicores); }
  /// From `from` on, pod `p` burns `millicores` (before: the common schedule).
  void set_pod(cluster::PodId p, Time from, std::int64_t millicores) {
    auto [it, fresh] = own_.try_emplace(p, all_);
    std::erase_if(it->second, [from](const auto& s) { return s.first >= from; });
    it->second.emplace_back(from, millicores);
  }

  std::uint64_t cumulative_cpu_ns(cluster::PodId pod, std::uint32_t /*container*/,
                                  Time now) override {
    ++calls_;
    const auto it = own_.find(pod);
    const auto& steps = it != own_.end() ? it->second : all_;
    const Time start = cluster_.pod(pod).started;
    std::int64_t ns = 0;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const Time from = std::max(steps[i].first, start);
      const Time to = i + 1 < steps.size() ? std::min(steps[i + 1].first, now) : now;
      if (to > from) ns += steps[i].second * (to - from).count();
    }
    return static_cast<std::uint64_t>(ns);
  }
  [[nodiscard]] std::uint64_t calls() const { return calls_; }

 private:
  const cluster::Cluster& cluster_;
  std::vector<std::pair<Time, std::int64_t>> all_;
  std::map<cluster::PodId, std::vector<std::pair<Time, std::int64_t>>> own_;
  std::uint64_t calls_ = 0;
};

}  // namespace ksim::autoscaling::testing
