// services/common/app: the start-up every service shares.
#include "ksim/services/app/service_main.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <stdexcept>

namespace ksim::services::app {
namespace {

namespace fs = std::filesystem;

fs::path scratch(const char* name) {
  const fs::path p =
      fs::temp_directory_path() / ("ksim-svc-app-" + std::to_string(getpid()) + "-" + name);
  fs::remove_all(p);
  return p;
}

int parse(CLI::App& cli, std::vector<std::string> args, const std::function<int()>& serve) {
  std::vector<char*> argv;
  args.insert(args.begin(), "svc");
  for (std::string& a : args) argv.push_back(a.data());
  return run_main(cli, static_cast<int>(argv.size()), argv.data(), serve);
}

TEST(ServiceMain, DataOptionsAndTheirChecks) {
  CLI::App cli{"test", "svc"};
  DataOptions data{"./data", "items"};
  add_data_options(cli, data);
  EXPECT_EQ(parse(cli, {"--data-dir", "/tmp/x", "--table", "shop.items-2"}, [] { return 0; }), 0);
  EXPECT_EQ(data.data_dir, "/tmp/x");
  EXPECT_EQ(data.table, "shop.items-2");
  for (const char* bad : {"a/b", "", "x y"}) {
    CLI::App again{"test", "svc"};
    DataOptions d;
    add_data_options(again, d);
    EXPECT_EQ(parse(again, {"--table", bad}, [] { return 0; }), 2) << bad;
  }
}

TEST(ServiceMain, ExitCodes) {
  CLI::App cli{"test", "svc"};
  EXPECT_EQ(parse(cli, {"--nope"}, [] { return 0; }), 2);
  CLI::App ok{"test", "svc"};
  EXPECT_EQ(parse(ok, {}, [] { return 7; }), 7);
  CLI::App fails{"test", "svc"};
  EXPECT_EQ(parse(fails, {}, []() -> int { throw std::runtime_error("disk on fire"); }), 1);
}

// The lock is per open file description, so a second open by this very
// process is refused the way another process would be.
TEST(ServiceMain, OneWriterPerDataFile) {
  const fs::path dir = scratch("lock");
  const DataOptions data{dir.string(), "t"};
  const fs::path file = open_data_file(data);
  EXPECT_EQ(file, dir / "t.db");
  EXPECT_TRUE(fs::is_directory(dir));
  try {
    open_data_file(data);
    ADD_FAILURE() << "a second open of the same data file was allowed";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("t.db.lock: another process uses this data file"),
              std::string::npos);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ksim::services::app
