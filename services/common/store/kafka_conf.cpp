#include "kafka_conf.h"

#include <fmt/format.h>

#include <array>

namespace ksim::services::store::detail {

Result<ConfPtr> make_conf(const std::map<std::string, std::string>& properties) {
  ConfPtr conf(rd_kafka_conf_new());
  std::array<char, 512> message{};
  for (const auto& [name, value] : properties) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), message.data(),
                          message.size()) != RD_KAFKA_CONF_OK) {
      return store_error(fmt::format("kafka property {}={}: {}", name, value, message.data()));
    }
  }
  return conf;
}

Result<HandlePtr> make_handle(rd_kafka_type_t type, ConfPtr conf) {
  std::array<char, 512> message{};
  rd_kafka_t* handle = rd_kafka_new(type, conf.get(), message.data(), message.size());
  if (handle == nullptr) return store_error(fmt::format("kafka client: {}", message.data()));
  (void)conf.release();  // rd_kafka_new took ownership
  return HandlePtr(handle);
}

Error kafka_error(rd_kafka_resp_err_t code, std::string_view what) {
  return Error{ErrorSource::kKafka, static_cast<int>(code),
               fmt::format("{}: {}", what, rd_kafka_err2str(code))};
}

}  // namespace ksim::services::store::detail
