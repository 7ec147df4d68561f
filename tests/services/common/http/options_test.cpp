#include "ksim/services/http/options.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <vector>

namespace ksim::services::http {
namespace {

using std::chrono::milliseconds;

// Sets an environment variable for one test's scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

ServerOptions parse(std::vector<std::string> args, std::string_view prefix = "") {
  CLI::App app{"test"};
  ServerOptions options;
  add_server_options(app, options, prefix);
  std::vector<const char*> argv{"test"};
  for (const auto& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  return options;
}

// The message of the parse error for these arguments ("" if none).
std::string parse_error(std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return "";
}

TEST(HttpOptionsTest, Defaults) {
  const ServerOptions o = parse({});
  EXPECT_EQ(o.port, 8080);
  EXPECT_EQ(o.read_timeout, milliseconds(30'000));
  EXPECT_EQ(o.grace_period, milliseconds(30'000));
  EXPECT_FALSE(o.access_log);
}

TEST(HttpOptionsTest, FlagsAreParsed) {
  const ServerOptions o =
      parse({"--port", "8081", "--threads", "3", "--read-timeout", "500ms", "--idle-timeout", "2m",
             "--grace-period", "1.5s", "--body-limit", "64KiB", "--header-limit", "16384",
             "--log-level", "warn", "--access-log", "--host", "127.0.0.1"});
  EXPECT_EQ(o.port, 8081);
  EXPECT_EQ(o.threads, 3u);
  EXPECT_EQ(o.read_timeout, milliseconds(500));
  EXPECT_EQ(o.idle_timeout, milliseconds(120'000));
  EXPECT_EQ(o.grace_period, milliseconds(1'500));
  EXPECT_EQ(o.body_limit, 65'536u);
  EXPECT_EQ(o.header_limit, 16'384u);
  EXPECT_EQ(o.log_level, LogLevel::kWarn);
  EXPECT_TRUE(o.access_log);
  EXPECT_EQ(o.host, "127.0.0.1");
}

TEST(HttpOptionsTest, EnvironmentIsTheFallback) {
  const ScopedEnv port("KSIMTEST_PORT", "9090");
  const ScopedEnv grace("KSIMTEST_GRACE_PERIOD", "45s");
  const ScopedEnv access("KSIMTEST_ACCESS_LOG", "true");
  const ServerOptions from_env = parse({}, "KSIMTEST_");
  EXPECT_EQ(from_env.port, 9090);
  EXPECT_EQ(from_env.grace_period, milliseconds(45'000));
  EXPECT_TRUE(from_env.access_log);
  // A flag wins over the environment.
  EXPECT_EQ(parse({"--port", "1234"}, "KSIMTEST_").port, 1234);
}

TEST(HttpOptionsTest, BadEnvironmentValueNamesTheFlag) {
  const ScopedEnv timeout("KSIMTEST_READ_TIMEOUT", "soon");
  CLI::App app{"test"};
  ServerOptions options;
  add_server_options(app, options, "KSIMTEST_");
  const char* argv[] = {"test"};
  try {
    app.parse(1, const_cast<char**>(argv));
    FAIL() << "expected a parse error";
  } catch (const CLI::ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("--read-timeout"), std::string::npos) << e.what();
  }
}

TEST(HttpOptionsTest, BadValuesNameTheFlag) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--read-timeout", "5"},   {"--read-timeout", "5 parsecs"},
      {"--idle-timeout", "-1s"}, {"--grace-period", "abc"},
      {"--port", "70000"},       {"--port", "80x"},
      {"--body-limit", "1.5"},   {"--header-limit", "3TB"},
      {"--log-level", "loud"},   {"--threads", "-2"},
      {"--host", "localhost:80"}};
  for (const auto& [flag, value] : cases) {
    const std::string message = parse_error({flag, value});
    if (flag == "--read-timeout" && value == "5") {
      EXPECT_EQ(message, "");  // a bare number is seconds
      continue;
    }
    EXPECT_NE(message.find(flag), std::string::npos) << flag << " " << value << ": " << message;
  }
}

TEST(HttpOptionsTest, ParseDuration) {
  EXPECT_EQ(parse_duration("250ms").value(), milliseconds(250));
  EXPECT_EQ(parse_duration("30s").value(), milliseconds(30'000));
  EXPECT_EQ(parse_duration("1h").value(), milliseconds(3'600'000));
  EXPECT_EQ(parse_duration("1500us").value(), milliseconds(2));  // rounded up
  EXPECT_EQ(parse_duration("0s").value(), milliseconds(0));
  for (const char* bad : {"", "s", "10 s", "1d", "-5s", "+5s", "nan", "inf"}) {
    const auto d = parse_duration(bad);
    ASSERT_FALSE(d.has_value()) << bad;
    EXPECT_NE(d.error().find("bad duration"), std::string::npos);
  }
}

TEST(HttpOptionsTest, ParseSize) {
  EXPECT_EQ(parse_size("1MiB").value(), 1'048'576u);
  EXPECT_EQ(parse_size("8k").value(), 8'192u);
  EXPECT_EQ(parse_size("100").value(), 100u);
  for (const char* bad : {"", "0", "1.5", "-1", "2TB", "inf"}) {
    EXPECT_FALSE(parse_size(bad).has_value()) << bad;
  }
}

TEST(HttpOptionsTest, FormatDuration) {
  EXPECT_EQ(format_duration(milliseconds(30'000)), "30s");
  EXPECT_EQ(format_duration(milliseconds(120'000)), "2m");
  EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
}

}  // namespace
}  // namespace ksim::services::http
