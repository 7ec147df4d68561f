// EwmaBalancer (ewma.h).
#include "ksim/sim/traffic/ewma.h"

#include <algorithm>
#include <cmath>

#include "ksim/sim/kernel/check.h"

namespace ksim::traffic {

// upstream decay_ewma: weight = exp(-td / DECAY_TIME), td clamped at 0.
double EwmaBalancer::decayed(const Stat& s, double rtt, Time now) const {
  const double td = std::max(0.0, static_cast<double>((now - s.touched).count()) / 1e6);
  const double w = std::exp(-td / kDecaySeconds);
  return s.ewma * w + rtt * (1.0 - w);
}

void EwmaBalancer::sync(const std::vector<cluster::PodId>& peers, Time now) {
  double average = 0;
  for (const cluster::PodId p : peers_) {
    const auto it = stats_.find(static_cast<std::uint32_t>(p));
    average += it == stats_.end() ? 0.0 : it->second.ewma;
  }
  if (!peers_.empty()) average /= static_cast<double>(peers_.size());
  std::unordered_map<std::uint32_t, Stat> next;
  for (const cluster::PodId p : peers) {
    const auto it = stats_.find(static_cast<std::uint32_t>(p));
    next[static_cast<std::uint32_t>(p)] = it != stats_.end() ? it->second : Stat{average, now};
  }
  peers_ = peers;
  stats_ = std::move(next);
}

double EwmaBalancer::score(cluster::PodId pod, Time now) const {
  const auto it = stats_.find(static_cast<std::uint32_t>(pod));
  return it == stats_.end() ? 0.0 : decayed(it->second, 0.0, now);
}

// upstream pick_and_score with PICK_SET_SIZE 2: a partial Fisher-Yates
// shuffle picks two distinct peers; the lower score wins, the first on a tie.
cluster::PodId EwmaBalancer::pick(Rng& rng, Time now) const {
  KSIM_CHECK(!peers_.empty(), "EwmaBalancer::pick: no peers");
  const std::size_t n = peers_.size();
  if (n == 1) return peers_[0];
  const auto first = static_cast<std::size_t>(rng.below(n));
  auto second = static_cast<std::size_t>(rng.below(n - 1));
  if (second >= first) ++second;
  const cluster::PodId a = peers_[first];
  const cluster::PodId b = peers_[second];
  return score(b, now) < score(a, now) ? b : a;
}

void EwmaBalancer::observe(cluster::PodId pod, Duration rtt, Time now) {
  const auto it = stats_.find(static_cast<std::uint32_t>(pod));
  if (it == stats_.end()) return;
  it->second.ewma = decayed(it->second, static_cast<double>(rtt.count()) / 1e6, now);
  it->second.touched = now;
}

}  // namespace ksim::traffic
