// Shared checks of the relay and crash tests: waiting on a condition with a
// generous bound, and order-per-key / exactly-once assertions on consumed events.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "ksim/services/store/test_consumer.h"

namespace ksim::services::store::testing {

inline constexpr auto kPatience = std::chrono::seconds(60);

/// Polls `condition` until it holds or `timeout` passes; returns its last value.
template <class Condition>
bool wait_until(Condition condition, std::chrono::milliseconds timeout = kPatience) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

/// Polls the consumer until it has `count` distinct event ids (or timeout);
/// returns the records without duplicates.
inline std::vector<ConsumedEvent> consume_unique(TestConsumer& consumer, std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  auto unique = drop_duplicates(consumer.records());
  while (unique.size() < count && std::chrono::steady_clock::now() < deadline) {
    consumer.poll_until(consumer.records().size() + 1, std::chrono::milliseconds(500));
    unique = drop_duplicates(consumer.records());
  }
  return unique;
}

/// Every key's events arrive in the order `expected` lists them
/// (expected: key -> event ids in outbox order).
inline void expect_order_per_key(const std::vector<ConsumedEvent>& records,
                                 const std::map<std::string, std::vector<std::string>>& expected) {
  std::map<std::string, std::vector<std::string>> seen;
  for (const auto& record : records) seen[record.key].push_back(record.event_id);
  EXPECT_EQ(seen, expected);
}

}  // namespace ksim::services::store::testing
