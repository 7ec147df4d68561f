// Internal: one chart as the page's script reads it (report/README.md), built
// column by column on a shared time axis.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ksim::report::detail {

class Chart {
 public:
  /// `labels`: the series' names, one column each (the time axis excluded).
  Chart(std::string id, std::string title, std::string ylabel, std::vector<std::string> labels);

  /// Puts `value` (a number, null, or [low, mid, high] in a band chart) in
  /// `column` at `t_us` (microseconds since the run's start). Rows are kept by
  /// time; a time first seen gets null in every other column.
  void set(std::int64_t t_us, std::size_t column, nlohmann::json value);
  /// A number, or null for a NaN (no value).
  void set_number(std::int64_t t_us, std::size_t column, double value);
  /// A scaling decision's mark on `column`'s series at `t_us` (which must
  /// hold a value in that column, or the library cannot place it).
  void annotate(std::int64_t t_us, std::size_t column, std::string short_text, std::string text);

  Chart& stacked() {
    stacked_ = true;
    return *this;
  }
  Chart& step() {
    step_ = true;
    return *this;
  }
  /// Every value is [low, mid, high]; the band between low and high is shaded.
  /// A logarithmic y axis (for latencies spanning milliseconds to seconds).
  Chart& log_scale() {
    log_ = true;
    return *this;
  }
  Chart& band() {
    band_ = true;
    return *this;
  }
  /// Draws `column` against a second y axis labelled `label`.
  Chart& on_y2(std::size_t column, std::string label);

  [[nodiscard]] bool empty() const { return rows_.empty(); }
  [[nodiscard]] nlohmann::json to_json() const;

 private:
  std::string id_, title_, ylabel_, y2label_;
  std::vector<std::string> labels_;
  std::vector<std::string> y2_;
  std::map<std::int64_t, std::vector<nlohmann::json>> rows_;
  nlohmann::json annotations_ = nlohmann::json::array();
  bool stacked_ = false, step_ = false, band_ = false, log_ = false;
};

/// Seconds since the run's start, as the page's x axis.
double seconds(std::int64_t t_us);

}  // namespace ksim::report::detail
