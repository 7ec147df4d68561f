// The example binary's command line: --help, and bad values -> exit 2 naming the flag.
#include <gtest/gtest.h>

#include "child_process.h"
#include "loopback.h"

namespace ksim::services::http {
namespace {

TEST(HttpExampleTest, HelpListsTheOptions) {
  testing::ChildProcess child({KSIM_HTTP_EXAMPLE, "--help"});
  const auto out = child.read_to_eof(0, testing::kWait);
  ASSERT_TRUE(out);
  for (const char* flag :
       {"--port", "--threads", "--read-timeout", "--idle-timeout", "--grace-period", "--body-limit",
        "--header-limit", "--log-level", "--access-log"}) {
    EXPECT_NE(out->find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(child.wait_exit(), 0);
}

TEST(HttpExampleTest, BadValuesExitWithUsageError) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--read-timeout", "5parsecs"}, {"--port", "99999"}, {"--body-limit", "lots"}};
  for (const auto& [flag, value] : cases) {
    testing::ChildProcess child({KSIM_HTTP_EXAMPLE, flag, value});
    const auto err = child.read_to_eof(1, testing::kWait);
    ASSERT_TRUE(err);
    EXPECT_NE(err->find(flag), std::string::npos) << *err;
    EXPECT_EQ(child.wait_exit(), 2) << flag;
  }
}

TEST(HttpExampleTest, PortInUseIsAStartupFailure) {
  testing::net::io_context ctx;
  testing::tcp::acceptor taken(ctx, {testing::net::ip::make_address("127.0.0.1"), 0});
  testing::ChildProcess child({KSIM_HTTP_EXAMPLE, "--host", "127.0.0.1", "--port",
                               std::to_string(taken.local_endpoint().port())});
  const auto err = child.read_to_eof(1, testing::kWait);
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("ksim-http-example:"), std::string::npos) << *err;
  EXPECT_EQ(child.wait_exit(), 1);
}

}  // namespace
}  // namespace ksim::services::http
