// A YAML node with its path in the document and the errors of the whole
// read: every problem is recorded as "FILE:LINE: PATH: message" and reading
// goes on, so that one run reports them all. Internal to spec_reader.cpp.
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ksim::services::load::detail {

struct Errors {
  std::string file;
  std::vector<std::string> lines;
};

class Field {
 public:
  Field(YAML::Node node, std::string path, std::shared_ptr<Errors> errors)
      : node_(std::move(node)), path_(std::move(path)), errors_(std::move(errors)) {}

  [[nodiscard]] const YAML::Node& node() const { return node_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] bool is_map() const { return node_.IsMap(); }
  /// 1-based line of the node (yaml-cpp's Mark is 0-based).
  [[nodiscard]] int line() const { return node_.Mark().line + 1; }

  /// Records `message` against this node.
  void fail(std::string_view message) const;
  /// Records `message` against another file's line (a CSV the field names).
  void fail_in(const std::string& file, int line, std::string_view message) const;
  /// Records `message` against a (missing) child `key` at this node's line.
  void fail_child(std::string_view key, std::string_view message) const;

  /// The child `key` of a map, if present.
  [[nodiscard]] std::optional<Field> get(std::string_view key) const;
  /// The child `key`, or an error "required field missing".
  [[nodiscard]] std::optional<Field> require(std::string_view key) const;
  /// The items of a sequence (an error if not a sequence).
  [[nodiscard]] std::vector<Field> items() const;
  /// False (and an error) unless a map.
  bool expect_map() const;
  /// Records an error for every key of this map not in `known`.
  void check_keys(const std::vector<std::string_view>& known,
                  std::string_view message = "unknown field") const;

  /// A scalar as a string / a finite number (errors otherwise).
  [[nodiscard]] std::optional<std::string> str() const;
  [[nodiscard]] std::optional<double> number() const;
  /// "string 'x'", "number 3", "a map"... for messages.
  [[nodiscard]] std::string describe() const;

 private:
  YAML::Node node_;
  std::string path_;
  std::shared_ptr<Errors> errors_;
};

}  // namespace ksim::services::load::detail
