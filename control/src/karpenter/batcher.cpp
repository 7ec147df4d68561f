// Batch window arithmetic; see batcher.h.
#include "ksim/control/karpenter/batcher.h"

#include <algorithm>
#include <set>

namespace ksim::control::karpenter {

BatchWindow batch_window(const std::vector<BatchTrigger>& triggers, std::chrono::microseconds idle,
                         std::chrono::microseconds max) {
  BatchWindow w;
  if (triggers.empty()) {
    w.message = "no provisionable pod triggered the batcher";
    return w;
  }
  w.start = triggers.front().at;
  const auto hard_close = w.start + max;
  w.close = std::min(w.start + idle, hard_close);
  std::set<std::string> seen;
  for (const auto& t : triggers) {
    if (t.at >= w.close) break;                // the timer already fired
    if (!seen.insert(t.uid).second) continue;  // duplicate trigger: not re-armed
    ++w.triggers;
    w.close = std::min(t.at + idle, hard_close);
  }
  w.reason = w.close == hard_close ? BatchCloseReason::kMax : BatchCloseReason::kIdle;
  const auto ms = [](std::chrono::microseconds d) { return std::to_string(d.count() / 1000); };
  w.message = "batch of " + std::to_string(w.triggers) + " pod trigger(s) opened at " +
              ms(w.start) + " ms closed at " + ms(w.close) + " ms (" +
              (w.reason == BatchCloseReason::kMax
                   ? "max duration " + ms(max) + " ms reached)"
                   : "no new pod for the idle duration " + ms(idle) + " ms)");
  return w;
}

}  // namespace ksim::control::karpenter
