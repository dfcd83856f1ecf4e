// The two expositions of metric families: OpenMetrics (counter families without _total, # UNIT,
// timestamps, # EOF) and Prometheus text 0.0.4 (counter families with _total), escaping, names.
#include <gtest/gtest.h>

#include "perfprobe/report/openmetrics.hpp"

namespace perfprobe::report {
namespace {

std::vector<MetricFamily> families() {
  return {
      {"perfprobe_wall_seconds", MetricType::gauge, "seconds", "Wall time.", {{"", {{"run", "1"}}, 1.5}}},
      {"perfprobe_tokens", MetricType::counter, "", "Tokens seen.", {{"_total", {{"command", "a \"b\"\\c\nd"}}, 7}}},
      {"perfprobe_unused", MetricType::gauge, "", "No points: left out.", {}},
  };
}

TEST(OpenMetrics, CounterFamilyWithoutTotalUnitAndEof) {
  const std::string text = render_metrics(families(), Exposition::openmetrics);
  EXPECT_EQ(text,
            "# TYPE perfprobe_wall_seconds gauge\n"
            "# UNIT perfprobe_wall_seconds seconds\n"
            "# HELP perfprobe_wall_seconds Wall time.\n"
            "perfprobe_wall_seconds{run=\"1\"} 1.5\n"
            "# TYPE perfprobe_tokens counter\n"
            "# HELP perfprobe_tokens Tokens seen.\n"
            "perfprobe_tokens_total{command=\"a \\\"b\\\"\\\\c\\nd\"} 7\n"
            "# EOF\n");
}

TEST(OpenMetrics, TimestampOnEveryPointInSeconds) {
  const std::string text = render_metrics(families(), Exposition::openmetrics, 1700000000.25);
  EXPECT_NE(text.find("perfprobe_wall_seconds{run=\"1\"} 1.5 1700000000.25\n"), std::string::npos) << text;
}

TEST(PrometheusText, CounterFamilyWithTotalNoUnitNoEofNoTimestamp) {
  const std::string text = render_metrics(families(), Exposition::prometheus_text, 1700000000.0);
  EXPECT_EQ(text,
            "# HELP perfprobe_wall_seconds Wall time.\n"
            "# TYPE perfprobe_wall_seconds gauge\n"
            "perfprobe_wall_seconds{run=\"1\"} 1.5\n"
            "# HELP perfprobe_tokens_total Tokens seen.\n"
            "# TYPE perfprobe_tokens_total counter\n"
            "perfprobe_tokens_total{command=\"a \\\"b\\\"\\\\c\\nd\"} 7\n");
}

TEST(OpenMetrics, SpecialValues) {
  std::vector<MetricFamily> f{{"x", MetricType::gauge, "", "h", {{"", {}, 1.0 / 0.0}, {"", {{"a", "b"}}, 0.1}}}};
  EXPECT_EQ(render_metrics(f, Exposition::prometheus_text), "# HELP x h\n# TYPE x gauge\nx +Inf\nx{a=\"b\"} 0.1\n");
}

TEST(OpenMetrics, NameParts) {
  EXPECT_EQ(metric_name_part("llm:token"), "llm_token");
  EXPECT_EQ(metric_name_part("perf::task-clock"), "perf_task_clock");
  EXPECT_EQ(metric_name_part("9lives"), "_9lives");
  EXPECT_EQ(metric_name_part("a--"), "a");
}

}  // namespace
}  // namespace perfprobe::report

namespace perfprobe::report {
namespace {

const MetricFamily* find(const std::vector<MetricFamily>& fs, const std::string& name) {
  for (const auto& f : fs) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

TEST(RunFamilies, NamesUnitsAndLabelsFollowPrometheusConventions) {
  RunResult r;
  r.wall_ns = 1'500'000'000;
  r.peak_rss_bytes = 1 << 20;
  r.rss.push_back({.t_ns = 1, .rss_bytes = 4 << 20});
  r.rss.push_back({.t_ns = 2, .rss_bytes = 3 << 20});
  r.startup_ns = 250'000'000;
  r.phases.push_back({"load", 0, 200'000'000, 4096, 0, 0, {}});
  TokenStats t;
  t.count = 5;
  t.ttft_ns = 300'000'000;
  t.tokens_per_s = 40;
  t.latency_ms = {10, 20, 30, 40};
  r.tokens = t;
  CounterReading c;
  c.name = "task-clock";
  c.supported = true;
  c.value = 2e9;
  c.unit = "ns";
  r.counters.push_back(c);
  r.marker_counts["llm:token"] = 5;
  const auto fs = run_families({r, r}, ExportLabels{"./llm", "box"});
  const auto* wall = find(fs, "perfprobe_wall_seconds");
  ASSERT_NE(wall, nullptr);
  EXPECT_EQ(wall->unit, "seconds");
  ASSERT_EQ(wall->points.size(), 2U) << "one point per run";
  EXPECT_DOUBLE_EQ(wall->points[0].value, 1.5);
  EXPECT_EQ(wall->points[1].labels, (Labels{{"command", "./llm"}, {"host", "box"}, {"run", "2"}}));
  ASSERT_NE(find(fs, "perfprobe_peak_rss_bytes"), nullptr);
  EXPECT_EQ(find(fs, "perfprobe_peak_rss_bytes")->unit, "bytes");
  ASSERT_NE(find(fs, "perfprobe_rss_bytes"), nullptr);
  ASSERT_EQ(find(fs, "perfprobe_rss_bytes")->points.size(), 2U);
  EXPECT_DOUBLE_EQ(find(fs, "perfprobe_rss_bytes")->points[0].value, 3 << 20) << "the last sample, not the peak";
  EXPECT_DOUBLE_EQ(find(fs, "perfprobe_startup_seconds")->points[0].value, 0.25);
  EXPECT_DOUBLE_EQ(find(fs, "perfprobe_tokens_ttft_seconds")->points[0].value, 0.3);
  EXPECT_DOUBLE_EQ(find(fs, "perfprobe_tokens_per_second")->points[0].value, 40);
  const auto* tokens = find(fs, "perfprobe_tokens");
  ASSERT_NE(tokens, nullptr);
  EXPECT_EQ(tokens->type, MetricType::counter);
  EXPECT_EQ(tokens->points[0].suffix, "_total");
  const auto* phase = find(fs, "perfprobe_phase_duration_seconds");
  ASSERT_NE(phase, nullptr);
  EXPECT_EQ(phase->points[0].labels.back(), (std::pair<std::string, std::string>{"phase", "load"}));
  EXPECT_DOUBLE_EQ(find(fs, "perfprobe_phase_rss_delta_bytes")->points[0].value, 4096);
  const auto* cpu = find(fs, "perfprobe_event_seconds");
  ASSERT_NE(cpu, nullptr);
  EXPECT_DOUBLE_EQ(cpu->points[0].value, 2.0) << "task-clock ns -> seconds";
  const auto* lat = find(fs, "perfprobe_token_latency_seconds");
  ASSERT_NE(lat, nullptr);
  EXPECT_EQ(lat->type, MetricType::summary);
  ASSERT_EQ(lat->points.size(), 12U) << "4 quantiles, _sum, _count, per run";
  EXPECT_EQ(lat->points[0].labels.back().second, "0.5");
  EXPECT_DOUBLE_EQ(lat->points[4].value, 0.1) << "_sum in seconds";
  EXPECT_DOUBLE_EQ(lat->points[5].value, 4);
  EXPECT_EQ(find(fs, "perfprobe_tokens_latency_p95_seconds"), nullptr) << "the summary replaces the percentiles";
  ASSERT_NE(find(fs, "perfprobe_markers"), nullptr);
  const auto* info = find(fs, "perfprobe_export_info");
  ASSERT_NE(info, nullptr);
  ASSERT_EQ(info->points.size(), 1U);
  EXPECT_EQ(info->points[0].labels[2], (std::pair<std::string, std::string>{"schema_version", "1"}));
  EXPECT_EQ(info->points[0].value, 1);
  for (const auto& f : fs) {
    EXPECT_TRUE(f.name.starts_with("perfprobe_")) << f.name;
    EXPECT_EQ(f.name.find("_ms"), std::string::npos) << f.name;
    if (!f.unit.empty()) {
      EXPECT_TRUE(f.name.ends_with(f.unit)) << f.name;
    }
  }
}

}  // namespace
}  // namespace perfprobe::report
