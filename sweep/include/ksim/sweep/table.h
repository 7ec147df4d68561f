// The sweep as a text table for a terminal.
#pragma once

#include <string>

#include "ksim/sweep/sweep_file.h"

namespace ksim::sweep {

/// A title line, then one row per point (by index): the parameters' values,
/// cost, worst p99, error %, SLO (expectations passed of all: "pass 11/11",
/// "FAIL 9/11"; "-" without expectations) and "*" on the Pareto front; then a legend line saying
/// among which points the front was taken, and how many of the grid's points
/// the file holds when not all.
std::string format_table(const SweepFile& file);

}  // namespace ksim::sweep
