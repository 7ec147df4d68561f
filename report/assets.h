// Internal: the files inlined into every page, embedded at build time
// (report/CMakeLists.txt generates assets.cpp from assets.cpp.in).
#pragma once

#include <string>

namespace ksim::report::detail {

std::string dygraph_js();   // the Debian package libjs-dygraphs' dygraph.min.js
std::string dygraph_css();  // its dygraph.min.css
std::string page_js();      // report/page.js: builds the charts from the data
std::string page_css();     // report/page.css

}  // namespace ksim::report::detail
