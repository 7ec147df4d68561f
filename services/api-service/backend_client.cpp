#include "backend_client.h"

#include <algorithm>
#include <charconv>

namespace ksim::services::api {
namespace {

http::ClientOptions client_options(std::chrono::milliseconds timeout) {
  http::ClientOptions o;
  // The connect is part of the call: bound it by the same timeout so an
  // unreachable backend cannot hold a request longer than a slow one.
  o.connect_timeout = std::min(timeout, std::chrono::milliseconds(2'000));
  o.request_timeout = timeout;
  return o;
}

std::string describe(const BackendUrl& url) {
  return "backend " + url.host + ":" + std::to_string(url.port);
}

}  // namespace

std::expected<BackendUrl, std::string> parse_backend_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return std::unexpected("only http:// URLs are supported");
  url.remove_prefix(kScheme.size());
  BackendUrl out;
  const auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos) out.prefix = std::string(url.substr(slash));
  while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    const auto text = authority.substr(colon + 1);
    unsigned port = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (ec != std::errc() || ptr != text.data() + text.size() || port == 0 || port > 65535) {
      return std::unexpected("bad port '" + std::string(text) + "'");
    }
    out.port = static_cast<std::uint16_t>(port);
    authority = authority.substr(0, colon);
  }
  if (authority.size() >= 2 && authority.front() == '[' && authority.back() == ']') {
    authority = authority.substr(1, authority.size() - 2);
  }
  if (authority.empty()) return std::unexpected("no host");
  out.host = std::string(authority);
  return out;
}

HttpBackend::HttpBackend(BackendUrl url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), client_(std::make_unique<http::HttpClient>(client_options(timeout))) {}

BackendResult HttpBackend::call(http::Verb method, std::string_view target,
                                const nlohmann::json* body) {
  const std::string full = url_.prefix + std::string(target);
  std::expected<http::Response, http::ClientError> response;
  if (body != nullptr) {
    response = client_->send_json(url_.host, url_.port, method, full, *body);
  } else {
    http::BeastRequest request{method, full, 11};
    request.set(http::Field::accept, "application/json");
    response = client_->send(url_.host, url_.port, std::move(request));
  }
  if (!response) {
    const auto code = response.error().code == http::ClientErrc::kTimeout
                          ? BackendErrc::kTimeout
                          : BackendErrc::kUnavailable;
    return std::unexpected(BackendError{code, response.error().message});
  }
  BackendReply reply{response->result(), nullptr};
  if (!response->body().empty()) {
    reply.body = nlohmann::json::parse(response->body(), nullptr, false);
    if (reply.body.is_discarded()) {
      return std::unexpected(BackendError{BackendErrc::kBadReply,
                                          describe(url_) + " answered a body that is not JSON"});
    }
  }
  return reply;
}

CountingBackend::CountingBackend(Backend& inner, http::MetricsRegistry& metrics) : inner_(&inner) {
  auto& family = metrics.counter("backend_requests_total", "Calls to backend-service by outcome.",
                                 {"outcome"});
  // Series made at start-up: the hot path only increments.
  ok_ = &family.with({"ok"});
  server_error_ = &family.with({"server_error"});
  unavailable_ = &family.with({"unavailable"});
  timeout_ = &family.with({"timeout"});
  bad_reply_ = &family.with({"bad_reply"});
}

BackendResult CountingBackend::call(http::Verb method, std::string_view target,
                                    const nlohmann::json* body) {
  auto result = inner_->call(method, target, body);
  if (result) {
    (static_cast<unsigned>(result->status) >= 500 ? server_error_ : ok_)->inc();
  } else if (result.error().code == BackendErrc::kTimeout) {
    timeout_->inc();
  } else if (result.error().code == BackendErrc::kBadReply) {
    bad_reply_->inc();
  } else {
    unavailable_->inc();
  }
  return result;
}

}  // namespace ksim::services::api
