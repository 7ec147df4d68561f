// Test helpers shared by the backend-service and api-service tests: a service
// binary run as a child in its own process group (killed with the group on
// destruction), a temporary data folder, and JSON calls over HttpClient.
// Every wait has an upper bound.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ksim/services/http/client.h"

extern char** environ;

namespace ksim::services::testing {

// Generous: the machine is loaded; no test relies on it being reached.
inline constexpr auto kWait = std::chrono::seconds(20);

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("ksim-pb-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A service binary started with `args` (argv[0] the binary), stdout on a
// pipe, stderr inherited. port() waits for its "listening on port N" line.
class ServiceProcess {
 public:
  explicit ServiceProcess(std::vector<std::string> args) {
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);  // its own group: teardown kills it all
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, &attr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(out[1]);
    fd_ = out[0];
    port_ = read_port();
  }
  ~ServiceProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(-pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    if (fd_ >= 0) close(fd_);
  }
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  // 0 when the child did not report a port within kWait.
  std::uint16_t port() const { return port_; }
  void signal(int sig) { ::kill(pid_, sig); }

  // The exit code (-1 if killed by a signal), or nullopt if still running
  // after `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = kWait) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (true) {
      const pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) break;
      if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
      pollfd none{-1, 0, 0};
      poll(&none, 0, 10);  // a bounded wait between checks of the condition
    }
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  std::uint16_t read_port() {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    std::string buf;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto nl = buf.find('\n');
      if (nl != std::string::npos) {
        const std::string line = buf.substr(0, nl);
        buf.erase(0, nl + 1);
        constexpr std::string_view kPrefix = "listening on port ";
        if (line.starts_with(kPrefix)) {
          return static_cast<std::uint16_t>(std::stoul(line.substr(kPrefix.size())));
        }
        continue;
      }
      pollfd pfd{fd_, POLLIN, 0};
      if (poll(&pfd, 1, 100) <= 0) continue;
      char chunk[512];
      const ssize_t n = read(fd_, chunk, sizeof chunk);
      if (n <= 0) return 0;
      buf.append(chunk, static_cast<std::size_t>(n));
    }
    return 0;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  bool exited_ = false;
};

inline http::ClientOptions test_client_options() {
  http::ClientOptions o;
  o.connect_timeout = std::chrono::seconds(5);
  o.request_timeout = kWait;
  return o;
}

// A request with a raw body and content type, for the bad-input tests.
inline http::BeastRequest raw_request(http::Verb method, std::string target, std::string body,
                                      std::string_view content_type = "application/json") {
  http::BeastRequest r{method, target, 11};
  if (!content_type.empty()) r.set(http::Field::content_type, content_type);
  r.body() = std::move(body);
  return r;
}

}  // namespace ksim::services::testing
