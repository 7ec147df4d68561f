#include "ksim/services/store/outbox.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "temp_dir.h"

namespace ksim::services::store {
namespace {

using testing::TempDir;

Db open_with_outbox(const std::filesystem::path& path) {
  auto db = Db::open(path);
  if (!db) ADD_FAILURE() << db.error().message;
  auto installed = Outbox::install(*db);
  if (!installed) ADD_FAILURE() << installed.error().message;
  auto business = db->exec("CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY, item TEXT)");
  if (!business) ADD_FAILURE() << business.error().message;
  return std::move(*db);
}

// One business row and its event in one transaction, as a service writes them.
Result<std::string> place_order(Db& db, const Outbox& outbox, int id, bool commit) {
  auto tx = db.begin();
  if (!tx) return std::unexpected(tx.error());
  auto insert = db.prepare("INSERT INTO orders(id, item) VALUES(?, 'book')");
  if (!insert) return std::unexpected(insert.error());
  if (auto done = insert->bind(id); !done) return std::unexpected(done.error());
  if (auto done = insert->run(); !done) return std::unexpected(done.error());
  auto event_id = outbox.append(*tx, "orders", std::to_string(id), R"({"type":"order-created"})");
  if (!event_id) return event_id;
  if (commit) {
    if (auto done = tx->commit(); !done) return std::unexpected(done.error());
  }
  return event_id;
}

TEST(StoreEventId, IsAVersion4UuidAndUnique) {
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    const std::string id = make_event_id();
    ASSERT_TRUE(std::regex_match(id, uuid)) << id;
    ASSERT_TRUE(seen.insert(id).second) << "repeated id " << id;
  }
}

TEST(StoreOutbox, CommitKeepsBusinessRowAndEventTogether) {
  TempDir dir;
  Db db = open_with_outbox(dir.file("a.db"));
  int wakes = 0;
  const Outbox outbox([&] { ++wakes; });
  auto event_id = place_order(db, outbox, 1, true);
  ASSERT_TRUE(event_id.has_value()) << event_id.error().message;
  EXPECT_EQ(wakes, 1);  // the relay is poked after, not before, the commit
  EXPECT_EQ(db.query_int64("SELECT COUNT(*) FROM orders").value(), 1);
  auto row = db.prepare("SELECT event_id, topic, key, payload, created_us FROM outbox");
  ASSERT_TRUE(row.has_value());
  ASSERT_TRUE(row->step().value());
  EXPECT_EQ(row->text(0), *event_id);
  EXPECT_EQ(row->text(1), "orders");
  EXPECT_EQ(row->text(2), "1");
  EXPECT_EQ(row->text(3), R"({"type":"order-created"})");
  EXPECT_GT(row->int64(4), 1'600'000'000'000'000);  // microseconds since the epoch
  EXPECT_FALSE(row->step().value());
}

TEST(StoreOutbox, RollbackLosesBusinessRowAndEventTogether) {
  TempDir dir;
  Db db = open_with_outbox(dir.file("a.db"));
  int wakes = 0;
  const Outbox outbox([&] { ++wakes; });
  ASSERT_TRUE(place_order(db, outbox, 1, false).has_value());  // tx destroyed, not committed
  EXPECT_EQ(wakes, 0);
  EXPECT_EQ(db.query_int64("SELECT COUNT(*) FROM orders").value(), 0);
  EXPECT_EQ(db.query_int64("SELECT COUNT(*) FROM outbox").value(), 0);
}

TEST(StoreOutbox, FailedBusinessWriteRollsTheEventBackToo) {
  TempDir dir;
  Db db = open_with_outbox(dir.file("a.db"));
  const Outbox outbox;
  ASSERT_TRUE(place_order(db, outbox, 1, true).has_value());
  {
    auto tx = db.begin();
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE(outbox.append(*tx, "orders", "1", "{}").has_value());
    auto again = db.exec("INSERT INTO orders(id, item) VALUES(1, 'dup')");
    ASSERT_FALSE(again.has_value());  // the caller abandons the transaction
  }
  EXPECT_EQ(db.query_int64("SELECT COUNT(*) FROM outbox").value(), 1);
}

TEST(StoreOutbox, SeqFollowsCommitOrderAndSurvivesReopen) {
  TempDir dir;
  const auto path = dir.file("a.db");
  std::vector<std::string> ids;
  {
    Db db = open_with_outbox(path);
    const Outbox outbox;
    for (int i = 1; i <= 5; ++i) ids.push_back(place_order(db, outbox, i, true).value());
  }
  Db db = open_with_outbox(path);  // install again is harmless
  auto rows = db.prepare("SELECT event_id FROM outbox ORDER BY seq");
  ASSERT_TRUE(rows.has_value());
  std::vector<std::string> stored;
  while (rows->step().value()) stored.emplace_back(rows->text(0));
  EXPECT_EQ(stored, ids);
}

TEST(StoreOutbox, AppendOutsideAnActiveTransactionIsAnError) {
  TempDir dir;
  Db db = open_with_outbox(dir.file("a.db"));
  auto tx = db.begin();
  ASSERT_TRUE(tx.has_value());
  ASSERT_TRUE(tx->commit().has_value());
  auto late = Outbox().append(*tx, "t", "k", "{}");
  ASSERT_FALSE(late.has_value());
  EXPECT_NE(late.error().message.find("not active"), std::string::npos);
}

}  // namespace
}  // namespace ksim::services::store
