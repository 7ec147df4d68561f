#include "json_reader.h"

#include <limits>

#include "ksim/control/quantity.h"
#include "time_text.h"

namespace ksim::cli::hpa {

void JsonAt::fail(const std::string& what) const { throw UsageError(path_ + ": " + what); }

std::optional<JsonAt> JsonAt::get(const std::string& key) const {
  if (!j_->is_object()) fail("expected an object");
  const auto it = j_->find(key);
  if (it == j_->end() || it->is_null()) return std::nullopt;
  return JsonAt(*it, path_.empty() ? key : path_ + "." + key);
}

JsonAt JsonAt::at(const std::string& key) const {
  auto v = get(key);
  if (!v) throw UsageError((path_.empty() ? key : path_ + "." + key) + ": required field missing");
  return *v;
}

std::vector<JsonAt> JsonAt::items() const {
  if (!j_->is_array()) fail("expected an array");
  std::vector<JsonAt> out;
  for (std::size_t i = 0; i < j_->size(); ++i) {
    out.emplace_back((*j_)[i], path_ + "[" + std::to_string(i) + "]");
  }
  return out;
}

std::string JsonAt::str() const {
  if (!j_->is_string()) fail("expected a string");
  return j_->get<std::string>();
}

std::int64_t JsonAt::integer() const {
  if (!j_->is_number_integer()) {
    if (j_->is_number_float()) {
      const double d = j_->get<double>();
      if (d == static_cast<double>(static_cast<std::int64_t>(d)))
        return static_cast<std::int64_t>(d);
    }
    fail("expected an integer");
  }
  if (j_->is_number_unsigned() &&
      j_->get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    fail("integer out of range");
  }
  return j_->get<std::int64_t>();
}

std::int32_t JsonAt::int32() const {
  const std::int64_t v = integer();
  if (v < std::numeric_limits<std::int32_t>::min() ||
      v > std::numeric_limits<std::int32_t>::max()) {
    fail("integer out of the int32 range");
  }
  return static_cast<std::int32_t>(v);
}

double JsonAt::number() const {
  if (!j_->is_number()) fail("expected a number");
  return j_->get<double>();
}

bool JsonAt::boolean() const {
  if (!j_->is_boolean()) fail("expected true or false");
  return j_->get<bool>();
}

control::hpa::Instant JsonAt::time() const {
  auto t = parse_rfc3339(str());
  if (!t) fail(t.error());
  return *t;
}

control::hpa::Duration JsonAt::duration() const {
  auto d = parse_go_duration(str());
  if (!d) fail(d.error());
  return *d;
}

namespace {

control::Quantity quantity_of(const JsonAt& at) {
  const nlohmann::json& j = at.json();
  std::string text;
  if (j.is_string()) {
    text = j.get<std::string>();
  } else if (j.is_number_integer()) {
    text = std::to_string(j.get<std::int64_t>());
  } else if (j.is_number_float()) {
    text = j.dump();
  } else {
    at.fail("expected a quantity string such as \"500m\"");
  }
  auto q = control::parse_quantity(text);
  if (!q) at.fail(q.error());
  return *q;
}

}  // namespace

std::int64_t JsonAt::milli() const { return quantity_of(*this).milli_value(); }
double JsonAt::approximate() const { return quantity_of(*this).approximate_double(); }

}  // namespace ksim::cli::hpa
