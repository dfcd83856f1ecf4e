// The comparison rule on hand-computed cases (tiny samples, ties, zero medians, floors, direction)
// and compare's sides and views.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "perfprobe/error.hpp"
#include "perfprobe/gate/compare.hpp"
#include "perfprobe/gate/evaluate.hpp"
#include "perfprobe/gate/views.hpp"

using namespace perfprobe;
using namespace perfprobe::gate;

namespace {

RegressionResult cmp(const std::string& key, const std::vector<double>& a, const std::vector<double>& b,
                     double tolerance = 0.05) {
  return compare_metric(*metrics::find(key), a, b, {"a", 0.99, tolerance, false});
}

}  // namespace

TEST(Rule, OneRunASideIsNeverTestedOnlyInconclusive) {
  const auto r = cmp("wall_ms", {100}, {200});
  EXPECT_EQ(r.method, "none");
  EXPECT_EQ(r.outcome, Outcome::inconclusive);
  EXPECT_DOUBLE_EQ(r.change, 1.0);
  EXPECT_EQ(cmp("wall_ms", {100}, {101}).outcome, Outcome::same);  // within the 5% tolerance
}

TEST(Rule, FiveAgainstFiveFullySeparatedIsConfirmed) {
  // Exact one-sided p = 1 / C(10,5) = 1/252 = 0.00397 < 0.01; median 100 -> 120: +20%.
  const auto r = cmp("wall_ms", {98, 99, 100, 101, 102}, {118, 119, 120, 121, 122});
  EXPECT_TRUE(r.method == "exact");
  EXPECT_NEAR(r.p_value, 1.0 / 252, 1e-12);
  EXPECT_EQ(r.outcome, Outcome::regressed);
  EXPECT_NEAR(r.change, 0.2, 1e-12);
  // Four against four cannot get below 1/C(8,4) = 1/70 = 0.0143: inconclusive, with the hint.
  const auto four = cmp("wall_ms", {98, 99, 100, 101}, {118, 119, 120, 121});
  EXPECT_EQ(four.outcome, Outcome::inconclusive);
  EXPECT_NE(four.note.find("4 vs 4 runs cannot reach 99% confidence"), std::string::npos) << four.note;
}

TEST(Rule, TiesEverywhereGiveNoEvidence) {
  // Every value equal on both sides: the tie-corrected variance is 0, p = 1, no change.
  const auto r = cmp("wall_ms", {5, 5, 5}, {5, 5, 5});
  EXPECT_DOUBLE_EQ(r.p_value, 1);
  EXPECT_EQ(r.outcome, Outcome::same);
}

TEST(Rule, ZeroBaselineMedianHasNoRelativeChange) {
  const auto r = cmp("phases.a.rss_delta_bytes", {0, 0, 0, 0, 0}, {4e6, 4e6, 4e6, 4e6, 4e6});
  EXPECT_DOUBLE_EQ(r.change, 0);
  EXPECT_EQ(r.outcome, Outcome::same);
  EXPECT_EQ(describe_change(r), "same");
}

TEST(Rule, TheAbsoluteFloorKeepsTinyProgramsQuiet) {
  // 1.0 ms -> 1.2 ms is +20% and certain, but 0.2 ms is below wall's 0.25 ms floor.
  const auto r = cmp("wall_ms", {0.99, 1.0, 1.0, 1.01, 1.0, 1.0}, {1.19, 1.2, 1.2, 1.21, 1.2, 1.2});
  EXPECT_LT(r.p_value, 0.01);
  EXPECT_EQ(r.outcome, Outcome::same);
  EXPECT_NE(r.note.find("within"), std::string::npos);
  // 300 KiB more peak RSS on 2.5 MiB (+12%) is below the 512 KiB floor.
  const double mib = 1 << 20;
  EXPECT_EQ(cmp("peak_rss_bytes", {2.5 * mib, 2.5 * mib, 2.5 * mib}, {2.8 * mib, 2.8 * mib, 2.8 * mib}).outcome,
            Outcome::same);
}

TEST(Rule, HigherIsBetterFallsAreRegressionsAndPrintAsFalls) {
  const auto r = cmp("tokens.tokens_per_s", {25.9, 25.92, 25.95, 25.91, 25.93}, {9.66, 9.67, 9.68, 9.65, 9.69});
  EXPECT_EQ(r.outcome, Outcome::regressed);
  EXPECT_NEAR(r.change, 9.67 / 25.92 - 1, 1e-12);  // -62.7%
  EXPECT_EQ(format_change(r.change), "-62.7%");
  EXPECT_EQ(describe_change(r), "-62.7% worse");
  const auto up = cmp("tokens.tokens_per_s", {9.66, 9.67, 9.68, 9.65, 9.69}, {25.9, 25.92, 25.95, 25.91, 25.93});
  EXPECT_EQ(up.outcome, Outcome::improved);
  EXPECT_EQ(describe_change(up), "+168.0% better");
}

TEST(Rule, TimesReadAsRatiosWhenLarge) {
  EXPECT_EQ(describe_change(cmp("wall_ms", {100, 100, 100}, {260, 260, 260})), "2.60x slower");
  EXPECT_EQ(describe_change(cmp("wall_ms", {260, 260, 260}, {100, 100, 100})), "2.60x faster");
  EXPECT_EQ(describe_change(cmp("wall_ms", {100, 100, 100}, {112, 112, 112})), "+12.0% slower");
  EXPECT_EQ(describe_change(cmp("peak_rss_bytes", {4e6, 4e6}, {3e6, 3e6})), "-25.0% smaller");
}

TEST(Compare, SidesFromJsonAndEverySharedMetric) {
  const auto a = parse_side(
      R"({"command": ["./llm", "-t", "1"], "samples": {"wall_ms": [100, 101, 99, 100, 102],
          "tokens.tokens_per_s": [20, 20.5, 19.5, 20, 20.2], "phases.load.duration_ms": [10, 10, 10, 10, 10]}})",
      "a.json");
  const auto b = parse_side(R"({"samples": {"wall_ms": [260, 261, 259, 260, 262], "tokens_per_s": [40, 41, 39, 40, 40],
          "counters.cycles": [1, 2]}})",
                            "b.json");
  EXPECT_EQ(a.runs, 5U);
  EXPECT_EQ(a.command.size(), 3U);
  const auto c = compare_sides({a, b}, {"", 0.99, 0.05, false});
  ASSERT_EQ(c.size(), 1U);
  ASSERT_EQ(c[0].metrics.size(), 2U);  // wall and tokens/s are shared; the phase and counter are not
  EXPECT_EQ(c[0].metrics[0].metric, "wall_ms");
  EXPECT_EQ(c[0].metrics[0].outcome, Outcome::regressed);
  EXPECT_EQ(c[0].metrics[1].outcome, Outcome::improved);
  std::ostringstream text;
  write_compare_text(text, c, {"", 0.99, 0.05, false}, false);
  EXPECT_NE(text.str().find("2.60x slower"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("./llm -t 1"), std::string::npos);
  const auto md = compare_to_markdown(c, {"", 0.99, 0.05, false});
  EXPECT_NE(md.find("| wall | 100.0 ms ± 1.1 ms | 260.0 ms ± 1.1 ms | 2.60x slower |"), std::string::npos) << md;
  const auto j = nlohmann::json::parse(compare_to_json(c, {"", 0.99, 0.05, false}));
  EXPECT_EQ(j["comparisons"][0]["metrics"][1]["outcome"], "better");
  EXPECT_THROW((void)parse_side(R"({"runs": []})", "old.json"), UsageError);
}
