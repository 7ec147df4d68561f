#include "ksim/sim/trace/trace_writer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "ksim/sim/trace/trace_reader.h"
#include "trace_test_dir.h"

namespace ksim::trace {
namespace {

using namespace std::chrono_literals;
using testing::TraceTest;

using TraceWriterTest = TraceTest;

Time at(Duration d) { return kTimeZero + d; }

// A small run touching every table.
void write_sample_run(TraceWriter& w) {
  w.write_meta("scenario", "platform2-black-friday");
  w.write_meta("seed", "42");
  const SeriesId ready =
      w.series("deployment", "default/order-service", "ready_replicas", "replicas");
  const SeriesId cpu = w.series("pod", "default/order-service-abc", "cpu", "cores");
  for (int i = 0; i < 100; ++i) {
    w.sample(ready, at(Duration{i * 15'000'000}), 2 + i % 3);
    w.sample(cpu, at(Duration{i * 15'000'000}), 0.125 * i);
  }
  w.event(at(30s), "Pod", "default/order-service-abc", "Scheduled", "Normal",
          "Successfully assigned default/order-service-abc to node-1");
  w.event(at(75s), "HorizontalPodAutoscaler", "default/order-service", "SuccessfulRescale",
          "Normal", "New size: 4; reason: cpu resource utilization above target",
          R"({"desired":4,"current":2})");
  LatencyHistogram h;
  for (int i = 1; i <= 1000; ++i) h.record(Duration{i * 100});
  w.route_window(at(0s), 10s, "GET /api/v1/orders", 1000, 3, h);
  w.route_window(at(10s), 10s, "GET /api/v1/orders", 0, 0, LatencyHistogram{});
}

TEST_F(TraceWriterTest, RoundTripsEveryTable) {
  const auto path = dir_ / "run.ksimtrace";
  auto w = TraceWriter::create(path);
  ASSERT_TRUE(w) << w.error();
  write_sample_run(*w);
  ASSERT_TRUE(w->commit());
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(w->partial_path()));

  auto r = TraceReader::open(path);
  ASSERT_TRUE(r) << r.error();
  const auto meta = r->meta().value();
  EXPECT_EQ(meta.at("schema_version"), std::to_string(kSchemaVersion));
  EXPECT_EQ(meta.at("scenario"), "platform2-black-friday");
  EXPECT_EQ(meta.at("seed"), "42");

  const auto series = r->series().value();
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0], (SeriesInfo{SeriesId{1}, "deployment", "default/order-service",
                                   "ready_replicas", "replicas"}));
  EXPECT_EQ(series[1].unit, "cores");
  const auto cpu = r->samples(series[1].id).value();
  ASSERT_EQ(cpu.size(), 100u);
  EXPECT_EQ(cpu[7], (Sample{at(105s), 0.875}));

  const auto events = r->events().value();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].id, 1);
  EXPECT_EQ(events[0].t, at(30s));
  EXPECT_EQ(events[0].reason, "Scheduled");
  EXPECT_EQ(events[0].details, std::nullopt);
  EXPECT_EQ(events[1].kind, "HorizontalPodAutoscaler");
  EXPECT_EQ(events[1].type, "Normal");
  EXPECT_EQ(events[1].details, R"({"desired":4,"current":2})");

  const auto routes = r->route_windows().value();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0], (RouteWindow{at(0s), 10s, "GET /api/v1/orders", 1000, 3, 50175us, 95231us,
                                    99327us, 100ms}));
  EXPECT_EQ(routes[1].requests, 0);
  EXPECT_EQ(routes[1].p99, std::nullopt);
  EXPECT_EQ(routes[1].max, std::nullopt);
}

TEST_F(TraceWriterTest, SeriesIdsAreStablePerTriple) {
  auto w = TraceWriter::create(dir_ / "t.db");
  ASSERT_TRUE(w);
  const SeriesId a = w->series("hpa", "default/api", "desired", "replicas");
  const SeriesId b = w->series("hpa", "default/api", "target", "percent");
  EXPECT_NE(a, b);
  EXPECT_EQ(w->series("hpa", "default/api", "desired", "replicas"), a);
  // The separator cannot make two different triples collide.
  EXPECT_NE(w->series("a", "bc", "d", "x"), w->series("ab", "c", "d", "x"));
}

TEST_F(TraceWriterTest, NanSamplesReadBackAsNan) {
  const auto path = dir_ / "t.db";
  auto w = TraceWriter::create(path);
  ASSERT_TRUE(w);
  const SeriesId s = w->series("hpa", "default/api", "metric", "percent");
  w->sample(s, at(1s), std::numeric_limits<double>::quiet_NaN());
  w->sample(s, at(2s), 71.5);
  ASSERT_TRUE(w->commit());
  const auto samples = TraceReader::open(path)->samples(s).value();
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_TRUE(std::isnan(samples[0].value));
  EXPECT_EQ(samples[1].value, 71.5);
}

TEST_F(TraceWriterTest, DestroyedWithoutCommitLeavesNoFileAndKeepsTheOldOne) {
  const auto path = dir_ / "run.db";
  spit(path, "previous run");
  std::filesystem::path partial;
  {
    auto w = TraceWriter::create(path);
    ASSERT_TRUE(w);
    partial = w->partial_path();
    EXPECT_EQ(partial.parent_path(), dir_);
    EXPECT_EQ(partial.filename().string(), "run.db.partial-" + std::to_string(::getpid()));
    write_sample_run(*w);
    EXPECT_TRUE(std::filesystem::exists(partial));
    EXPECT_EQ(slurp(path), "previous run");
  }
  EXPECT_FALSE(std::filesystem::exists(partial));
  EXPECT_EQ(slurp(path), "previous run");
}

TEST_F(TraceWriterTest, KilledRunLeavesNothingAtTheFinalPath) {
  const auto path = dir_ / "run.db";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // a run that dies halfway: no destructor, no commit
    auto w = TraceWriter::create(path);
    if (w) write_sample_run(*w);
    ::_exit(w ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_FALSE(std::filesystem::exists(path));
  auto partial = path;
  partial += ".partial-" + std::to_string(child);
  EXPECT_TRUE(std::filesystem::exists(partial));  // only the temporary file
}

TEST_F(TraceWriterTest, CommitReplacesAnExistingFile) {
  const auto path = dir_ / "run.db";
  spit(path, "previous run");
  auto w = TraceWriter::create(path);
  ASSERT_TRUE(w);
  w->write_meta("run", "second");
  ASSERT_TRUE(w->commit());
  auto r = TraceReader::open(path);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->meta()->at("run"), "second");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator{dir_},
                          std::filesystem::directory_iterator{}),
            1);
}

TEST_F(TraceWriterTest, UnwritableDirectoryIsAnErrorNamingThePath) {
  spit(dir_ / "not-a-dir", "");
  const auto path = dir_ / "not-a-dir" / "run.db";  // works as root too
  auto w = TraceWriter::create(path);
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().find(path.string()), std::string::npos) << w.error();
  EXPECT_NE(w.error().find("unable to open database file"), std::string::npos) << w.error();

  auto missing = TraceWriter::create(dir_ / "missing" / "run.db");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find((dir_ / "missing").string()), std::string::npos);
}

TEST_F(TraceWriterTest, RenameFailureIsAnErrorAndRemovesTheTemporaryFile) {
  const auto path = dir_ / "run.db";
  auto w = TraceWriter::create(path);
  ASSERT_TRUE(w);
  std::filesystem::create_directories(path / "occupied");  // a non-empty directory
  const auto r = w->commit();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find(path.string()), std::string::npos) << r.error();
  EXPECT_FALSE(std::filesystem::exists(w->partial_path()));
  EXPECT_TRUE(std::filesystem::is_directory(path / "occupied"));
}

TEST_F(TraceWriterTest, SameCallsGiveByteIdenticalFiles) {
  for (const char* name : {"a.db", "b.db"}) {
    auto w = TraceWriter::create(dir_ / name);
    ASSERT_TRUE(w);
    write_sample_run(*w);
    ASSERT_TRUE(w->commit());
  }
  const std::string a = slurp(dir_ / "a.db");
  EXPECT_GT(a.size(), 4096u);
  EXPECT_EQ(a, slurp(dir_ / "b.db"));
}

TEST_F(TraceWriterTest, MovedWriterKeepsWriting) {
  const auto path = dir_ / "run.db";
  auto created = TraceWriter::create(path);
  ASSERT_TRUE(created);
  TraceWriter w = std::move(*created);
  w.write_meta("k", "v");
  TraceWriter w2 = std::move(w);
  ASSERT_TRUE(w2.commit());
  EXPECT_EQ(TraceReader::open(path)->meta()->at("k"), "v");
}

// The indexes and views of SCHEMA.md exist and the views answer.
TEST_F(TraceWriterTest, CommittedFileHasIndexesAndViews) {
  const auto path = dir_ / "run.db";
  auto w = TraceWriter::create(path);
  ASSERT_TRUE(w);
  write_sample_run(*w);
  ASSERT_TRUE(w->commit());

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  auto count = [db](const char* sql) {
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &s, nullptr), SQLITE_OK) << sql;
    EXPECT_EQ(sqlite3_step(s), SQLITE_ROW) << sql;
    const auto n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
  };
  EXPECT_EQ(count("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                  "('samples_by_series_time', 'events_by_time')"),
            2);
  EXPECT_EQ(count("SELECT count(*) FROM series_samples WHERE metric = 'cpu'"), 100);
  EXPECT_EQ(count("SELECT count(*) FROM events_readable WHERE details IS NOT NULL"), 1);
  EXPECT_EQ(count("SELECT CAST(rps AS INTEGER) FROM route_stats ORDER BY t_s LIMIT 1"), 100);
  EXPECT_EQ(count("PRAGMA user_version"), kSchemaVersion);
  sqlite3_close(db);
}

}  // namespace
}  // namespace ksim::trace
