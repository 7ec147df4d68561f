// ThreadDb: one connection per thread to one file, a new object never
// handing out another's connections.
#include "ksim/services/store/thread_db.h"

#include <gtest/gtest.h>

#include <thread>

#include "temp_dir.h"

namespace ksim::services::store {
namespace {

using testing::TempDir;

TEST(StoreThreadDb, OneConnectionPerThread) {
  TempDir dir;
  ThreadDb dbs(dir.file("t.db"));
  auto mine = dbs.get();
  ASSERT_TRUE(mine) << mine.error().message;
  ASSERT_TRUE((*mine)->exec("CREATE TABLE t(x INTEGER)"));
  auto again = dbs.get();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *mine);  // the same thread: the same connection
  Db* theirs = nullptr;
  std::thread([&] {
    auto d = dbs.get();
    ASSERT_TRUE(d);
    theirs = *d;
    ASSERT_TRUE(theirs->exec("INSERT INTO t VALUES (1)"));
  }).join();
  ASSERT_NE(theirs, nullptr);
  EXPECT_NE(theirs, *mine);
  // One file: what the other thread's connection committed is seen here.
  EXPECT_EQ((*mine)->query_int64("SELECT count(*) FROM t").value_or(-1), 1);
}

// A second object on this thread (after the first is gone, even at the same
// address) opens its own connection rather than reusing a dead one.
TEST(StoreThreadDb, ANewObjectOpensItsOwn) {
  TempDir dir;
  auto first = std::make_unique<ThreadDb>(dir.file("a.db"));
  ASSERT_TRUE(first->get());
  first.reset();
  ThreadDb second(dir.file("b.db"));
  auto d = second.get();
  ASSERT_TRUE(d);
  ASSERT_TRUE((*d)->exec("CREATE TABLE only_in_b(x)"));
  EXPECT_TRUE(std::filesystem::exists(dir.file("b.db")));
  EXPECT_EQ(
      (*d)->query_int64("SELECT count(*) FROM sqlite_master WHERE name = 'only_in_b'").value_or(-1),
      1);
}

TEST(StoreThreadDb, OpenErrorsAreReturned) {
  ThreadDb dbs("/nonexistent-folder/x/t.db");
  const auto d = dbs.get();
  ASSERT_FALSE(d);
  EXPECT_FALSE(d.error().message.empty());
}

}  // namespace
}  // namespace ksim::services::store
