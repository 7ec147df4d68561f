// Field (yaml_field.h).
#include "yaml_field.h"

#include <algorithm>
#include <cmath>

namespace ksim::services::load::detail {

void Field::fail(std::string_view message) const {
  errors_->lines.push_back(errors_->file + ":" + std::to_string(line()) + ": " + path_ + ": " +
                           std::string(message));
}

void Field::fail_in(const std::string& file, int line, std::string_view message) const {
  errors_->lines.push_back(file + ":" + std::to_string(line) + ": " + path_ + ": " +
                           std::string(message));
}

void Field::fail_child(std::string_view key, std::string_view message) const {
  const std::string child = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  errors_->lines.push_back(errors_->file + ":" + std::to_string(line()) + ": " + child + ": " +
                           std::string(message));
}

std::optional<Field> Field::get(std::string_view key) const {
  if (!node_.IsMap()) return std::nullopt;
  for (const auto& kv : node_) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) {
      const std::string child = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
      return Field(kv.second, child, errors_);
    }
  }
  return std::nullopt;
}

std::optional<Field> Field::require(std::string_view key) const {
  auto f = get(key);
  if (!f) fail_child(key, "required field missing");
  return f;
}

std::vector<Field> Field::items() const {
  std::vector<Field> out;
  if (!node_.IsSequence()) {
    fail("expected a list, got " + describe());
    return out;
  }
  for (std::size_t i = 0; i < node_.size(); ++i)
    out.emplace_back(node_[i], path_ + "[" + std::to_string(i) + "]", errors_);
  return out;
}

bool Field::expect_map() const {
  if (node_.IsMap()) return true;
  fail("expected a map, got " + describe());
  return false;
}

void Field::check_keys(const std::vector<std::string_view>& known, std::string_view message) const {
  if (!node_.IsMap()) return;
  for (const auto& kv : node_) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    Field(kv.first, path_.empty() ? key : path_ + "." + key, errors_).fail(message);
  }
}

std::optional<std::string> Field::str() const {
  if (node_.IsScalar()) return node_.Scalar();
  fail("expected a string, got " + describe());
  return std::nullopt;
}

std::optional<double> Field::number() const {
  double v = 0;
  // A quoted scalar ("!" tag) is a string even if it reads as a number.
  if (node_.IsScalar() && node_.Tag() != "!" && YAML::convert<double>::decode(node_, v) &&
      std::isfinite(v))
    return v;
  fail("expected a number, got " + describe());
  return std::nullopt;
}

std::string Field::describe() const {
  if (!node_.IsDefined() || node_.IsNull()) return "null";
  if (node_.IsMap()) return "a map";
  if (node_.IsSequence()) return "a list";
  double v = 0;
  if (node_.Tag() != "!" && YAML::convert<double>::decode(node_, v))
    return "number " + node_.Scalar();
  return "string '" + node_.Scalar() + "'";
}

}  // namespace ksim::services::load::detail
