// Runs grid points: each on its own copy of the scenario with the point's
// parameters applied (apply.h), through run::run_scenario, its `expect:`
// block checked against its trace (analysis/expect.h). Points run on a pool
// of threads; a point's result is what a single `ksim run` of the same
// scenario with the same settings gives (run_scenario shares no mutable
// state between runs; the built-in catalog is parsed once, thread-safely).
#pragma once

#include <cstddef>
#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ksim/sim/kernel/time.h"
#include "ksim/sim/scenario/scenario.h"
#include "ksim/sweep/grid.h"
#include "ksim/sweep/result.h"

namespace ksim::sweep {

struct SweepOptions {
  std::optional<Duration> duration;  // replaces the scenario's
  Duration window = std::chrono::seconds{10};
  /// Worker threads (>= 1).
  unsigned jobs = 1;
  /// Where each point's trace is written as point-<index>.db (needed only
  /// when the scenario has expectations, or `keep_traces`). The folder must
  /// exist. Traces are removed after their check unless `keep_traces`.
  std::filesystem::path trace_dir;
  bool keep_traces = false;
  /// Called after each point, from the worker that ran it, one call at a time.
  std::function<void(std::size_t done, std::size_t total)> progress;
};

/// Checks that every point of `grid` applies to `base` (apply_point) without
/// running anything; the first error names the point and the key.
std::expected<void, std::string> validate_grid(const scenario::Scenario& base, const Grid& grid);

/// Runs point `index` of `grid` on a copy of `base`.
std::expected<PointResult, std::string> run_point(const scenario::Scenario& base, const Grid& grid,
                                                  std::size_t index, const SweepOptions& options);

/// Runs the points `indices` on options.jobs threads; results in the order of
/// `indices` (Pareto marks not set). Errors: the first failing point's, after
/// every started point has finished.
std::expected<std::vector<PointResult>, std::string> run_points(
    const scenario::Scenario& base, const Grid& grid, const std::vector<std::size_t>& indices,
    const SweepOptions& options);

}  // namespace ksim::sweep
