// body_page: COUNT(*), then the page's bodies joined into one JSON array
// without parsing them.
#include "ksim/services/store/body_page.h"

namespace ksim::services::store {

Result<BodyPage> body_page(Db& db, std::string_view table, std::int64_t limit,
                           std::int64_t offset) {
  const std::string name(table);
  BodyPage page;
  auto total = db.query_int64("SELECT COUNT(*) FROM " + name);
  if (!total) return std::unexpected(total.error());
  page.total = *total;
  auto s = db.prepare("SELECT body FROM " + name + " ORDER BY seq LIMIT ? OFFSET ?");
  if (!s) return std::unexpected(s.error());
  if (auto b = s->bind(limit, offset); !b) return std::unexpected(b.error());
  page.items_json = "[";
  while (true) {
    auto row = s->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    if (page.count++ > 0) page.items_json += ',';
    page.items_json += s->text(0);
  }
  page.items_json += ']';
  return page;
}

}  // namespace ksim::services::store
