// The numbers of one HPA sync as JSON, for the `details` of its trace event
// (sim/trace/SCHEMA.md, "HPA Sync details"): what `ksim explain` reads.
#pragma once

#include <nlohmann/json.hpp>

#include "ksim/sim/autoscaling/sync_record.h"

namespace ksim::run {

/// Adds `metrics` (one entry per proposal: its replicas or error and, for
/// Resource and Pods metrics, `calc`: the per-pod table and the arithmetic)
/// and, when the sync normalized a proposal, `normalization` (stabilization
/// window and limits) to `details`. Times are trace microseconds.
void add_hpa_calculation(nlohmann::json& details, const autoscaling::HpaSyncRecord& r);

}  // namespace ksim::run
