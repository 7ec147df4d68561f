// calibrate/process: a real child process started, pinned, measured and
// stopped. Waits are on conditions with generous bounds, never fixed sleeps.
#include "ksim/calibrate/process.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

namespace ksim::calibrate {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path log_file(const char* name) {
  const fs::path p = fs::temp_directory_path() /
                     ("ksim-calibrate-" + std::to_string(getpid()) + "-" + name + ".log");
  fs::remove(p);
  return p;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Polls `done` every 10 ms until it holds or 30 s pass.
template <class F>
bool eventually(F done) {
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

TEST(CalibrateProcess, BusyChildIsMeasuredPinnedAndStopped) {
  const fs::path log = log_file("busy");
  auto p = ServiceProcess::start({"sh", "-c", "echo started $KSIM_X; while :; do :; done"},
                                 {{"KSIM_X", "yes"}}, log, 0);
  ASSERT_TRUE(p.has_value()) << p.error();
  ASSERT_TRUE(eventually([&] { return read(log) == "started yes\n"; }));
  // Its CPU time grows while it spins.
  ASSERT_TRUE(eventually([&] { return p->cpu_seconds().value_or(0) > 0.05; }));
  EXPECT_GT(p->peak_rss_bytes().value_or(0), 0u);
  std::ifstream status("/proc/" + std::to_string(p->pid()) + "/status");
  std::string line;
  std::string allowed;
  while (std::getline(status, line)) {
    if (line.starts_with("Cpus_allowed_list:")) allowed = line.substr(line.find_last_of('\t') + 1);
  }
  EXPECT_EQ(allowed, "0");
  // sh dies of SIGTERM at once.
  EXPECT_TRUE(p->stop(30s));
  EXPECT_EQ(p->exit_status(), "killed by signal 15");
  EXPECT_FALSE(p->running());
  EXPECT_FALSE(p->cpu_seconds().has_value());
  fs::remove(log);
}

TEST(CalibrateProcess, IgnoringSigtermIsKilledAfterTheGrace) {
  const fs::path log = log_file("stubborn");
  auto p = ServiceProcess::start({"sh", "-c", "trap '' TERM; echo ready; while :; do :; done"}, {},
                                 log, std::nullopt);
  ASSERT_TRUE(p.has_value());
  ASSERT_TRUE(eventually([&] { return read(log) == "ready\n"; }));
  EXPECT_FALSE(p->stop(200ms));
  EXPECT_EQ(p->exit_status(), "killed by signal 9");
  fs::remove(log);
}

// A helper started by the service (a shell's background child, in its
// process group) does not outlive the stop.
TEST(CalibrateProcess, StopEndsTheWholeGroup) {
  const fs::path log = log_file("group");
  auto p = ServiceProcess::start(
      {"sh", "-c", "sleep 600 & echo helper $!; while :; do sleep 1; done"}, {}, log, std::nullopt);
  ASSERT_TRUE(p.has_value());
  std::string text;
  ASSERT_TRUE(eventually([&] { return (text = read(log)).starts_with("helper "); }));
  const pid_t helper = std::stoi(text.substr(7));
  ASSERT_EQ(kill(helper, 0), 0);
  EXPECT_TRUE(p->stop(30s));
  // Gone or a zombie of init's: either way no longer signalable as ours.
  EXPECT_TRUE(eventually([&] {
    std::ifstream st("/proc/" + std::to_string(helper) + "/stat");
    std::string all((std::istreambuf_iterator<char>(st)), std::istreambuf_iterator<char>());
    return all.empty() || all.find(") Z") != std::string::npos;
  }));
  fs::remove(log);
}

TEST(CalibrateProcess, ExitCodeAndStartErrors) {
  const fs::path log = log_file("exit");
  auto p = ServiceProcess::start({"sh", "-c", "exit 3"}, {}, log, std::nullopt);
  ASSERT_TRUE(p.has_value());
  ASSERT_TRUE(eventually([&] { return !p->running(); }));
  EXPECT_EQ(p->exit_status(), "exited with 3");
  const auto missing = ServiceProcess::start({"/nonexistent/ksim-x"}, {}, log, std::nullopt);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error(), "cannot start /nonexistent/ksim-x: No such file or directory");
  EXPECT_EQ(ServiceProcess::start({}, {}, log, std::nullopt).error(), "no command to start");
  fs::remove(log);
}

TEST(CalibrateProcess, FreePortIsBindable) {
  const auto port = free_port();
  ASSERT_TRUE(port.has_value()) << port.error();
  EXPECT_GT(*port, 0);
  EXPECT_LT(*port, 65536);
}

}  // namespace
}  // namespace ksim::calibrate
