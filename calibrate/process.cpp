// ServiceProcess: posix_spawn, /proc accounting, a pidfd to wait with a
// timeout (polling waitpid where pidfd_open is missing).
#include "ksim/calibrate/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace ksim::calibrate {
namespace {

namespace fs = std::filesystem;

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// The environment of the child: ours, with `env` set over it.
std::vector<std::string> child_environment(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    if (!env.contains(name)) out.push_back(entry);
  }
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// posix_spawn children inherit the caller's CPU mask: narrow ours to `cpu`
// for the spawn and put it back, so that no thread of the child ever runs
// elsewhere (setting the child's mask after the spawn would race with the
// threads it starts).
class CpuMaskForSpawn {
 public:
  explicit CpuMaskForSpawn(std::optional<int> cpu) {
    if (!cpu) return;
    CPU_ZERO(&saved_);
    if (sched_getaffinity(0, sizeof saved_, &saved_) != 0) return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(*cpu, &one);
    ok_ = sched_setaffinity(0, sizeof one, &one) == 0;
    if (!ok_) error_ = errno_text("sched_setaffinity");
  }
  ~CpuMaskForSpawn() {
    if (ok_) sched_setaffinity(0, sizeof saved_, &saved_);
  }
  CpuMaskForSpawn(const CpuMaskForSpawn&) = delete;
  CpuMaskForSpawn& operator=(const CpuMaskForSpawn&) = delete;
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  cpu_set_t saved_{};
  bool ok_ = false;
  std::string error_;
};

std::optional<double> schedstat_seconds(pid_t pid) {
  std::error_code ec;
  const fs::path tasks = "/proc/" + std::to_string(pid) + "/task";
  double ns = 0;
  bool any = false;
  for (const auto& t : fs::directory_iterator(tasks, ec)) {
    std::ifstream in(t.path() / "schedstat");
    double run_ns = 0;
    if (in >> run_ns) {
      ns += run_ns;
      any = true;
    }
  }
  if (!any) return std::nullopt;
  return ns / 1e9;
}

}  // namespace

std::expected<ServiceProcess, std::string> ServiceProcess::start(
    const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
    const fs::path& log, std::optional<int> cpu) {
  if (argv.empty()) return std::unexpected("no command to start");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group: stop() signals it whole
  std::vector<std::string> args = argv;
  std::vector<std::string> envs = child_environment(env);
  std::vector<char*> arg_ptrs = pointers(args);
  std::vector<char*> env_ptrs = pointers(envs);
  pid_t pid = -1;
  int rc = 0;
  {
    const CpuMaskForSpawn mask(cpu);
    if (!mask.error().empty()) {
      posix_spawn_file_actions_destroy(&actions);
      posix_spawnattr_destroy(&attr);
      return std::unexpected("cannot pin to CPU " + std::to_string(*cpu) + ": " + mask.error());
    }
    rc = posix_spawnp(&pid, args[0].c_str(), &actions, &attr, arg_ptrs.data(), env_ptrs.data());
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return std::unexpected("cannot start " + argv[0] + ": " + std::strerror(rc));
  return ServiceProcess(pid);
}

ServiceProcess::ServiceProcess(ServiceProcess&& other) noexcept
    : pid_(other.pid_), exit_status_(std::move(other.exit_status_)) {
  other.pid_ = -1;
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0 && running()) {
    kill(-pid_, SIGKILL);
    reap(true);
  }
}

bool ServiceProcess::reap(bool block) {
  if (pid_ <= 0) return true;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r == 0) return false;
  if (r < 0) {
    exit_status_ = errno_text("waitpid");
  } else if (WIFEXITED(status)) {
    exit_status_ = "exited with " + std::to_string(WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    exit_status_ = "killed by signal " + std::to_string(WTERMSIG(status));
  }
  pid_ = -1;
  return true;
}

bool ServiceProcess::running() { return pid_ > 0 && !reap(false); }

bool ServiceProcess::stop(std::chrono::milliseconds grace) {
  if (!running()) return true;
  const pid_t pid = pid_;
  // The whole group: a service started through a shell with helpers of its
  // own (api-service's calibration starts its backend) stops together.
  kill(-pid, SIGTERM);
  const int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  bool exited = false;
  if (fd >= 0) {
    pollfd p{fd, POLLIN, 0};
    exited = poll(&p, 1, static_cast<int>(grace.count())) == 1;
    close(fd);
  } else {
    const auto until = std::chrono::steady_clock::now() + grace;
    while (!(exited = !running()) && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  if (!exited) kill(-pid, SIGKILL);
  reap(true);
  // Whatever of the group outlived its leader goes now.
  kill(-pid, SIGKILL);
  return exited;
}

std::expected<double, std::string> ServiceProcess::cpu_seconds() const {
  if (pid_ <= 0) return std::unexpected("the process is gone");
  if (auto s = schedstat_seconds(pid_)) return *s;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command (which may hold spaces) start after the last ')'.
  const std::size_t close = text.rfind(')');
  if (close == std::string::npos) return std::unexpected("cannot read /proc/PID/stat");
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;  // state .. cmajflt
  double utime = 0;
  double stime = 0;
  if (!(fields >> utime >> stime)) return std::unexpected("cannot read /proc/PID/stat");
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::expected<std::uint64_t, std::string> ServiceProcess::peak_rss_bytes() const {
  if (pid_ <= 0) return std::unexpected("the process is gone");
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("VmHWM:")) continue;
    std::istringstream v(line.substr(6));
    std::uint64_t kib = 0;
    if (v >> kib) return kib * 1024;
  }
  return std::unexpected("no VmHWM in /proc/PID/status");
}

std::expected<int, std::string> free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::unexpected(errno_text("socket"));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    const std::string e = errno_text("bind");
    close(fd);
    return std::unexpected(e);
  }
  close(fd);
  return ntohs(a.sin_port);
}

}  // namespace ksim::calibrate
