// ingress-nginx's `load-balance: ewma` (rootfs/etc/nginx/lua/balancer/
// ewma.lua, after Finagle's PeakEwma): each endpoint keeps an exponentially
// weighted moving average of its response times, decaying with a 10 s time
// constant (weight exp(-dt / 10 s) on the old value); a request picks two
// distinct endpoints at random and goes to the one whose average, decayed to
// now, is lower (the first on a tie). When the endpoints change, the ones
// kept keep their averages and new ones start at the average of the old set
// (so a new pod is neither flooded nor starved).
#pragma once

#include <unordered_map>
#include <vector>

#include "ksim/sim/cluster/ids.h"
#include "ksim/sim/kernel/random.h"
#include "ksim/sim/kernel/time.h"

namespace ksim::traffic {

class EwmaBalancer {
 public:
  /// upstream decay time: DECAY_TIME = 10 (seconds).
  static constexpr double kDecaySeconds = 10.0;

  /// The endpoints now (upstream _M.sync).
  void sync(const std::vector<cluster::PodId>& peers, Time now);
  /// Precondition: at least one peer.
  cluster::PodId pick(Rng& rng, Time now) const;
  /// A response from `pod` that took `rtt` (upstream after_balance); ignored
  /// for a pod no longer among the peers.
  void observe(cluster::PodId pod, Duration rtt, Time now);
  /// The pod's average decayed to `now`, seconds (upstream score()).
  [[nodiscard]] double score(cluster::PodId pod, Time now) const;
  [[nodiscard]] const std::vector<cluster::PodId>& peers() const { return peers_; }

 private:
  struct Stat {
    double ewma = 0;  // seconds
    Time touched{};
  };
  [[nodiscard]] double decayed(const Stat& s, double rtt, Time now) const;

  std::vector<cluster::PodId> peers_;
  std::unordered_map<std::uint32_t, Stat> stats_;
};

}  // namespace ksim::traffic
