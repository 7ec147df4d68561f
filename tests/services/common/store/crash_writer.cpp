// store_crash_writer: the write burst of the crash tests. Commits one business
// row and its outbox event per transaction, in a loop, and prints each row's id
// on stdout only after commit() has returned -- so every printed id is an
// acknowledged write that must survive the SIGKILL the test sends. With
// --brokers it also runs the outbox relay, as a service would.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "ksim/services/store/db.h"
#include "ksim/services/store/outbox.h"
#include "ksim/services/store/relay.h"

namespace {

namespace store = ksim::services::store;

struct Options {
  std::string db;
  std::string brokers;
  std::string topic = "items";
  int keys = 5;
};

store::Result<std::int64_t> write_one(store::Db& db, const store::Outbox& outbox,
                                      const Options& options, std::int64_t n) {
  auto tx = db.begin();
  if (!tx) return std::unexpected(tx.error());
  const std::string key = "k" + std::to_string(n % options.keys);
  auto insert = db.prepare("INSERT INTO items(key) VALUES(?)");
  if (!insert) return std::unexpected(insert.error());
  if (auto done = insert->bind(key); !done) return std::unexpected(done.error());
  if (auto done = insert->run(); !done) return std::unexpected(done.error());
  const std::int64_t id = db.last_insert_rowid();
  auto event = outbox.append(*tx, options.topic, key, std::to_string(id));
  if (!event) return std::unexpected(event.error());
  if (auto done = tx->commit(); !done) return std::unexpected(done.error());
  return id;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"store_crash_writer: commit rows with outbox events until killed"};
  Options options;
  app.add_option("--db", options.db, "database file")->required();
  app.add_option("--brokers", options.brokers, "run the relay against these brokers");
  app.add_option("--topic", options.topic, "event topic");
  app.add_option("--keys", options.keys, "distinct event keys")->check(CLI::Range(1, 1000));
  CLI11_PARSE(app, argc, argv);

  auto db = store::Db::open(options.db);
  if (!db) {
    std::cerr << db.error().message << '\n';
    return 1;
  }
  if (auto ok = store::Outbox::install(*db); !ok) return 1;
  if (auto ok = db->exec("CREATE TABLE IF NOT EXISTS items(id INTEGER PRIMARY KEY, key TEXT)");
      !ok) {
    return 1;
  }
  std::unique_ptr<store::Relay> relay;
  if (!options.brokers.empty()) {
    store::EventSinkConfig sink;
    sink.brokers = options.brokers;
    auto started = store::Relay::start(options.db, sink);
    if (!started) {
      std::cerr << started.error().message << '\n';
      return 1;
    }
    relay = std::move(*started);
  }
  const store::Outbox outbox([&relay] {
    if (relay) relay->notify();
  });
  for (std::int64_t n = 0;; ++n) {
    auto id = write_one(*db, outbox, options, n);
    if (!id) {
      std::cerr << id.error().message << '\n';
      return 1;
    }
    std::printf("%lld\n", static_cast<long long>(*id));
    std::fflush(stdout);
  }
}
