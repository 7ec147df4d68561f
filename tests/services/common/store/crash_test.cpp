// Crash tests: a child process (store_crash_writer) commits rows with outbox
// events and is killed with SIGKILL mid-burst; the database is then reopened
// in this process and checked.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "child_process.h"
#include "event_checks.h"
#include "ksim/services/store/db.h"
#include "ksim/services/store/mock_kafka.h"
#include "ksim/services/store/outbox.h"
#include "ksim/services/store/relay.h"
#include "ksim/services/store/test_consumer.h"
#include "temp_dir.h"

namespace ksim::services::store {
namespace {

using testing::ChildProcess;
using testing::TempDir;
using testing::wait_until;

constexpr auto kLineTimeout = std::chrono::seconds(30);

// Reads `count` acknowledged ids from the writer's stdout.
std::vector<std::int64_t> read_acks(ChildProcess& writer, int count) {
  std::vector<std::int64_t> acks;
  while (static_cast<int>(acks.size()) < count) {
    auto line = writer.read_line(kLineTimeout);
    if (!line) {
      ADD_FAILURE() << "writer stopped after " << acks.size() << " acknowledged writes";
      break;
    }
    acks.push_back(std::stoll(*line));
  }
  return acks;
}

void kill_hard(ChildProcess& writer) {
  writer.signal(SIGKILL);
  const int status = writer.wait();
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;
}

std::int64_t count(Db& db, std::string_view sql, std::int64_t value) {
  auto stmt = db.prepare(sql);
  EXPECT_TRUE(stmt.has_value());
  EXPECT_TRUE(stmt->bind(value).has_value());
  EXPECT_TRUE(stmt->step().value_or(false));
  return stmt->int64(0);
}

TEST(StoreCrash, KillDuringWriteBurstKeepsEveryAcknowledgedWrite) {
  TempDir dir;
  const auto path = dir.file("burst.db");
  ChildProcess writer({KSIM_STORE_CRASH_WRITER, "--db", path.string()});
  ASSERT_TRUE(writer.started());
  const auto acks = read_acks(writer, 400);
  kill_hard(writer);

  auto db = Db::open(path);
  ASSERT_TRUE(db.has_value()) << db.error().message;
  EXPECT_EQ(db->query_text("PRAGMA integrity_check").value(), "ok");
  for (const auto id : acks) {
    ASSERT_EQ(count(*db, "SELECT COUNT(*) FROM items WHERE id = ?", id), 1) << "lost item " << id;
    ASSERT_EQ(count(*db, "SELECT COUNT(*) FROM outbox WHERE payload = CAST(? AS TEXT)", id), 1)
        << "lost outbox row of item " << id;
  }
  // No event without its row and no row without its event, acknowledged or not.
  EXPECT_EQ(db->query_int64("SELECT COUNT(*) FROM items").value(),
            db->query_int64("SELECT COUNT(*) FROM outbox").value());
  EXPECT_EQ(db->query_int64("SELECT COUNT(*) FROM items WHERE CAST(id AS TEXT) NOT IN "
                            "(SELECT payload FROM outbox)")
                .value(),
            0);
}

EventSinkConfig sink_to(const std::string& brokers) {
  EventSinkConfig config;
  config.brokers = brokers;
  return config;
}

// The events of every committed item (payload = item id), grouped by key in
// item-id order: the order each key's events must arrive in.
std::map<std::string, std::vector<std::string>> committed_events(Db& db, std::size_t& total) {
  std::map<std::string, std::vector<std::string>> by_key;
  auto rows = db.prepare("SELECT id, key FROM items ORDER BY id");
  EXPECT_TRUE(rows.has_value());
  total = 0;
  while (rows->step().value_or(false)) {
    by_key[std::string(rows->text(1))].push_back(std::to_string(rows->int64(0)));
    ++total;
  }
  return by_key;
}

TEST(StoreCrash, RestartedRelayDeliversTheBacklogOfAKilledOneAtLeastOnce) {
  TempDir dir;
  const auto path = dir.file("relay.db");
  auto mock = MockKafka::start(1);
  ASSERT_TRUE(mock.has_value()) << mock.error().message;
  ASSERT_TRUE((*mock)->create_topic("items", 3).has_value());
  const std::string brokers = (*mock)->bootstraps();
  auto consumer = TestConsumer::start(brokers, "items");
  ASSERT_TRUE(consumer.has_value()) << consumer.error().message;
  {
    ChildProcess writer({KSIM_STORE_CRASH_WRITER, "--db", path.string(), "--brokers", brokers});
    ASSERT_TRUE(writer.started());
    read_acks(writer, 50);
    // Let the child's relay publish some events (the writer keeps writing)...
    ASSERT_GE((*consumer)->poll_until(50, testing::kPatience).size(), 50u);
    // ...then cut it off: rows committed from now on cannot be delivered.
    ASSERT_TRUE((*mock)->set_all_down().has_value());
    auto db = Db::open(path);
    ASSERT_TRUE(db.has_value()) << db.error().message;
    const auto last_before_down = db->query_int64("SELECT MAX(id) FROM items").value();
    for (std::int64_t acked = 0; acked <= last_before_down + 100;) {
      const auto more = read_acks(writer, 1);
      ASSERT_EQ(more.size(), 1u);
      acked = more.front();
    }
    kill_hard(writer);
  }
  auto db = Db::open(path);
  ASSERT_TRUE(db.has_value()) << db.error().message;
  EXPECT_GE(db->query_int64("SELECT COUNT(*) FROM outbox").value(), 100);
  std::size_t total = 0;
  const auto expected = committed_events(*db, total);

  ASSERT_TRUE((*mock)->set_all_up().has_value());
  auto relay = Relay::start(path, sink_to(brokers));
  ASSERT_TRUE(relay.has_value()) << relay.error().message;
  ASSERT_TRUE(wait_until([&] { return (*relay)->backlog().value_or(-1) == 0; }))
      << (*relay)->last_error();

  const auto unique = testing::consume_unique(**consumer, total);
  ASSERT_EQ(unique.size(), total);
  // Payloads are item ids: each key's deduplicated stream is in commit order.
  std::map<std::string, std::vector<std::string>> seen;
  for (const auto& record : unique) seen[record.key].push_back(record.payload);
  EXPECT_EQ(seen, expected);
  // At least once: duplicates may exist, but never more records than sends.
  EXPECT_GE((*consumer)->records().size(), total);
}

}  // namespace
}  // namespace ksim::services::store
