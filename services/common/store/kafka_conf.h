// Internal: building librdkafka configurations with errors as values.
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>

#include "ksim/services/store/error.h"

namespace ksim::services::store::detail {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

struct HandleDeleter {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;

/// A new configuration with every (name, value) set; the error names the
/// property librdkafka refused and why.
Result<ConfPtr> make_conf(const std::map<std::string, std::string>& properties);

/// rd_kafka_new; on success the handle owns `conf`.
Result<HandlePtr> make_handle(rd_kafka_type_t type, ConfPtr conf);

/// An Error from a librdkafka response code and what was being done.
Error kafka_error(rd_kafka_resp_err_t code, std::string_view what);

}  // namespace ksim::services::store::detail
