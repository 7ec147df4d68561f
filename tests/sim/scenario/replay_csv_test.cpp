// The replay CSV reader: headers, comments, blank lines, speed, errors.
#include <gtest/gtest.h>

#include <chrono>

#include "helpers.h"
#include "readers.h"

namespace ksim::scenario::detail {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> read(Replay& r, const char* file) {
  r.csv = testing::data_dir() / "replay" / file;
  std::vector<LoadError> errors;
  read_replay_csv(r, "p.csv", errors);
  std::vector<std::string> out;
  for (const LoadError& e : errors) out.push_back(e.to_string());
  return out;
}

TEST(ReplayCsv, RatesWithHeaderAndComments) {
  Replay r;
  EXPECT_TRUE(read(r, "rates.csv").empty());
  EXPECT_EQ(r.rates, (std::vector<double>{10, 20, 30.5}));
  EXPECT_TRUE(r.timestamps.empty());
}

TEST(ReplayCsv, TimestampsDividedBySpeed) {
  Replay r;
  r.format = Replay::Format::kTimestamps;
  r.speed = 2;
  EXPECT_TRUE(read(r, "timestamps.csv").empty());
  EXPECT_EQ(r.timestamps, (std::vector<Duration>{0s, 250ms, 250ms, 625ms, 1s}));
}

TEST(ReplayCsv, Errors) {
  Replay r;
  r.format = Replay::Format::kTimestamps;
  const auto errors = read(r, "bad.csv");
  const std::string file = (testing::data_dir() / "replay/bad.csv").string();
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], file + ":3: p.csv: expected a number, got 'fast'");
  EXPECT_EQ(errors[1], file + ":4: p.csv: timestamps must not decrease");
  EXPECT_EQ(errors[2], file + ":5: p.csv: must be greater than or equal to 0, got -1.000000");
}

TEST(ReplayCsv, MissingFileAndNoValues) {
  Replay r;
  const auto missing = read(r, "none.csv");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0],
            (testing::data_dir() / "replay/none.csv").string() + ": p.csv: cannot read the file");
}

}  // namespace
}  // namespace ksim::scenario::detail
