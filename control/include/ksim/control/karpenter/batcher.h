// When a provisioning batch closes (upstream kubernetes-sigs/karpenter
// pkg/controllers/provisioning/batcher.go Batcher.Wait, options
// BATCH_IDLE_DURATION 1 s / BATCH_MAX_DURATION 10 s). Pure: the caller keeps the
// clock and says when each pending pod triggered the batcher.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace ksim::control::karpenter {

/// One Trigger(pod UID) call: the provisioner's pod controller sees a
/// provisionable pod (PodScheduled=False, reason Unschedulable).
struct BatchTrigger {
  std::chrono::microseconds at{0};
  std::string uid;
};

enum class BatchCloseReason { kIdle, kMax, kNoTrigger };

struct BatchWindow {
  BatchCloseReason reason = BatchCloseReason::kNoTrigger;
  std::chrono::microseconds start{0};  // the first trigger
  std::chrono::microseconds close{0};  // when Wait returns and scheduling runs
  std::size_t triggers = 0;            // triggers that fell inside [start, close)
  std::string message;
};

/// The first batch window over `triggers` (sorted by time, ties in order):
/// it opens at the first trigger; each later trigger before the close re-arms
/// the idle timer (close = min(t + idle, start + max)); a trigger for a UID
/// already seen in this window is ignored and does not extend it (Trigger
/// dedupes by element). A trigger exactly at the close time falls into the
/// next window. Triggers after the close belong to the next call (pass the
/// rest). Note: upstream then schedules every pending pod, not only those that
/// triggered.
BatchWindow batch_window(const std::vector<BatchTrigger>& triggers,
                         std::chrono::microseconds idle = std::chrono::seconds{1},
                         std::chrono::microseconds max = std::chrono::seconds{10});

}  // namespace ksim::control::karpenter
