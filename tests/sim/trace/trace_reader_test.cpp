#include "ksim/sim/trace/trace_reader.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "ksim/sim/trace/trace_writer.h"
#include "trace_test_dir.h"

namespace ksim::trace {
namespace {

using testing::TraceTest;

using TraceReaderTest = TraceTest;

void make_sqlite_file(const std::filesystem::path& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

TEST_F(TraceReaderTest, MissingFileIsAnErrorNamingIt) {
  const auto path = dir_ / "absent.db";
  auto r = TraceReader::open(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find(path.string()), std::string::npos) << r.error();
  EXPECT_FALSE(std::filesystem::exists(path));  // read-only: not created
}

TEST_F(TraceReaderTest, NonSqliteFileIsNotATrace) {
  const auto path = dir_ / "notes.txt";
  spit(path, std::string(2000, 'x'));
  auto r = TraceReader::open(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find(path.string() + ": not a ksim trace"), std::string::npos) << r.error();
}

TEST_F(TraceReaderTest, OtherSqliteDatabaseIsNotATrace) {
  const auto path = dir_ / "other.db";
  make_sqlite_file(path, "CREATE TABLE meta (key TEXT, value TEXT);");
  auto r = TraceReader::open(path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), path.string() + ": not a ksim trace (no schema_version)");
}

TEST_F(TraceReaderTest, OtherSchemaVersionIsRefused) {
  const auto path = dir_ / "future.db";
  make_sqlite_file(path,
                   "CREATE TABLE meta (key TEXT, value TEXT);"
                   "INSERT INTO meta VALUES ('schema_version', '999');");
  auto r = TraceReader::open(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("schema version 999"), std::string::npos) << r.error();
}

TEST_F(TraceReaderTest, EmptyTraceHasOnlyTheSchemaVersion) {
  const auto path = dir_ / "empty.db";
  auto w = TraceWriter::create(path);
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->commit());
  auto r = TraceReader::open(path);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->meta()->size(), 1u);
  EXPECT_TRUE(r->series()->empty());
  EXPECT_TRUE(r->samples(SeriesId{1})->empty());
  EXPECT_TRUE(r->events()->empty());
  EXPECT_TRUE(r->route_windows()->empty());
}

}  // namespace
}  // namespace ksim::trace
