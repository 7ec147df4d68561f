// Test helpers shared by the product-service and order-service tests: a
// service binary as a child process in its own process group (stdout and
// stderr to files in its data folder, so a chatty child never blocks on a
// full pipe), a temporary folder, and bounded waits.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace ksim::services::testing {

// Generous: the machine is loaded and shared; no assertion depends on it.
inline constexpr auto kPatience = std::chrono::seconds(60);

template <class Condition>
bool wait_until(Condition condition, std::chrono::milliseconds timeout = kPatience) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("ksim-po-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
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

inline std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A service started with `args` (argv[0] = binary); the destructor kills its
// whole process group and reaps it.
class ServiceProcess {
 public:
  ServiceProcess(std::vector<std::string> args, std::filesystem::path log_dir)
      : out_(log_dir / ("stdout-" + std::to_string(counter()))),
        err_(log_dir / ("stderr-" + std::to_string(counter()))) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, &attr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  ~ServiceProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(-pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  bool started() const { return pid_ > 0; }
  void signal(int sig) const { ::kill(pid_, sig); }
  std::string stderr_text() const { return read_file(err_); }

  // The port from the "listening on port N" line, or nullopt (exited or timeout).
  std::optional<std::uint16_t> wait_port() {
    std::optional<std::uint16_t> port;
    wait_until([&] {
      const std::string text = read_file(out_);
      const auto at = text.find("listening on port ");
      if (at != std::string::npos && text.find('\n', at) != std::string::npos) {
        port = static_cast<std::uint16_t>(std::stoi(text.substr(at + 18)));
      }
      return port.has_value() || has_exited();
    });
    return port;
  }
  // True once stderr holds `needle` `count` times (bounded by kPatience).
  bool wait_log(std::string_view needle, int count = 1) {
    return wait_until([&] {
      const std::string text = read_file(err_);
      int seen = 0;
      for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        ++seen;
      }
      return seen >= count;
    });
  }
  // The exit code, -1 if killed by a signal, nullopt if still running after `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = kPatience) {
    wait_until([&] { return has_exited(); }, timeout);
    if (!exited_) return std::nullopt;
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
  }

 private:
  static int counter() {
    static std::atomic<int> n{0};
    return n++;
  }
  bool has_exited() {
    if (exited_) return true;
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
    return exited_;
  }

  std::filesystem::path out_;
  std::filesystem::path err_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool exited_ = false;
};

}  // namespace ksim::services::testing
