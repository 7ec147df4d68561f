// kill -9 of product-service during a burst of POSTs: every product whose
// POST was answered 201 is there after a restart on the same data folder.
#include <signal.h>

#include <mutex>
#include <thread>

#include "product_process.h"

namespace ksim::services::testing {
namespace {

TEST(ProductCrashTest, EveryAcknowledgedWriteSurvivesKill9) {
  TempDir dir;
  std::uint16_t port = 0;
  auto proc = start_product(dir.path(), port);
  std::mutex mutex;
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      http::HttpClient client(patient_client());
      for (int i = 0; !stop; ++i) {
        const std::string id = "w" + std::to_string(w) + "-" + std::to_string(i);
        const Reply r = post(client, port, "/api/v1/products",
                             {{"id", id}, {"name", id}, {"price", 1}, {"stock", i}});
        if (r.status == 0) return;  // the process is gone
        if (r.status == 201) {
          const std::lock_guard lock(mutex);
          acknowledged.push_back(id);
        }
      }
    });
  }
  ASSERT_TRUE(wait_until([&] {
    const std::lock_guard lock(mutex);
    return acknowledged.size() >= 40;
  }));
  proc->signal(SIGKILL);  // mid-burst: writers have requests in flight
  EXPECT_EQ(proc->wait_exit(), -1);
  stop = true;
  for (auto& t : writers) t.join();

  std::uint16_t port2 = 0;
  auto restarted = start_product(dir.path(), port2);
  http::HttpClient client(patient_client());
  for (const std::string& id : acknowledged) {
    const Reply r = get(client, port2, "/api/v1/products/" + id);
    EXPECT_EQ(r.status, 200) << id << " was acknowledged but is gone";
  }
  const Reply page = get(client, port2, "/api/v1/products?limit=1");
  EXPECT_GE(page.body["total"].get<std::size_t>(), acknowledged.size());
}

}  // namespace
}  // namespace ksim::services::testing
