#include "ksim/services/store/relay.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "kafka_conf.h"
#include "ksim/services/store/db.h"
#include "ksim/services/store/mock_kafka.h"
#include "ksim/services/store/outbox.h"

namespace ksim::services::store {

namespace {

struct Row {
  std::int64_t seq = 0;
  std::string event_id;
  std::string topic;
  std::string key;
  std::string payload;
  std::int64_t created_us = 0;
};

// The fate of one produced row; written by the delivery-report callback.
struct Slot {
  bool done = false;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
};

}  // namespace

struct Relay::State {
  explicit State(EventSinkConfig sink, Db relay_db, Db count_db)
      : config(std::move(sink)), db(std::move(relay_db)), stats_db(std::move(count_db)) {}

  EventSinkConfig config;
  std::unique_ptr<MockKafka> mock;  // the embedded cluster, if brokers was empty
  std::string bootstraps;
  Db db;  // the relay thread's connection
  mutable std::mutex stats_mutex;
  mutable Db stats_db;  // backlog() queries from other threads, under stats_mutex
  // Per-round bookkeeping, touched only by the relay thread (delivery reports
  // are served by rd_kafka_poll/flush on that thread).
  std::vector<Slot> slots;
  std::size_t outstanding = 0;

  std::mutex wake_mutex;
  std::condition_variable wake_cv;
  bool woken = false;
  std::atomic<bool> stopping{false};
  std::atomic<bool> inject_fatal{false};

  std::atomic<std::uint64_t> published{0};
  mutable std::mutex error_mutex;
  std::string last_error;
  std::atomic<std::uint64_t> errors{0};

  // Last, so they are destroyed first: no librdkafka callback can outlive the
  // members it writes to, and the embedded cluster outlives its client.
  detail::HandlePtr producer;
  std::thread thread;

  void set_error(std::string message) {
    const std::lock_guard lock(error_mutex);
    last_error = std::move(message);
    ++errors;
  }

  // Waits until notify(), stop() or `timeout`, whichever comes first.
  void wait_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(wake_mutex);
    wake_cv.wait_for(lock, timeout, [this] { return woken || stopping.load(); });
    woken = false;
  }
};

namespace {

Result<detail::HandlePtr> make_producer(Relay::State& state);

void on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
  auto* state = static_cast<Relay::State*>(opaque);
  auto* slot = static_cast<Slot*>(message->_private);
  slot->done = true;
  slot->err = message->err;
  --state->outstanding;
}

void on_log(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  const auto* state = static_cast<const Relay::State*>(rd_kafka_opaque(rk));
  state->config.log(level, facility, message);
}

void on_error(rd_kafka_t* /*rk*/, int err, const char* reason, void* opaque) {
  auto* state = static_cast<Relay::State*>(opaque);
  state->set_error(fmt::format("kafka: {} ({})", reason,
                               rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err))));
}

Result<std::vector<Row>> read_batch(Db& db, int limit) {
  auto stmt = db.prepare(
      "SELECT seq, event_id, topic, key, payload, created_us FROM outbox ORDER BY seq LIMIT ?");
  if (!stmt) return std::unexpected(stmt.error());
  if (auto bound = stmt->bind(limit); !bound) return std::unexpected(bound.error());
  std::vector<Row> rows;
  for (;;) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    rows.push_back(Row{stmt->int64(0), std::string(stmt->text(1)), std::string(stmt->text(2)),
                       std::string(stmt->text(3)), std::string(stmt->text(4)), stmt->int64(5)});
  }
  return rows;
}

// Hands one row to librdkafka. Waits (serving delivery reports) while the
// local queue is full; gives up only when the relay is stopping.
rd_kafka_resp_err_t produce_one(Relay::State& state, Row& row, Slot& slot) {
  for (;;) {
    const auto err = rd_kafka_producev(state.producer.get(), RD_KAFKA_V_TOPIC(row.topic.c_str()),
                                       RD_KAFKA_V_KEY(row.key.data(), row.key.size()),
                                       RD_KAFKA_V_VALUE(row.payload.data(), row.payload.size()),
                                       RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                       RD_KAFKA_V_HEADER("event-id", row.event_id.data(),
                                                         static_cast<ssize_t>(row.event_id.size())),
                                       RD_KAFKA_V_TIMESTAMP(row.created_us / 1000),
                                       RD_KAFKA_V_OPAQUE(&slot), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || state.stopping) return err;
    rd_kafka_poll(state.producer.get(), 100);
  }
}

Result<void> delete_row(Db& db, std::int64_t seq) {
  auto stmt = db.prepare("DELETE FROM outbox WHERE seq = ?");
  if (!stmt) return std::unexpected(stmt.error());
  if (auto bound = stmt->bind(seq); !bound) return bound;
  return stmt->run();
}

// Deletes the delivered rows, except those behind an undelivered row of the
// same key: re-sending only the failed one would put it after its successor.
// Returns whether every row of the round was delivered.
bool settle(Relay::State& state, const std::vector<Row>& rows) {
  std::unordered_set<std::string_view> blocked;
  std::vector<std::int64_t> delivered;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Slot& slot = state.slots[i];
    if (!slot.done || slot.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      blocked.insert(rows[i].key);
      if (slot.done) {
        state.set_error(fmt::format("delivery of event {} to {}: {}", rows[i].event_id,
                                    rows[i].topic, rd_kafka_err2str(slot.err)));
      }
    } else if (!blocked.contains(rows[i].key)) {
      delivered.push_back(rows[i].seq);
    }
  }
  auto tx = state.db.begin();
  if (!tx) {
    state.set_error(fmt::format("outbox: {}", tx.error().message));
    return false;
  }
  for (const auto seq : delivered) {
    auto done = delete_row(state.db, seq);
    if (!done) {
      state.set_error(fmt::format("outbox: {}", done.error().message));
      return false;
    }
  }
  if (auto committed = tx->commit(); !committed) {
    state.set_error(fmt::format("outbox: {}", committed.error().message));
    return false;
  }
  state.published += delivered.size();
  return blocked.empty();
}

// One round: produce every row, wait for all delivery reports (or the stop
// flush bound), then settle. Returns whether the whole round was delivered.
bool publish(Relay::State& state, std::vector<Row>& rows) {
  rd_kafka_t* producer = state.producer.get();
  state.slots.assign(rows.size(), Slot{});
  state.outstanding = 0;
  for (std::size_t i = 0; i < rows.size() && !state.stopping; ++i) {
    const auto err = produce_one(state, rows[i], state.slots[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++state.outstanding;
    } else {
      state.slots[i] = Slot{true, err};
    }
  }
  while (state.outstanding > 0 && !state.stopping) rd_kafka_poll(producer, 100);
  if (state.outstanding > 0) {
    rd_kafka_flush(producer, static_cast<int>(state.config.flush_timeout.count()));
    // What is still undelivered is dropped from the producer (its rows stay
    // in the outbox); purging before settle() means no delivery report can
    // arrive later for a slot that no longer exists.
    rd_kafka_purge(producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_flush(producer, 1000);  // serves the purged messages' reports
  }
  return settle(state, rows);
}

// After a fatal error librdkafka refuses every message of this producer, so
// it is replaced; the rows it did not confirm are still in the outbox.
bool replace_producer_if_fatal(Relay::State& state) {
  if (state.inject_fatal.exchange(false)) {
    rd_kafka_test_fatal_error(state.producer.get(), RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
                              "injected by a test");
  }
  std::array<char, 512> reason{};
  const auto fatal = rd_kafka_fatal_error(state.producer.get(), reason.data(), reason.size());
  if (fatal == RD_KAFKA_RESP_ERR_NO_ERROR) return true;
  auto fresh = make_producer(state);
  if (!fresh) {
    state.set_error(fmt::format("kafka: fatal error ({}), new producer failed: {}", reason.data(),
                                fresh.error().message));
    return false;
  }
  rd_kafka_purge(state.producer.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_flush(state.producer.get(), 1000);
  state.producer = std::move(*fresh);
  state.set_error(fmt::format("kafka: fatal error ({}), producer replaced", reason.data()));
  return true;
}

void run(Relay::State& state) {
  auto backoff = state.config.backoff_min;
  while (!state.stopping) {
    bool ok = replace_producer_if_fatal(state);
    if (ok) {
      auto rows = read_batch(state.db, state.config.batch_size);
      if (!rows) {
        state.set_error(fmt::format("outbox: {}", rows.error().message));
        ok = false;
      } else if (rows->empty()) {
        rd_kafka_poll(state.producer.get(), 0);  // serve error callbacks while idle
        state.wait_for(state.config.poll_interval);
        continue;
      } else {
        ok = publish(state, *rows);
      }
    }
    if (ok) {
      backoff = state.config.backoff_min;
    } else {
      state.wait_for(backoff);
      backoff = std::min(backoff * 2, state.config.backoff_max);
    }
  }
}

// "" if the config is usable, else what is wrong with which field.
std::string check_config(const EventSinkConfig& config) {
  using std::chrono::milliseconds;
  if (config.batch_size < 1) return "batch_size must be >= 1";
  if (config.brokers.empty() && config.mock_brokers < 1) return "mock_brokers must be >= 1";
  if (config.poll_interval <= milliseconds(0)) return "poll_interval must be > 0";
  if (config.backoff_min <= milliseconds(0)) return "backoff_min must be > 0";
  if (config.backoff_max < config.backoff_min) return "backoff_max must be >= backoff_min";
  if (config.flush_timeout < milliseconds(0)) return "flush_timeout must be >= 0";
  return {};
}

Result<detail::HandlePtr> make_producer(Relay::State& state) {
  std::map<std::string, std::string> properties{
      {"bootstrap.servers", state.bootstraps},
      {"client.id", state.config.client_id},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      // Never time a message out (see relay.h): order per key and no
      // duplicates within a session depend on it.
      {"message.timeout.ms", "0"},
      {"linger.ms", "5"},
  };
  for (const auto& [name, value] : state.config.kafka_properties) properties[name] = value;
  auto conf = detail::make_conf(properties);
  if (!conf) return std::unexpected(conf.error());
  rd_kafka_conf_set_opaque(conf->get(), &state);
  rd_kafka_conf_set_dr_msg_cb(conf->get(), on_delivery);
  rd_kafka_conf_set_error_cb(conf->get(), on_error);
  if (state.config.log) rd_kafka_conf_set_log_cb(conf->get(), on_log);
  return detail::make_handle(RD_KAFKA_PRODUCER, std::move(*conf));
}

}  // namespace

Relay::Relay(std::unique_ptr<State> state) : state_(std::move(state)) {}

Result<std::unique_ptr<Relay>> Relay::start(const std::filesystem::path& db_path,
                                            const EventSinkConfig& config) {
  if (auto problem = check_config(config); !problem.empty())
    return store_error("relay: " + problem);
  auto db = Db::open(db_path);
  if (!db) return std::unexpected(db.error());
  if (auto installed = Outbox::install(*db); !installed) return std::unexpected(installed.error());
  auto stats_db = Db::open(db_path);
  if (!stats_db) return std::unexpected(stats_db.error());
  auto state = std::make_unique<State>(config, std::move(*db), std::move(*stats_db));
  if (config.brokers.empty()) {
    auto mock = MockKafka::start(config.mock_brokers);
    if (!mock) return std::unexpected(mock.error());
    state->mock = std::move(*mock);
    state->bootstraps = state->mock->bootstraps();
  } else {
    state->bootstraps = config.brokers;
  }
  auto producer = make_producer(*state);
  if (!producer) return std::unexpected(producer.error());
  state->producer = std::move(*producer);
  State& running = *state;
  state->thread = std::thread([&running] { run(running); });
  return std::unique_ptr<Relay>(new Relay(std::move(state)));
}

Relay::~Relay() { stop(); }

void Relay::notify() {
  {
    const std::lock_guard lock(state_->wake_mutex);
    state_->woken = true;
  }
  state_->wake_cv.notify_one();
}

void Relay::stop() {
  {
    const std::lock_guard lock(state_->wake_mutex);
    state_->stopping = true;
  }
  state_->wake_cv.notify_one();
  if (state_->thread.joinable()) state_->thread.join();
}

Result<std::int64_t> Relay::backlog() const {
  const std::lock_guard lock(state_->stats_mutex);
  return state_->stats_db.query_int64("SELECT COUNT(*) FROM outbox");
}

std::uint64_t Relay::published_total() const { return state_->published.load(); }

std::string Relay::last_error() const {
  const std::lock_guard lock(state_->error_mutex);
  return state_->last_error;
}

void Relay::inject_fatal_error_for_testing() {
  state_->inject_fatal = true;
  notify();
}

std::uint64_t Relay::errors_total() const { return state_->errors.load(); }

std::string Relay::bootstraps() const { return state_->bootstraps; }

}  // namespace ksim::services::store
