// The run's summary as JSON, for the trace's meta `summary`
// (sim/trace/SCHEMA.md): what the windows cannot give exactly (whole-run
// latency percentiles from the merged histograms, the HPA's rescale times,
// the bill per owner, the peak node count).
#pragma once

#include <string>

#include "ksim/sim/run/run.h"

namespace ksim::run {

/// `s` as compact JSON text: times and latencies in microseconds since the
/// start, absent optional times as null, dollars as numbers. Deterministic
/// (keys sorted), so identical runs keep byte-identical traces.
std::string summary_json(const RunSummary& s);

}  // namespace ksim::run
