// `ksim calibrate`: one service binary measured under load, its profile built.
#pragma once

#include <chrono>
#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "ksim/calibrate/profile.h"
#include "ksim/calibrate/spec.h"

namespace ksim::calibrate {

struct CalibrateOptions {
  /// Replaces "{bin}" in the spec's command (the folder of the binaries).
  std::filesystem::path bin_dir;
  /// Pin the service to this CPU (the load generator then runs elsewhere);
  /// nullopt: no pinning.
  std::optional<int> service_cpu;
  /// Overrides of the spec's step length and warm-up (tests use short ones).
  std::optional<std::chrono::milliseconds> duration;
  std::optional<std::chrono::milliseconds> warmup;
  std::optional<std::chrono::milliseconds> idle;
  /// How long `spec.ready_path` may take to answer 200 after the start.
  std::chrono::milliseconds ready_timeout{30'000};
  /// Keeps the service's log and database here instead of a temporary
  /// folder removed at the end.
  std::optional<std::filesystem::path> keep_dir;
  /// One line per step ("GET /x at 100/s: 1000 requests, 0.21 ms CPU each").
  std::function<void(const std::string&)> progress;
};

/// Starts the service, waits until `spec.ready_path` answers 200, runs the
/// setup requests, measures the idle CPU, then each route at each rate
/// (after a warm-up at its lowest rate), stops the service with SIGTERM and
/// returns the profile. Errors name the step and quote the service's log.
std::expected<Profile, std::string> calibrate(const CalibrationSpec& spec,
                                              const CalibrateOptions& options);

/// This machine in one line: CPU model, logical CPUs, kernel.
std::string describe_machine();

}  // namespace ksim::calibrate
