// Counters across the targets of attach --follow: a finished target's counters are carried into the
// next one's, a series the new target has not shown yet stays listed, a figure revised down is held
// at its high-water mark, and gauges pass through untouched.
#include <gtest/gtest.h>

#include "app/counter_totals.hpp"

using perfprobe::app::CounterTotals;
using perfprobe::report::MetricFamily;
using perfprobe::report::MetricType;

namespace {

MetricFamily counter(const std::string& name, const std::string& marker, double v) {
  return {name, MetricType::counter, "", "help", {{"_total", {{"run", "1"}, {"marker", marker}}, v}}};
}

MetricFamily gauge(const std::string& name, double v) {
  return {name, MetricType::gauge, "", "help", {{"", {{"run", "1"}}, v}}};
}

double value(const std::vector<MetricFamily>& fs, const std::string& name, const std::string& marker = "") {
  for (const auto& f : fs) {
    if (f.name != name) continue;
    for (const auto& p : f.points) {
      bool match = marker.empty();
      for (const auto& [k, v] : p.labels) match = match || (k == "marker" && v == marker);
      if (match) return p.value;
    }
  }
  return -1;
}

}  // namespace

TEST(CounterTotals, CarriesFinishedTargetsAndNeverGoesDown) {
  CounterTotals totals;
  std::vector<MetricFamily> first{counter("perfprobe_markers", "a", 10), gauge("perfprobe_tokens_per_second", 5)};
  totals.apply(first);
  EXPECT_EQ(value(first, "perfprobe_markers", "a"), 10);
  totals.carry({counter("perfprobe_markers", "a", 12)});  // the final figures: 2 more after the last scrape

  std::vector<MetricFamily> between;  // no target: the carried series are still listed
  totals.apply(between);
  EXPECT_EQ(value(between, "perfprobe_markers", "a"), 12);

  std::vector<MetricFamily> second{counter("perfprobe_markers", "b", 1), gauge("perfprobe_tokens_per_second", 7)};
  totals.apply(second);
  EXPECT_EQ(value(second, "perfprobe_markers", "a"), 12) << "a series the new target has not shown stays";
  EXPECT_EQ(value(second, "perfprobe_markers", "b"), 1);
  EXPECT_EQ(value(second, "perfprobe_tokens_per_second"), 7) << "gauges are the current target's";

  std::vector<MetricFamily> third{counter("perfprobe_markers", "a", 3)};
  totals.apply(third);
  EXPECT_EQ(value(third, "perfprobe_markers", "a"), 15) << "carried 12 + 3 of the second target";

  std::vector<MetricFamily> revised{counter("perfprobe_markers", "a", 1)};  // e.g. stalls after a new median
  totals.apply(revised);
  EXPECT_EQ(value(revised, "perfprobe_markers", "a"), 15) << "held at the high-water mark";
}

TEST(CounterTotals, SummarySumAndCountAreCarriedButNotItsQuantiles) {
  CounterTotals totals;
  const perfprobe::report::Labels l{{"run", "1"}};
  auto summary = [&](double q, double sum, double count) {
    MetricFamily f{"lat", MetricType::summary, "seconds", "help", {}};
    auto lq = l;
    lq.emplace_back("quantile", "0.5");
    f.points = {{"", lq, q}, {"_sum", l, sum}, {"_count", l, count}};
    return f;
  };
  totals.carry({summary(0.2, 4, 20)});
  std::vector<MetricFamily> now{summary(0.1, 1, 10)};
  totals.apply(now);
  ASSERT_EQ(now.front().points.size(), 3U);
  EXPECT_EQ(now.front().points[0].value, 0.1);
  EXPECT_EQ(now.front().points[1].value, 5);
  EXPECT_EQ(now.front().points[2].value, 30);
}
