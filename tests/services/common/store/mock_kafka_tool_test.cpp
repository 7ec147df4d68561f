// The ksim-mock-kafka binary: a mock cluster in its own process that a relay
// and a consumer in this process reach over loopback.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "child_process.h"
#include "event_checks.h"
#include "ksim/services/store/db.h"
#include "ksim/services/store/outbox.h"
#include "ksim/services/store/relay.h"
#include "ksim/services/store/test_consumer.h"
#include "temp_dir.h"

namespace ksim::services::store {
namespace {

using testing::ChildProcess;
using testing::TempDir;

int exit_code_of(std::vector<std::string> argv) {
  ChildProcess child(std::move(argv));
  while (child.read_line(std::chrono::seconds(30))) {
  }
  const int status = child.wait();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(StoreMockKafkaTool, ServesOtherProcessesUntilSigterm) {
  TempDir dir;
  ChildProcess broker({KSIM_MOCK_KAFKA_BIN, "--brokers", "2", "--topic", "shared:2"});
  ASSERT_TRUE(broker.started());
  const auto bootstraps = broker.read_line(std::chrono::seconds(30));
  ASSERT_TRUE(bootstraps.has_value());
  EXPECT_EQ(std::count(bootstraps->begin(), bootstraps->end(), ','), 1) << *bootstraps;

  const auto path = dir.file("a.db");
  EventSinkConfig config;
  config.brokers = *bootstraps;
  auto relay = Relay::start(path, config);
  ASSERT_TRUE(relay.has_value()) << relay.error().message;
  Db db = Db::open(path).value();
  const Outbox outbox([&] { (*relay)->notify(); });
  for (int i = 0; i < 10; ++i) {
    auto tx = db.begin();
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE(outbox.append(*tx, "shared", "k" + std::to_string(i % 3), "{}").has_value());
    ASSERT_TRUE(tx->commit().has_value());
  }
  auto consumer = TestConsumer::start(*bootstraps, "shared");
  ASSERT_TRUE(consumer.has_value()) << consumer.error().message;
  EXPECT_EQ((*consumer)->poll_until(10, testing::kPatience).size(), 10u);
  (*relay)->stop();
  consumer->reset();

  broker.signal(SIGTERM);
  const int status = broker.wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
}

TEST(StoreMockKafkaTool, HelpAndBadUsageExitCodes) {
  EXPECT_EQ(exit_code_of({KSIM_MOCK_KAFKA_BIN, "--help"}), 0);
  EXPECT_EQ(exit_code_of({KSIM_MOCK_KAFKA_BIN, "--brokers", "0"}), 2);
  EXPECT_EQ(exit_code_of({KSIM_MOCK_KAFKA_BIN, "--topic", "x:zero"}), 2);
  EXPECT_EQ(exit_code_of({KSIM_MOCK_KAFKA_BIN, "--no-such-flag"}), 2);
}

}  // namespace
}  // namespace ksim::services::store
