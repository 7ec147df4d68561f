// A located, typed reader over yaml-cpp nodes, shared by the readers of
// sim/ (Kubernetes manifests in sim/manifest, scenario files in
// sim/scenario): a cursor that knows its field path and line and reports
// errors to a sink instead of throwing. The scalar typing follows what
// `kubectl apply` sees: YAML 1.1 plain scalars (sigs.k8s.io/yaml, go-yaml v2)
// turned into JSON, so `80` is a number, `yes` a boolean and `"80"` a string.
// Including this header needs yaml-cpp on the include path (link yaml-cpp).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ksim/control/quantity.h"
#include "ksim/sim/manifest/load.h"
#include "ksim/sim/manifest/meta.h"

namespace ksim::manifest::yaml {

/// Collects the errors of one object; the object's label is filled in when
/// the errors are handed over (it is known only after metadata is read).
class ErrorSink {
 public:
  explicit ErrorSink(std::string file) : file_(std::move(file)) {}
  void add(int line, std::string field, std::string message);
  [[nodiscard]] std::size_t count() const { return errors_.size(); }
  [[nodiscard]] const std::string& file() const { return file_; }
  /// Appends the errors to `out`, each with `object` as its label.
  void flush(const std::string& object, std::vector<LoadError>& out);

 private:
  std::string file_;
  std::vector<LoadError> errors_;
};

enum class ScalarKind { kNull, kBool, kInt, kFloat, kString };

/// How `kubectl apply` types a scalar node (quoted or tagged !!str: string).
ScalarKind scalar_kind(const YAML::Node& node);

class Field {
 public:
  /// `key_line` (1-based) is where the key that holds this node is written:
  /// missing children of this node are reported there.
  Field(YAML::Node node, std::string path, int key_line, ErrorSink* sink);

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] int line() const { return line_; }
  [[nodiscard]] int key_line() const { return key_line_; }
  [[nodiscard]] const YAML::Node& node() const { return node_; }
  [[nodiscard]] bool is_map() const { return node_.IsMap(); }

  /// The child `key` of a mapping; nullopt when absent, null, or when this
  /// node is not a mapping (reported where this node was read as a mapping).
  [[nodiscard]] std::optional<Field> get(std::string_view key) const;
  /// As get(), but a missing child is reported as "required field missing".
  [[nodiscard]] std::optional<Field> require(std::string_view key) const;
  /// get() of a child that must be a mapping (a wrong type is reported).
  [[nodiscard]] std::optional<Field> get_map(std::string_view key) const;

  /// Typed reads of this node: nullopt after reporting a wrong type.
  [[nodiscard]] std::optional<std::string> str() const;
  [[nodiscard]] std::optional<std::int64_t> int64() const;
  [[nodiscard]] std::optional<std::int32_t> int32() const;
  [[nodiscard]] std::optional<bool> boolean() const;
  /// A finite number, integer or not ("expected a number, got string 'fast'").
  [[nodiscard]] std::optional<double> number() const;
  /// A resource quantity ("invalid quantity 'fast'").
  [[nodiscard]] std::optional<control::Quantity> quantity() const;
  /// A resource quantity as a milli-value.
  [[nodiscard]] std::optional<std::int64_t> quantity_milli() const;
  [[nodiscard]] std::optional<IntOrString> int_or_string() const;
  /// Reports "expected a mapping" unless this node is one.
  bool expect_map() const;
  /// The elements of a list (reported unless this node is a list).
  [[nodiscard]] std::vector<Field> items() const;
  /// The entries of a mapping (reported unless this node is a mapping).
  [[nodiscard]] std::vector<std::pair<std::string, Field>> entries() const;
  /// A map of strings (labels, annotations, nodeSelector).
  [[nodiscard]] LabelMap string_map() const;
  /// A list of strings.
  [[nodiscard]] std::vector<std::string> strings() const;

  /// How wrong-type messages name this node: "string 'fast'", "number 5",
  /// "boolean yes", "null", "a mapping", "a list".
  [[nodiscard]] std::string describe() const;

  /// Reports `message` at this node's line with its path.
  void fail(std::string message) const;
  /// Reports `message` at the line of the key that holds this node.
  void fail_at_key(std::string message) const;
  /// Reports `message` for the child `key` at this node's key line.
  void fail_child(std::string_view key, std::string message) const;

 private:
  [[nodiscard]] Field child(const YAML::Node& key, const YAML::Node& value) const;
  [[nodiscard]] std::string child_path(std::string_view key) const;
  void fail_type(std::string_view expected) const;

  YAML::Node node_;
  std::string path_;
  int line_ = 0;
  int key_line_ = 0;
  ErrorSink* sink_ = nullptr;
};

/// Shorthands: assign the child `key` to `out` when it is present and valid.
void set_str(const Field& f, std::string_view key, std::string& out);
void set_int32(const Field& f, std::string_view key, std::int32_t& out);
void set_int64(const Field& f, std::string_view key, std::int64_t& out);
/// A string child that must be one of `allowed` (reported as "expected A, B or C").
/// An empty string is treated as unset (nullopt, no error), as the API's
/// defaulting of enum fields does.
std::optional<std::string> one_of(const Field& f, std::string_view key,
                                  std::initializer_list<std::string_view> allowed);
/// Reports negative values of `key` ("must be greater than or equal to 0").
void check_non_negative(const Field& f, std::string_view key, std::int64_t value);

/// Reports every key written twice in one mapping, anywhere under `f`.
void check_duplicate_keys(const Field& f);

/// Reports every key of the mapping `f` that is not in `known` as
/// "unknown field 'x'" (at the key's line): for inputs where a typo must not
/// pass silently (scenario files; the API server itself ignores unknown fields).
void check_known_keys(const Field& f, std::initializer_list<std::string_view> known);

}  // namespace ksim::manifest::yaml
