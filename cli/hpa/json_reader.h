// Typed access to JSON fields with the path of each field kept for messages.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "../command.h"
#include "ksim/control/hpa/types.h"

namespace ksim::cli::hpa {

/// A JSON value and the path that led to it ("hpa.spec.metrics[0]").
class JsonAt {
 public:
  JsonAt(const nlohmann::json& j, std::string path) : j_(&j), path_(std::move(path)) {}

  [[nodiscard]] const nlohmann::json& json() const { return *j_; }
  [[nodiscard]] const std::string& path() const { return path_; }

  /// The member, or nullopt when absent or null. Throws when this is not an object.
  [[nodiscard]] std::optional<JsonAt> get(const std::string& key) const;
  /// The member; throws when absent.
  [[nodiscard]] JsonAt at(const std::string& key) const;
  /// Array elements; throws when not an array.
  [[nodiscard]] std::vector<JsonAt> items() const;

  [[nodiscard]] std::string str() const;
  [[nodiscard]] std::int64_t integer() const;
  [[nodiscard]] std::int32_t int32() const;
  [[nodiscard]] double number() const;
  [[nodiscard]] bool boolean() const;
  [[nodiscard]] control::hpa::Instant time() const;       // RFC 3339
  [[nodiscard]] control::hpa::Duration duration() const;  // Go duration string
  [[nodiscard]] std::int64_t milli() const;               // quantity string or number
  [[nodiscard]] double approximate() const;               // quantity as float64

  [[noreturn]] void fail(const std::string& what) const;

 private:
  const nlohmann::json* j_;
  std::string path_;
};

}  // namespace ksim::cli::hpa
