// The pods of a cluster that are not gone, kept up to date incrementally:
// Cluster::pods() holds every pod ever created (ids only grow), so a model
// that looks at the live ones every few seconds for a simulated day should
// not rescan it each time.
#pragma once

#include <cstddef>
#include <vector>

#include "ksim/sim/cluster/cluster.h"

namespace ksim::autoscaling {

class LivePods {
 public:
  /// Brings the list up to date: pods created since the last call join (in
  /// creation order), gone pods leave. O(live pods + new pods).
  const std::vector<cluster::PodId>& refresh(const cluster::Cluster& cluster) {
    const auto all = cluster.pods();
    for (; seen_ < all.size(); ++seen_) live_.push_back(cluster::id_at<cluster::PodId>(seen_));
    std::erase_if(live_, [&cluster](cluster::PodId p) {
      return cluster.pod(p).stage == cluster::PodStage::kGone;
    });
    return live_;
  }

 private:
  std::size_t seen_ = 0;
  std::vector<cluster::PodId> live_;
};

}  // namespace ksim::autoscaling
