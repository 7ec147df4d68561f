#include "ksim/services/http/request.h"

#include <cassert>

namespace ksim::services::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Calls fn(key, value) for each '&'-separated pair of the raw query string.
template <class Fn>
void for_each_pair(std::string_view query, Fn&& fn) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      if (!fn(pair, std::string_view{})) return;
    } else if (!fn(pair.substr(0, eq), pair.substr(eq + 1))) {
      return;
    }
  }
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

Request::Request(const BeastRequest& raw) : raw_(&raw) {
  const std::string_view t = target();
  const std::size_t q = t.find('?');
  if (q == std::string_view::npos) {
    path_ = t;
  } else {
    path_ = t.substr(0, q);
    query_ = t.substr(q + 1);
  }
}

std::string_view Request::target() const {
  const auto t = raw_->target();
  return {t.data(), t.size()};
}

std::string_view Request::header(Field field) const {
  const auto it = raw_->find(field);
  if (it == raw_->end()) return {};
  return {it->value().data(), it->value().size()};
}

std::string_view Request::header(std::string_view name) const {
  const auto it = raw_->find(boost::beast::string_view{name.data(), name.size()});
  if (it == raw_->end()) return {};
  return {it->value().data(), it->value().size()};
}

std::optional<std::string_view> Request::param(std::string_view name) const {
  for (std::size_t i = 0; i < param_count_; ++i) {
    if (params_[i].name == name) return params_[i].value;
  }
  return std::nullopt;
}

std::optional<std::string> Request::query(std::string_view name) const {
  std::optional<std::string> found;
  for_each_pair(query_, [&](std::string_view key, std::string_view value) {
    if (percent_decode(key, true) != name) return true;
    found = percent_decode(value, true);
    return false;
  });
  return found;
}

std::vector<std::pair<std::string, std::string>> Request::query_params() const {
  std::vector<std::pair<std::string, std::string>> out;
  for_each_pair(query_, [&](std::string_view key, std::string_view value) {
    out.emplace_back(percent_decode(key, true), percent_decode(value, true));
    return true;
  });
  return out;
}

void Request::add_param(std::string_view name, std::string_view value) {
  assert(param_count_ < kMaxPathParams);
  params_[param_count_++] = PathParam{name, value};
}

}  // namespace ksim::services::http
