#include "chart.h"

#include <cmath>
#include <utility>

namespace ksim::report::detail {

double seconds(std::int64_t t_us) { return static_cast<double>(t_us) / 1e6; }

Chart::Chart(std::string id, std::string title, std::string ylabel, std::vector<std::string> labels)
    : id_(std::move(id)),
      title_(std::move(title)),
      ylabel_(std::move(ylabel)),
      labels_(std::move(labels)) {}

void Chart::set(std::int64_t t_us, std::size_t column, nlohmann::json value) {
  auto it = rows_.find(t_us);
  if (it == rows_.end())
    it = rows_.emplace(t_us, std::vector<nlohmann::json>(labels_.size())).first;
  it->second.at(column) = std::move(value);
}

void Chart::set_number(std::int64_t t_us, std::size_t column, double value) {
  set(t_us, column, std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr));
}

void Chart::annotate(std::int64_t t_us, std::size_t column, std::string short_text,
                     std::string text) {
  annotations_.push_back({{"series", labels_.at(column)},
                          {"x", seconds(t_us)},
                          {"shortText", std::move(short_text)},
                          {"text", std::move(text)}});
}

Chart& Chart::on_y2(std::size_t column, std::string label) {
  y2_.push_back(labels_.at(column));
  y2label_ = std::move(label);
  return *this;
}

nlohmann::json Chart::to_json() const {
  nlohmann::json labels = nlohmann::json::array({"time"});
  for (const std::string& l : labels_) labels.push_back(l);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& [t, values] : rows_) {
    nlohmann::json row = nlohmann::json::array({seconds(t)});
    for (const nlohmann::json& v : values) row.push_back(v);
    rows.push_back(std::move(row));
  }
  return {{"id", id_},           {"title", title_},     {"ylabel", ylabel_},
          {"y2label", y2label_}, {"labels", labels},    {"rows", std::move(rows)},
          {"y2", y2_},           {"stacked", stacked_}, {"step", step_},
          {"band", band_},       {"log", log_},         {"annotations", annotations_}};
}

}  // namespace ksim::report::detail
