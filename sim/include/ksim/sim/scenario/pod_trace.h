// A scenario's `podTrace:`: bare pods submitted at given times that run for a
// given time and complete (the pod traces the published simulator
// comparisons replay). The format is described in scenarios/README.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ksim/sim/kernel/time.h"
#include "ksim/sim/manifest/meta.h"
#include "ksim/sim/manifest/pod.h"

namespace ksim::scenario {

/// One row of the trace: a pod with one container whose requests equal its
/// limits.
struct TracePod {
  Duration at{};        // submitted (created) this long after the run's start
  Duration duration{};  // runs this long once Running, then Succeeded
  std::int64_t cpu_milli = 0;
  std::int64_t memory_bytes = 0;
  /// metadata.name; "" = the default "trace-<row>" (row: 0-based data row),
  /// made when the pod is created so an unnamed trace costs no strings.
  std::string name;
};

struct PodTrace {
  std::filesystem::path csv;  // resolved against the scenario's folder
  std::string namespace_ = "default";
  manifest::LabelMap node_selector;  // spec.nodeSelector of every pod
  manifest::LabelMap annotations;    // metadata.annotations of every pod
  std::vector<manifest::Toleration> tolerations;
  Duration termination_grace = std::chrono::seconds{30};  // terminationGracePeriodSeconds
  std::vector<TracePod> pods;                             // in row order
};

}  // namespace ksim::scenario
