// A page of a table whose rows keep their API JSON in a `body` column and
// their order in an integer `seq`: what the services' list routes answer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ksim/services/store/db.h"
#include "ksim/services/store/error.h"

namespace ksim::services::store {

struct BodyPage {
  std::string items_json;  // a JSON array of the bodies, in seq order
  std::int64_t total = 0;  // rows in the table
  std::int64_t count = 0;  // rows in this page
};

/// Rows [offset, offset + limit) of `table` by seq. `table` is the
/// service's own literal name (it is spliced into the SQL).
Result<BodyPage> body_page(Db& db, std::string_view table, std::int64_t limit, std::int64_t offset);

}  // namespace ksim::services::store
