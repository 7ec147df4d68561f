// The located, typed reader over yaml-cpp nodes (yaml_reader.h).
#include "ksim/sim/manifest/yaml_reader.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

#include "ksim/control/quantity.h"

namespace ksim::manifest::yaml {
namespace {

constexpr std::string_view kTagPlain = "?";
constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

// go-yaml v2 resolve.go: the YAML 1.1 booleans and nulls of plain scalars.
constexpr std::array<std::string_view, 11> kTrueWords = {
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
constexpr std::array<std::string_view, 11> kFalseWords = {
    "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
constexpr std::array<std::string_view, 5> kNulls = {"", "~", "null", "Null", "NULL"};

bool contains(auto const& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// An integer as go-yaml v2 reads it (strconv.ParseInt(s, 0, 64) after removing
// '_'): sign, then decimal, 0x hex, 0b binary, 0o or leading-0 octal.
// `overflow` is set for a well-formed integer that does not fit int64.
std::optional<std::int64_t> parse_yaml_int(std::string_view s, bool& overflow) {
  std::string t;
  for (char c : s)
    if (c != '_') t += c;
  std::string_view v = t;
  bool negative = false;
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) {
    negative = v[0] == '-';
    v.remove_prefix(1);
  }
  int base = 10;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X' || v[1] == 'b' || v[1] == 'o')) {
    base = v[1] == 'b' ? 2 : (v[1] == 'o' ? 8 : 16);
    v.remove_prefix(2);
  } else if (v.size() > 1 && v[0] == '0') {
    base = 8;
  }
  if (v.empty()) return std::nullopt;
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), magnitude, base);
  if (end != v.data() + v.size()) return std::nullopt;
  const std::uint64_t limit =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + (negative ? 1U : 0U);
  if (ec == std::errc::result_out_of_range || magnitude > limit) {
    overflow = true;
    return std::nullopt;
  }
  if (negative) return static_cast<std::int64_t>(0U - magnitude);
  return static_cast<std::int64_t>(magnitude);
}

// yamlStyleFloat of go-yaml v2, plus .inf and .nan.
bool is_yaml_float(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kSpecial = {".inf",  ".Inf",  ".INF",  "+.inf",
                                                                "+.Inf", "+.INF", "-.inf", "-.Inf",
                                                                "-.INF", ".nan",  ".NaN",  ".NAN"};
  if (contains(kSpecial, s)) return true;
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

ScalarKind plain_kind(std::string_view s) {
  if (contains(kNulls, s)) return ScalarKind::kNull;
  if (contains(kTrueWords, s) || contains(kFalseWords, s)) return ScalarKind::kBool;
  bool overflow = false;
  if (parse_yaml_int(s, overflow) || overflow) return ScalarKind::kInt;
  if (is_yaml_float(s)) return ScalarKind::kFloat;
  return ScalarKind::kString;
}

bool is_simple_key(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

int line_of(const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

}  // namespace

void ErrorSink::add(int line, std::string field, std::string message) {
  errors_.push_back({file_, line, "", std::move(field), std::move(message)});
}

void ErrorSink::flush(const std::string& object, std::vector<LoadError>& out) {
  for (LoadError& e : errors_) {
    e.object = object;
    out.push_back(std::move(e));
  }
  errors_.clear();
}

ScalarKind scalar_kind(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return ScalarKind::kNull;
  const std::string& tag = node.Tag();
  const std::string& s = node.Scalar();
  if (tag == kTagPlain) return plain_kind(s);
  if (tag.starts_with(kTagPrefix)) {
    const std::string_view t = std::string_view(tag).substr(kTagPrefix.size());
    if (t == "int") return ScalarKind::kInt;
    if (t == "float") return ScalarKind::kFloat;
    if (t == "bool") return ScalarKind::kBool;
    if (t == "null") return ScalarKind::kNull;
  }
  return ScalarKind::kString;  // quoted, block scalars, !!str and custom tags
}

Field::Field(YAML::Node node, std::string path, int key_line, ErrorSink* sink)
    : node_(std::move(node)), path_(std::move(path)), key_line_(key_line), sink_(sink) {
  // yaml-cpp marks an empty value at the next token: use the key's line then.
  line_ = node_.IsNull() ? key_line_ : line_of(node_);
  if (line_ == 0) line_ = key_line_;
}

std::string Field::child_path(std::string_view key) const {
  // Keys with dots or slashes (label keys) are written as [key] like the API's field.Path.
  if (!is_simple_key(key)) return path_ + "[" + std::string(key) + "]";
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

Field Field::child(const YAML::Node& key, const YAML::Node& value) const {
  return Field(value, child_path(key.Scalar()), line_of(key), sink_);
}

std::optional<Field> Field::get(std::string_view key) const {
  if (!node_.IsMap()) return std::nullopt;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      if (it->second.IsNull()) return std::nullopt;  // JSON null: the field is unset
      return child(it->first, it->second);
    }
  }
  return std::nullopt;
}

std::optional<Field> Field::require(std::string_view key) const {
  auto f = get(key);
  if (!f && node_.IsMap()) fail_child(key, "required field missing");
  return f;
}

std::optional<Field> Field::get_map(std::string_view key) const {
  auto f = get(key);
  if (f && !f->expect_map()) return std::nullopt;
  return f;
}

std::string Field::describe() const {
  if (node_.IsMap()) return "a mapping";
  if (node_.IsSequence()) return "a list";
  switch (scalar_kind(node_)) {
    case ScalarKind::kNull:
      return "null";
    case ScalarKind::kBool:
      return "boolean " + node_.Scalar();
    case ScalarKind::kInt:
    case ScalarKind::kFloat:
      return "number " + node_.Scalar();
    case ScalarKind::kString:
      break;
  }
  return "string '" + node_.Scalar() + "'";
}

void Field::fail(std::string message) const {
  if (sink_ != nullptr) sink_->add(line_, path_, std::move(message));
}

void Field::fail_at_key(std::string message) const {
  if (sink_ != nullptr) sink_->add(key_line_, path_, std::move(message));
}

void Field::fail_child(std::string_view key, std::string message) const {
  if (sink_ != nullptr) sink_->add(key_line_, child_path(key), std::move(message));
}

void Field::fail_type(std::string_view expected) const {
  std::string hint;
  const ScalarKind k = node_.IsScalar() ? scalar_kind(node_) : ScalarKind::kNull;
  if (expected == "a string" &&
      (k == ScalarKind::kBool || k == ScalarKind::kInt || k == ScalarKind::kFloat)) {
    hint = " (quote it: \"" + node_.Scalar() + "\")";
  }
  fail("expected " + std::string(expected) + ", got " + describe() + hint);
}

bool Field::expect_map() const {
  if (node_.IsMap()) return true;
  fail_type("a mapping");
  return false;
}

std::optional<std::string> Field::str() const {
  if (node_.IsScalar() && scalar_kind(node_) == ScalarKind::kString) return node_.Scalar();
  fail_type("a string");
  return std::nullopt;
}

std::optional<std::int64_t> Field::int64() const {
  if (!node_.IsScalar() || scalar_kind(node_) != ScalarKind::kInt) {
    fail_type("an integer");
    return std::nullopt;
  }
  bool overflow = false;
  auto v = parse_yaml_int(node_.Scalar(), overflow);
  if (!v) fail("integer out of range: " + node_.Scalar());
  return v;
}

std::optional<std::int32_t> Field::int32() const {
  auto v = int64();
  if (!v) return std::nullopt;
  if (*v < std::numeric_limits<std::int32_t>::min() ||
      *v > std::numeric_limits<std::int32_t>::max()) {
    fail("integer out of range for int32: " + node_.Scalar());
    return std::nullopt;
  }
  return static_cast<std::int32_t>(*v);
}

std::optional<bool> Field::boolean() const {
  if (node_.IsScalar() && scalar_kind(node_) == ScalarKind::kBool) {
    return contains(kTrueWords, node_.Scalar());
  }
  fail_type("a boolean");
  return std::nullopt;
}

std::optional<double> Field::number() const {
  const ScalarKind k = node_.IsScalar() ? scalar_kind(node_) : ScalarKind::kNull;
  if (k != ScalarKind::kInt && k != ScalarKind::kFloat) {
    fail_type("a number");
    return std::nullopt;
  }
  const std::string& s = node_.Scalar();
  bool overflow = false;
  if (auto v = parse_yaml_int(s, overflow)) return static_cast<double>(*v);
  // A float (or an integer past int64): strtod reads what the YAML typing
  // accepted; the YAML spellings of inf and nan are rejected below.
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() + s.size() && std::isfinite(v)) return v;
  fail("expected a finite number, got " + describe());
  return std::nullopt;
}

std::optional<std::int64_t> Field::quantity_milli() const {
  return quantity().transform([](const control::Quantity& q) { return q.milli_value(); });
}

std::optional<control::Quantity> Field::quantity() const {
  // resource.Quantity unmarshals from a JSON string or number alike.
  const ScalarKind k = node_.IsScalar() ? scalar_kind(node_) : ScalarKind::kNull;
  if (!node_.IsScalar() || k == ScalarKind::kNull || k == ScalarKind::kBool) {
    fail_type("a quantity");
    return std::nullopt;
  }
  auto q = control::parse_quantity(node_.Scalar());
  if (!q) {
    fail("invalid quantity '" + node_.Scalar() + "'");
    return std::nullopt;
  }
  return *q;
}

std::optional<IntOrString> Field::int_or_string() const {
  const ScalarKind k = node_.IsScalar() ? scalar_kind(node_) : ScalarKind::kNull;
  if (k == ScalarKind::kString) return IntOrString::of_string(node_.Scalar());
  if (k == ScalarKind::kInt) {
    if (auto v = int32()) return IntOrString::of_int(*v);
    return std::nullopt;
  }
  fail_type("an integer or a string");
  return std::nullopt;
}

std::vector<Field> Field::items() const {
  std::vector<Field> out;
  if (!node_.IsSequence()) {
    fail_type("a list");
    return out;
  }
  for (std::size_t i = 0; i < node_.size(); ++i) {
    const YAML::Node item = node_[i];
    const int item_line = line_of(item) != 0 ? line_of(item) : line_;
    out.emplace_back(item, path_ + "[" + std::to_string(i) + "]", item_line, sink_);
  }
  return out;
}

std::vector<std::pair<std::string, Field>> Field::entries() const {
  std::vector<std::pair<std::string, Field>> out;
  if (!expect_map()) return out;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    out.emplace_back(it->first.Scalar(), child(it->first, it->second));
  }
  return out;
}

LabelMap Field::string_map() const {
  LabelMap out;
  for (auto& [k, v] : entries()) {
    if (auto s = v.str()) out[k] = *s;
  }
  return out;
}

std::vector<std::string> Field::strings() const {
  std::vector<std::string> out;
  for (const Field& f : items()) {
    if (auto s = f.str()) out.push_back(*s);
  }
  return out;
}

void set_str(const Field& f, std::string_view key, std::string& out) {
  if (auto c = f.get(key))
    if (auto v = c->str()) out = *v;
}

void set_int32(const Field& f, std::string_view key, std::int32_t& out) {
  if (auto c = f.get(key))
    if (auto v = c->int32()) out = *v;
}

void set_int64(const Field& f, std::string_view key, std::int64_t& out) {
  if (auto c = f.get(key))
    if (auto v = c->int64()) out = *v;
}

std::optional<std::string> one_of(const Field& f, std::string_view key,
                                  std::initializer_list<std::string_view> allowed) {
  auto c = f.get(key);
  if (!c) return std::nullopt;
  auto v = c->str();
  if (!v || v->empty()) return std::nullopt;  // "" is unset: the API default applies
  if (contains(allowed, *v)) return v;
  std::string list;
  std::size_t i = 0;
  for (std::string_view a : allowed) {
    list += (i == 0 ? "" : (i + 1 == allowed.size() ? " or " : ", ")) + std::string(a);
    ++i;
  }
  c->fail("expected " + list + ", got '" + *v + "'");
  return std::nullopt;
}

void check_non_negative(const Field& f, std::string_view key, std::int64_t value) {
  if (value >= 0) return;
  if (auto c = f.get(key)) c->fail("must be greater than or equal to 0");
}

void check_duplicate_keys(const Field& f) {
  if (f.node().IsSequence()) {
    for (const Field& item : f.items()) check_duplicate_keys(item);
    return;
  }
  if (!f.node().IsMap()) return;
  std::set<std::string> seen;
  for (auto& [key, value] : f.entries()) {
    if (!seen.insert(key).second) {
      value.fail_at_key("duplicate field '" + key + "' (written twice in one mapping)");
    }
    check_duplicate_keys(value);
  }
}

void check_known_keys(const Field& f, std::initializer_list<std::string_view> known) {
  if (!f.node().IsMap()) return;
  std::string list;
  for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
  for (auto& [key, value] : f.entries()) {
    if (!contains(known, key)) value.fail_at_key("unknown field (known: " + list + ")");
  }
}

}  // namespace ksim::manifest::yaml
