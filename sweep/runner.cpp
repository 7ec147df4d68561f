// run_point and run_points (runner.h).
#include "ksim/sweep/runner.h"

#include <atomic>
#include <mutex>
#include <thread>

#include "ksim/analysis/expect.h"
#include "ksim/sim/run/run.h"
#include "ksim/sim/trace/trace_reader.h"
#include "ksim/sim/trace/trace_writer.h"
#include "ksim/sweep/apply.h"

namespace ksim::sweep {
namespace {

using Error = std::unexpected<std::string>;

std::string where(std::size_t index) { return "point " + std::to_string(index) + ": "; }

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

}  // namespace

std::expected<void, std::string> validate_grid(const scenario::Scenario& base, const Grid& grid) {
  for (std::size_t i = 0; i < grid.size(); ++i) {
    scenario::Scenario s = base;
    if (auto r = apply_point(s, grid.point(i)); !r) return Error(where(i) + r.error());
  }
  return {};
}

std::expected<PointResult, std::string> run_point(const scenario::Scenario& base, const Grid& grid,
                                                  std::size_t index, const SweepOptions& options) {
  scenario::Scenario s = base;
  const Point point = grid.point(index);
  if (auto r = apply_point(s, point); !r) return Error(where(index) + r.error());
  run::RunOptions run_options;
  run_options.duration = options.duration;
  run_options.window = options.window;

  const bool traced = !s.expectations.empty() || options.keep_traces;
  const std::filesystem::path trace_file =
      options.trace_dir / ("point-" + std::to_string(index) + ".db");
  std::optional<trace::TraceWriter> writer;
  if (traced) {
    auto w = trace::TraceWriter::create(trace_file);
    if (!w) return Error(where(index) + w.error());
    writer.emplace(std::move(*w));
  }
  auto summary = run::run_scenario(s, run_options, writer ? &*writer : nullptr);
  if (!summary) return Error(where(index) + join(summary.error()));
  std::vector<analysis::ExpectResult> results;
  if (writer) {
    if (auto c = writer->commit(); !c) return Error(where(index) + c.error());
    if (!s.expectations.empty()) {
      auto reader = trace::TraceReader::open(trace_file);
      if (!reader) return Error(where(index) + reader.error());
      auto checked = analysis::check_expectations(*reader, s.expectations);
      if (!checked) return Error(where(index) + checked.error());
      results = std::move(*checked);
    }
    if (!options.keep_traces) {
      std::error_code ec;
      std::filesystem::remove(trace_file, ec);
    }
  }
  return summarize(index, point, *summary, results);
}

std::expected<std::vector<PointResult>, std::string> run_points(
    const scenario::Scenario& base, const Grid& grid, const std::vector<std::size_t>& indices,
    const SweepOptions& options) {
  std::vector<std::optional<std::expected<PointResult, std::string>>> out(indices.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex progress_mutex;
  std::size_t done = 0;
  const auto work = [&] {
    // Each worker takes the next unclaimed point; after a failure the rest
    // are skipped (the sweep is reported as failed anyway).
    for (std::size_t k = next++; k < indices.size() && !failed; k = next++) {
      out[k] = run_point(base, grid, indices[k], options);
      if (!out[k]->has_value()) failed = true;
      const std::lock_guard lock(progress_mutex);
      ++done;
      if (options.progress) options.progress(done, indices.size());
    }
  };
  {
    std::vector<std::jthread> workers;
    const std::size_t n = std::min<std::size_t>(std::max(options.jobs, 1U), indices.size());
    for (std::size_t i = 0; i < n; ++i) workers.emplace_back(work);
  }
  std::vector<PointResult> results;
  for (auto& r : out) {
    if (!r) continue;
    if (!r->has_value()) return Error(r->error());
    results.push_back(std::move(**r));
  }
  return results;
}

}  // namespace ksim::sweep
