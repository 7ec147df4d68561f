// The service process `ksim calibrate` measures: started with its own log
// file and process group, optionally pinned to one CPU, its CPU time and
// peak memory read from /proc, stopped with SIGTERM (SIGKILL after a grace).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ksim::calibrate {

class ServiceProcess {
 public:
  /// Starts argv[0] (searched in PATH when it has no '/') with the current
  /// environment plus `env`, stdout and stderr appended to `log`. With
  /// `cpu`, the process (and every thread it makes) runs on that CPU only.
  static std::expected<ServiceProcess, std::string> start(
      const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
      const std::filesystem::path& log, std::optional<int> cpu);

  ServiceProcess(ServiceProcess&& other) noexcept;
  ServiceProcess& operator=(ServiceProcess&&) = delete;
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;
  /// Kills the process group if it still runs.
  ~ServiceProcess();

  [[nodiscard]] pid_t pid() const { return pid_; }
  /// CPU time (user + system) of all its threads so far, seconds: the sum
  /// of /proc/PID/task/*/schedstat (nanoseconds), or /proc/PID/stat's
  /// utime + stime (clock ticks) where schedstat is missing.
  [[nodiscard]] std::expected<double, std::string> cpu_seconds() const;
  /// Peak resident memory so far (VmHWM), bytes.
  [[nodiscard]] std::expected<std::uint64_t, std::string> peak_rss_bytes() const;
  /// False once it has exited (reaped); `exit_status` then holds how.
  bool running();
  /// "exited with 0", "killed by signal 9".
  [[nodiscard]] const std::string& exit_status() const { return exit_status_; }
  /// SIGTERM to its process group, SIGKILL to the group after `grace` if it
  /// has not exited, and SIGKILL to what is left of the group once it has;
  /// true when it exited on its own within the grace.
  bool stop(std::chrono::milliseconds grace);

 private:
  explicit ServiceProcess(pid_t pid) : pid_(pid) {}
  bool reap(bool block);
  pid_t pid_ = -1;
  std::string exit_status_;
};

/// A TCP port on 127.0.0.1 free when asked (bound to port 0, then closed).
std::expected<int, std::string> free_port();

}  // namespace ksim::calibrate
