// The sweep file: every point's figures in one SQLite database (layout in
// sweep/SWEEP.md), written atomically, read back by `ksim sweep --merge` and
// `ksim report`.
#pragma once

#include <cstddef>
#include <expected>
#include <filesystem>
#include <string>
#include <vector>

#include "ksim/sweep/grid.h"
#include "ksim/sweep/result.h"

namespace ksim::sweep {

/// What identifies a sweep: two files of the same sweep agree on all but
/// `ksim_version`.
struct SweepInfo {
  std::string scenario;       // the scenario's name
  std::string scenario_file;  // as given on the command line
  std::vector<Parameter> parameters;
  std::size_t grid_size = 0;
  std::string duration;  // the --duration given ("" = the scenario's)
  std::string ksim_version;
};

struct SweepFile {
  SweepInfo info;
  std::vector<PointResult> points;  // by index
  /// The Pareto marks were taken among SLO-passing points (else among all).
  bool pareto_among_slo_pass = true;
};

/// Writes `file` to `path`: into `<path>.partial-<pid>` first, renamed into
/// place when complete (nothing at `path` on error). Errors name the file.
std::expected<void, std::string> write_sweep_file(const std::filesystem::path& path,
                                                  const SweepFile& file);

/// Whether `path` is a readable SQLite file with meta format = ksim-sweep.
bool is_sweep_file(const std::filesystem::path& path);

/// Reads a sweep file back exactly as written. Errors name the file.
std::expected<SweepFile, std::string> read_sweep_file(const std::filesystem::path& path);

/// The points of several files of one sweep (same scenario, parameters,
/// grid size and duration, else an error naming the file that differs), by
/// index, with the Pareto marks recomputed. A point in two files is an error.
std::expected<SweepFile, std::string> merge_sweep_files(
    const std::vector<std::filesystem::path>& paths);

}  // namespace ksim::sweep
