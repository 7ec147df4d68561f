// upstream: apimachinery pkg/labels/selector.go, the Lexer and Parser of
// labels.Parse (same tokens, same lookahead/consume contexts, same error
// texts), and validateLabelKey / validateLabelValue reduced to the
// qualified-name and label-value grammars.
#include "ksim/control/hpa/selector.h"

#include <cctype>
#include <map>
#include <set>
#include <vector>

namespace ksim::control::hpa {
namespace {

enum class Tok {
  kError,
  kEnd,
  kClosedPar,
  kComma,
  kDoesNotExist,
  kDoubleEquals,
  kEquals,
  kGreaterThan,
  kIdentifier,
  kIn,
  kLessThan,
  kNotEquals,
  kNotIn,
  kOpenPar,
};

struct Item {
  Tok tok = Tok::kError;
  std::string lit;
};

const std::map<std::string, Tok, std::less<>>& string2token() {
  static const std::map<std::string, Tok, std::less<>> m{
      {")", Tok::kClosedPar},     {",", Tok::kComma},    {"!", Tok::kDoesNotExist},
      {"==", Tok::kDoubleEquals}, {"=", Tok::kEquals},   {">", Tok::kGreaterThan},
      {"in", Tok::kIn},           {"<", Tok::kLessThan}, {"!=", Tok::kNotEquals},
      {"notin", Tok::kNotIn},     {"(", Tok::kOpenPar}};
  return m;
}

bool whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool special(char c) {
  return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

// upstream: Lexer.Lex (scanIDOrKeyword, scanSpecialSymbol).
std::vector<Item> scan(std::string_view s) {
  std::vector<Item> items;
  std::size_t pos = 0;
  for (;;) {
    while (pos < s.size() && whitespace(s[pos])) ++pos;
    if (pos >= s.size()) {
      items.push_back({Tok::kEnd, ""});
      return items;
    }
    std::string buffer;
    if (special(s[pos])) {
      Item last;
      while (pos < s.size() && special(s[pos])) {
        buffer += s[pos];
        const auto it = string2token().find(buffer);
        if (it != string2token().end()) {
          last = {it->second, buffer};
        } else if (last.tok != Tok::kError) {
          break;  // the longest token already scanned ends here
        }
        ++pos;
      }
      items.push_back(last.tok == Tok::kError
                          ? Item{Tok::kError, "error expected: keyword found '" + buffer + "'"}
                          : last);
      continue;
    }
    while (pos < s.size() && !special(s[pos]) && !whitespace(s[pos])) buffer += s[pos++];
    const auto it = string2token().find(buffer);
    items.push_back({it != string2token().end() ? it->second : Tok::kIdentifier, buffer});
  }
}

// The DNS-1123 label-ish name part: ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], max 63.
bool name_part(std::string_view n) {
  if (n.empty() || n.size() > 63) return false;
  const auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (!alnum(n.front()) || !alnum(n.back())) return false;
  for (char c : n) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// validation.IsQualifiedName: [prefix/]name, prefix a DNS subdomain.
bool qualified_name(std::string_view k) {
  const std::size_t slash = k.find('/');
  if (slash == std::string_view::npos) return name_part(k);
  const std::string_view prefix = k.substr(0, slash);
  if (prefix.empty() || prefix.size() > 253) return false;
  for (char c : prefix) {
    const bool ok = std::islower(static_cast<unsigned char>(c)) ||
                    std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
    if (!ok) return false;
  }
  return name_part(k.substr(slash + 1));
}

struct Parser {
  std::vector<Item> items;
  std::size_t position = 0;

  // Values context: "in"/"notin" read as identifiers.
  Item look(bool values) const {
    Item it = items[position];
    if (values && (it.tok == Tok::kIn || it.tok == Tok::kNotIn)) it.tok = Tok::kIdentifier;
    return it;
  }
  Item take(bool values) {
    Item it = look(values);
    ++position;
    return it;
  }

  std::expected<LabelRequirement, std::string> requirement();
  std::expected<std::set<std::string>, std::string> values_in_parens();
  std::expected<std::set<std::string>, std::string> identifiers();
};

std::expected<std::set<std::string>, std::string> Parser::identifiers() {
  std::set<std::string> s;
  for (;;) {
    const Item it = take(true);
    if (it.tok == Tok::kIdentifier) {
      s.insert(it.lit);
      const Item next = look(true);
      if (next.tok == Tok::kComma) continue;
      if (next.tok == Tok::kClosedPar) return s;
      return std::unexpected("found '" + next.lit + "', expected: ',' or ')'");
    }
    if (it.tok != Tok::kComma) {
      return std::unexpected("found '" + it.lit + "', expected: ',', or identifier");
    }
    if (s.empty()) s.insert("");  // "(,"
    const Item next = look(true);
    if (next.tok == Tok::kClosedPar) {
      s.insert("");  // ",)"
      return s;
    }
    if (next.tok == Tok::kComma) {
      take(true);
      s.insert("");  // ",,"
    }
  }
}

std::expected<std::set<std::string>, std::string> Parser::values_in_parens() {
  const Item open = take(true);
  if (open.tok != Tok::kOpenPar) return std::unexpected("found '" + open.lit + "' expected: '('");
  const Item next = look(true);
  if (next.tok == Tok::kIdentifier || next.tok == Tok::kComma) {
    auto s = identifiers();
    if (!s) return s;
    if (take(true).tok != Tok::kClosedPar) {
      return std::unexpected("found '" + next.lit + "', expected: ')'");
    }
    return s;
  }
  if (next.tok == Tok::kClosedPar) {  // "()"
    take(true);
    return std::set<std::string>{""};
  }
  return std::unexpected("found '" + next.lit + "', expected: ',', ')' or identifier");
}

std::expected<LabelRequirement, std::string> Parser::requirement() {
  // parseKeyAndInferOperator
  Item key = take(true);
  const bool does_not_exist = key.tok == Tok::kDoesNotExist;
  if (does_not_exist) key = take(true);
  if (key.tok != Tok::kIdentifier) {
    return std::unexpected("found '" + key.lit + "', expected: identifier");
  }
  if (!qualified_name(key.lit)) return std::unexpected("invalid label key \"" + key.lit + "\"");
  const Tok after = look(true).tok;
  if (does_not_exist || after == Tok::kEnd || after == Tok::kComma) {
    return LabelRequirement{key.lit, does_not_exist ? "DoesNotExist" : "Exists", {}};
  }
  // parseOperator
  const Item op = take(false);
  std::string name;
  switch (op.tok) {
    case Tok::kIn:
      name = "In";
      break;
    case Tok::kNotIn:
      name = "NotIn";
      break;
    case Tok::kEquals:
    case Tok::kDoubleEquals:
      name = "In";  // matches like an In with one value
      break;
    case Tok::kNotEquals:
      name = "NotIn";
      break;
    case Tok::kGreaterThan:
      name = "Gt";
      break;
    case Tok::kLessThan:
      name = "Lt";
      break;
    default:
      return std::unexpected("found '" + op.lit + "', expected: in, notin, =, ==, !=, gt, lt");
  }
  std::set<std::string> values;
  if (op.tok == Tok::kIn || op.tok == Tok::kNotIn) {
    auto v = values_in_parens();
    if (!v) return std::unexpected(v.error());
    values = *v;
  } else {  // parseExactValue
    const Item v = look(true);
    if (v.tok == Tok::kEnd || v.tok == Tok::kComma) {
      values.insert("");
    } else if (take(true).tok == Tok::kIdentifier) {
      values.insert(v.lit);
    } else {
      return std::unexpected("found '" + v.lit + "', expected: identifier");
    }
  }
  for (const std::string& v : values) {
    if (!v.empty() && !name_part(v)) {
      return std::unexpected("invalid label value: \"" + v + "\": at key: \"" + key.lit + "\"");
    }
    if ((name == "Gt" || name == "Lt") &&
        (v.empty() || v.find_first_not_of("-0123456789") != std::string::npos)) {
      return std::unexpected("for 'Gt', 'Lt' operators, the value must be an integer");
    }
  }
  return LabelRequirement{key.lit, name, std::vector<std::string>(values.begin(), values.end())};
}

}  // namespace

std::expected<LabelSelector, std::string> parse_label_selector(std::string_view text) {
  Parser p{scan(text), 0};
  LabelSelector sel;
  if (p.look(true).tok == Tok::kEnd) return std::unexpected(std::string("empty selector"));
  // upstream: Parser.parse
  for (;;) {
    const Item it = p.look(true);
    if (it.tok == Tok::kEnd) return sel;
    if (it.tok != Tok::kIdentifier && it.tok != Tok::kDoesNotExist) {
      return std::unexpected("found '" + it.lit + "', expected: !, identifier, or 'end of string'");
    }
    auto r = p.requirement();
    if (!r) return std::unexpected("unable to parse requirement: " + r.error());
    sel.match_expressions.push_back(*r);
    const Item t = p.take(true);
    if (t.tok == Tok::kEnd) return sel;
    if (t.tok != Tok::kComma) {
      return std::unexpected("found '" + t.lit + "', expected: ',' or 'end of string'");
    }
    const Tok t2 = p.look(true).tok;
    if (t2 != Tok::kIdentifier && t2 != Tok::kDoesNotExist) {
      return std::unexpected("found '" + p.look(true).lit + "', expected: identifier after ','");
    }
  }
}

}  // namespace ksim::control::hpa
