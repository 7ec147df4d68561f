// Host and path matching primitives (patterns.h).
#include "ksim/control/ingress/patterns.h"

#include <cstddef>

namespace ksim::control::ingress {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_label_char(char c) {
  // PCRE \w is [A-Za-z0-9_]; the template adds '-'.
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool same(char p, char t, bool ignore_case) { return ignore_case ? lower(p) == lower(t) : p == t; }

}  // namespace

std::string_view strip_port(std::string_view host_header) {
  if (host_header.starts_with('[')) {  // IPv6 literal: "[::1]:8080"
    const auto close = host_header.find(']');
    return close == std::string_view::npos ? host_header : host_header.substr(0, close + 1);
  }
  const auto colon = host_header.rfind(':');
  return colon == std::string_view::npos ? host_header : host_header.substr(0, colon);
}

std::string_view strip_query(std::string_view target) {
  const auto end = target.find_first_of("?#");
  return end == std::string_view::npos ? target : target.substr(0, end);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool nginx_wildcard_matches(std::string_view wildcard, std::string_view host) {
  if (!wildcard.starts_with("*.")) return false;
  const std::string_view suffix = wildcard.substr(1);  // ".foo.com"
  if (host.size() <= suffix.size()) return false;
  const std::size_t label_len = host.size() - suffix.size();
  if (!iequals(host.substr(label_len), suffix)) return false;
  for (std::size_t i = 0; i < label_len; ++i)
    if (!is_label_char(host[i])) return false;  // one label: no '.'
  return true;
}

bool alb_pattern_matches(std::string_view pattern, std::string_view text, bool ignore_case) {
  // Iterative glob with one backtrack point (the last '*'): linear in practice,
  // never exponential, no allocation.
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '?' || (pattern[p] != '*' && same(pattern[p], text[t], ignore_case)))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_t = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace ksim::control::ingress
