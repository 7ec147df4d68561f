// The CSV of a replay phase. Internal to spec_reader.cpp.
#pragma once

#include "ksim/services/load/spec.h"
#include "yaml_field.h"

namespace ksim::services::load::detail {

/// Reads `r.csv` (one number per line: arrival times in seconds from the
/// start, or requests per second for consecutive seconds; blank lines and
/// '#' comments skipped; a first line that is not a number is a header)
/// into `r`: rates with their prefix sums, or timestamps divided by
/// `r.speed`. Problems are recorded against `csv_field` as
/// "CSV:LINE: FIELD: message".
void read_replay_csv(Replay& r, const Field& csv_field);

}  // namespace ksim::services::load::detail
