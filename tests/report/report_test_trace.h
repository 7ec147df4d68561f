// A small hand-written trace in a fresh temporary directory per test, and
// lookups into the page data built from it.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "ksim/sim/trace/trace_reader.h"
#include "ksim/sim/trace/trace_writer.h"

namespace ksim::report::testing {

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("ksim_report_" + std::string{info->test_suite_name()} + "_" + info->name() + "_" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static Time at_s(double s) { return kTimeZero + Duration(static_cast<std::int64_t>(s * 1e6)); }

  /// The chart of `id` in `data`, or null JSON.
  static nlohmann::json chart(const nlohmann::json& data, const std::string& id) {
    for (const auto& s : data.at("sections")) {
      for (const auto& c : s.at("charts")) {
        if (c.at("id") == id) return c;
      }
    }
    return nullptr;
  }
  /// The row of `chart` at `t_s` seconds, or null JSON.
  static nlohmann::json row_at(const nlohmann::json& chart, double t_s) {
    for (const auto& r : chart.at("rows")) {
      if (r.at(0).get<double>() == t_s) return r;
    }
    return nullptr;
  }

  std::filesystem::path dir_;
};

}  // namespace ksim::report::testing
