// upstream: apimachinery pkg/labels/selector.go Parse (the string grammar) and
// Requirement.Matches.
#include "ksim/control/hpa/selector.h"

#include <cctype>
#include <charconv>

namespace ksim::control::hpa {
namespace {

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '/';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool valid_token(std::string_view s, bool allow_empty) {
  if (s.empty()) return allow_empty;
  for (char c : s) {
    if (!name_char(c)) return false;
  }
  return true;
}

// Splits on commas that are not inside parentheses.
std::vector<std::string_view> split_requirements(std::string_view s) {
  std::vector<std::string_view> out;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(') ++depth;
    if (s[i] == ')') --depth;
    if (s[i] == ',' && depth == 0) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(s.substr(start));
  return out;
}

std::expected<LabelRequirement, std::string> parse_set(std::string_view key, std::string_view op,
                                                       std::string_view rest) {
  rest = trim(rest);
  if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') {
    return std::unexpected("expected '(' after '" + std::string(op) + "'");
  }
  LabelRequirement r{std::string(key), op == "in" ? "In" : "NotIn", {}};
  for (std::string_view v : split_requirements(rest.substr(1, rest.size() - 2))) {
    v = trim(v);
    if (!valid_token(v, true))
      return std::unexpected("invalid label value '" + std::string(v) + "'");
    r.values.emplace_back(v);
  }
  return r;
}

std::expected<LabelRequirement, std::string> parse_requirement(std::string_view req) {
  req = trim(req);
  if (req.empty()) return std::unexpected(std::string("empty requirement"));
  if (req.front() == '!') {
    const std::string_view key = trim(req.substr(1));
    if (!valid_token(key, false))
      return std::unexpected("invalid label key '" + std::string(key) + "'");
    return LabelRequirement{std::string(key), "DoesNotExist", {}};
  }
  std::size_t i = 0;
  while (i < req.size() && name_char(req[i])) ++i;
  const std::string_view key = req.substr(0, i);
  if (!valid_token(key, false))
    return std::unexpected("invalid label key in '" + std::string(req) + "'");
  std::string_view rest = trim(req.substr(i));
  if (rest.empty()) return LabelRequirement{std::string(key), "Exists", {}};
  for (std::string_view op : {"notin", "in"}) {
    if (rest.substr(0, op.size()) == op && rest.size() > op.size() &&
        (std::isspace(static_cast<unsigned char>(rest[op.size()])) || rest[op.size()] == '(')) {
      return parse_set(key, op, rest.substr(op.size()));
    }
  }
  struct Op {
    std::string_view text;
    const char* name;
  };
  for (const Op o :
       {Op{"==", "In"}, Op{"!=", "NotIn"}, Op{"=", "In"}, Op{">", "Gt"}, Op{"<", "Lt"}}) {
    if (rest.substr(0, o.text.size()) != o.text) continue;
    const std::string_view value = trim(rest.substr(o.text.size()));
    if (!valid_token(value, o.text != ">" && o.text != "<")) {
      return std::unexpected("invalid label value '" + std::string(value) + "'");
    }
    return LabelRequirement{std::string(key), o.name, {std::string(value)}};
  }
  return std::unexpected("unknown operator in '" + std::string(req) + "'");
}

}  // namespace

std::expected<LabelSelector, std::string> parse_label_selector(std::string_view text) {
  LabelSelector sel;
  if (trim(text).empty()) return std::unexpected(std::string("empty selector"));
  for (std::string_view part : split_requirements(text)) {
    auto r = parse_requirement(part);
    if (!r) return std::unexpected(r.error());
    sel.match_expressions.push_back(*r);
  }
  return sel;
}

}  // namespace ksim::control::hpa
