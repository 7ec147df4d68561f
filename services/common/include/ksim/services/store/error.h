// The error type every fallible call of ksim_svc_store returns (inside
// std::expected): the library's message and numeric code, so a caller can log
// it or map it to an HTTP status without parsing text.
#pragma once

#include <expected>
#include <string>

namespace ksim::services::store {

/// Where an Error's `code` comes from.
enum class ErrorSource { kSqlite, kKafka, kStore };

/// A failure with the underlying library's message and code. For kSqlite,
/// `code` is SQLite's extended result code (e.g. SQLITE_BUSY = 5,
/// SQLITE_CONSTRAINT_UNIQUE = 2067); for kKafka an rd_kafka_resp_err_t; for
/// kStore (this library's own checks) it is -1.
struct Error {
  ErrorSource source = ErrorSource::kStore;
  int code = -1;
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

/// An Error of this library's own (code -1), for checks SQLite/Kafka do not make.
inline std::unexpected<Error> store_error(std::string message) {
  return std::unexpected(Error{ErrorSource::kStore, -1, std::move(message)});
}

}  // namespace ksim::services::store
