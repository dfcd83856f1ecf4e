// Bencher Metric Format: the document has the documented shape (benchmark -> measure -> value,
// lower_value, upper_value, numbers, lower <= value <= upper) and the figures of the runs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "perfprobe/report/bmf.hpp"

namespace perfprobe::report {
namespace {

std::vector<RunResult> runs() {
  std::vector<RunResult> out;
  for (const std::int64_t wall_ms : {100, 120, 110}) {
    RunResult r;
    r.wall_ns = wall_ms * 1'000'000;
    r.peak_rss_bytes = 1 << 20;
    r.phases.push_back({"load", 0, wall_ms * 500'000, 4096, 0, 0, {}});
    out.push_back(r);
  }
  return out;
}

// The shape https://bencher.dev/docs/reference/bencher-metric-format/ documents.
void expect_bmf_shape(const nlohmann::json& doc) {
  ASSERT_TRUE(doc.is_object());
  for (const auto& [benchmark, measures] : doc.items()) {
    EXPECT_FALSE(benchmark.empty());
    ASSERT_TRUE(measures.is_object()) << benchmark;
    for (const auto& [measure, m] : measures.items()) {
      ASSERT_TRUE(m.is_object()) << measure;
      ASSERT_TRUE(m.contains("value") && m["value"].is_number()) << measure;
      for (const auto& [key, v] : m.items()) {
        EXPECT_TRUE(key == "value" || key == "lower_value" || key == "upper_value") << key;
        EXPECT_TRUE(v.is_number()) << key;
      }
      if (m.contains("lower_value")) {
        EXPECT_LE(m["lower_value"].get<double>(), m["value"].get<double>());
      }
      if (m.contains("upper_value")) {
        EXPECT_GE(m["upper_value"].get<double>(), m["value"].get<double>());
      }
    }
  }
}

TEST(Bmf, ShapeAndFigures) {
  const auto doc = nlohmann::json::parse(to_bmf({{"./llm --fast", metrics::samples_of(runs())}}));
  expect_bmf_shape(doc);
  ASSERT_TRUE(doc.contains("./llm --fast"));
  const auto& wall = doc["./llm --fast"]["wall_ms"];
  EXPECT_DOUBLE_EQ(wall["value"].get<double>(), 110.0) << "the median";
  EXPECT_DOUBLE_EQ(wall["lower_value"].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(wall["upper_value"].get<double>(), 120.0);
  EXPECT_DOUBLE_EQ(doc["./llm --fast"]["peak_rss_bytes"]["value"].get<double>(), 1 << 20);
  EXPECT_DOUBLE_EQ(doc["./llm --fast"]["phases.load.duration_ms"]["value"].get<double>(), 55.0);
  EXPECT_FALSE(doc["./llm --fast"].contains("tokens.ttft_ms")) << "no tokens: no measure";
}

TEST(Bmf, SeveralBenchmarksOneRunEach) {
  const auto one = std::vector<RunResult>{runs()[0]};
  const auto doc =
      nlohmann::json::parse(to_bmf({{"a.json", metrics::samples_of(one)}, {"b.json", metrics::samples_of(runs())}}));
  expect_bmf_shape(doc);
  EXPECT_EQ(doc.size(), 2U);
  EXPECT_EQ(doc["a.json"]["wall_ms"]["lower_value"], doc["a.json"]["wall_ms"]["upper_value"]);
}

}  // namespace
}  // namespace perfprobe::report
