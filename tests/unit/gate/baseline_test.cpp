// The Mann-Whitney U test against known values, and the regression decision (significance AND
// tolerance).
#include <gtest/gtest.h>

#include <random>

#include "perfprobe/gate/evaluate.hpp"
#include "perfprobe/gate/views.hpp"

using perfprobe::gate::compare_to_baseline;
using perfprobe::stats::mann_whitney_greater;

TEST(MannWhitney, ExactPValueWhenEveryCurrentValueIsLarger) {
  // All 3 current above all 3 baseline: one arrangement of C(6,3) = 20.
  const auto t = mann_whitney_greater({4, 5, 6}, {1, 2, 3});
  EXPECT_TRUE(t.exact);
  EXPECT_DOUBLE_EQ(t.u, 9);
  EXPECT_DOUBLE_EQ(t.p_value, 1.0 / 20);
  // 10 vs 10 fully separated: 1 / C(20,10).
  std::vector<double> lo, hi;
  for (int i = 0; i < 10; ++i) {
    lo.push_back(i);
    hi.push_back(100 + i);
  }
  EXPECT_NEAR(mann_whitney_greater(hi, lo).p_value, 1.0 / 184756, 1e-12);
  EXPECT_NEAR(mann_whitney_greater(lo, hi).p_value, 1.0, 1e-12);
}

TEST(MannWhitney, ExactMatchesFullEnumerationOnInterleavedSamples) {
  // Enumerating all C(10,5) = 252 splits of {1..10}: 183 give U >= 10.
  const auto t = mann_whitney_greater({1, 3, 5, 7, 9}, {2, 4, 6, 8, 10});
  EXPECT_DOUBLE_EQ(t.u, 10);
  EXPECT_NEAR(t.p_value, 183.0 / 252, 1e-12);
}

TEST(MannWhitney, NormalApproximationWithTies) {
  // Ties count a half: U = 11.5. Tie-corrected variance 16/12 * (9 - 30/56), continuity 0.5
  // (the asymptotic method of scipy.stats.mannwhitneyu): z = 2.5 / 3.3596, p = 0.17645.
  const auto t = mann_whitney_greater({2, 2, 3, 4}, {1, 2, 2, 3});
  EXPECT_FALSE(t.exact);
  EXPECT_DOUBLE_EQ(t.u, 11.5);
  EXPECT_NEAR(t.p_value, 0.176448, 1e-5);
}

TEST(Baseline, NoAlarmOnTheSameDistribution) {
  std::mt19937 rng(42);
  std::normal_distribution<double> noise(100, 5);
  int alarms = 0;
  for (int trial = 0; trial < 200; ++trial) {
    perfprobe::gate::Samples base, cur;
    for (int i = 0; i < 10; ++i) {
      base["wall_ms"].push_back(noise(rng));
      cur["wall_ms"].push_back(noise(rng));
    }
    const auto r = compare_to_baseline(base, cur, {"b", 0.99, 0.10});
    alarms += r.front().regressed ? 1 : 0;
  }
  EXPECT_EQ(alarms, 0);  // the tolerance keeps even 1% false positives of the test away
}

TEST(Baseline, AlarmOnA30PercentSlowdownDespiteNoiseAndAnOutlier) {
  perfprobe::gate::Samples base{{"wall_ms", {100, 102, 98, 101, 99, 103, 97, 100, 250, 101}}};
  perfprobe::gate::Samples cur{{"wall_ms", {130, 133, 128, 131, 129, 132, 127, 130, 131, 129}}};
  const auto r = compare_to_baseline(base, cur, {"b", 0.99, 0.10});
  ASSERT_EQ(r.size(), 1U);
  EXPECT_TRUE(r[0].regressed);
  EXPECT_NEAR(r[0].change, 0.3, 0.02);
  EXPECT_LT(r[0].p_value, 0.01);
}

TEST(Baseline, SignificantButSmallChangeIsWithinTolerance) {
  perfprobe::gate::Samples base{{"wall_ms", {100, 100.1, 100.2, 100.3, 100.4, 100.5}}};
  perfprobe::gate::Samples cur{{"wall_ms", {103, 103.1, 103.2, 103.3, 103.4, 103.5}}};
  const auto r = compare_to_baseline(base, cur, {"b", 0.99, 0.10});
  EXPECT_TRUE(r[0].significant);
  EXPECT_FALSE(r[0].regressed);
  EXPECT_NE(r[0].note.find("tolerance"), std::string::npos);
}

TEST(Baseline, TokensPerSecondRegressesWhenItDrops) {
  perfprobe::gate::Samples base{{"tokens.tokens_per_s", {50, 51, 49, 50, 52, 50}}};
  perfprobe::gate::Samples cur{{"tokens.tokens_per_s", {30, 31, 29, 30, 32, 30}}};
  const auto r = compare_to_baseline(base, cur, {"b", 0.99, 0.10});
  EXPECT_FALSE(r[0].higher_is_worse);
  EXPECT_TRUE(r[0].regressed);
  EXPECT_NEAR(r[0].change, -0.4, 0.01);  // printed as a fall
  EXPECT_NEAR(r[0].worse_by, 0.4, 0.01);
  EXPECT_EQ(perfprobe::gate::format_change(r[0].change), "-40.0%");
  // And rising throughput is never a regression.
  EXPECT_FALSE(compare_to_baseline(cur, base, {"b", 0.99, 0.10})[0].regressed);
}

TEST(Baseline, TooFewRunsIsInconclusiveNotAnAlarm) {
  perfprobe::gate::Samples base{{"wall_ms", {100, 101}}};
  perfprobe::gate::Samples cur{{"wall_ms", {200, 201}}};
  const auto r = compare_to_baseline(base, cur, {"b", 0.99, 0.10});
  EXPECT_FALSE(r[0].regressed);
  EXPECT_EQ(r[0].outcome, perfprobe::gate::Outcome::inconclusive);
  EXPECT_NE(r[0].note.find("add runs"), std::string::npos);
}

// Two checks minutes apart drift by about their runs' own spread. Ten runs of 0.5..1.4 ms
// (type-7 quartiles 0.725 and 1.175: IQR 0.45 ms) against the same shifted by 0.42 ms: beyond the
// 5% tolerance and the 0.25 ms floor, and the exact test confirms it (U = 85 of 100, p = 0.0034),
// yet the shift is within either side's interquartile range: same, with a note.
TEST(Baseline, ADriftWithinTheRunsSpreadIsNoAlarm) {
  const std::vector<double> base{0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4};
  std::vector<double> cur;
  for (const double x : base) cur.push_back(x + 0.42);
  const auto r = compare_to_baseline({{"wall_ms", base}}, {{"wall_ms", cur}}, {"b", 0.99, 0.05});
  ASSERT_EQ(r.size(), 1U);
  EXPECT_NEAR(r[0].spread, 0.45, 1e-9);
  EXPECT_NEAR(r[0].p_value, 0.0034207, 1e-6);
  EXPECT_TRUE(r[0].significant);
  EXPECT_FALSE(r[0].regressed);
  EXPECT_EQ(r[0].outcome, perfprobe::gate::Outcome::same);
  EXPECT_EQ(r[0].note, "significant but within the runs' spread");
}

// The same runs shifted by 0.62 ms, more than the 0.45 ms spread: a regression (U = 94, p = 0.000162),
// and the mirror image an improvement.
TEST(Baseline, AShiftBeyondTheRunsSpreadRegresses) {
  const std::vector<double> base{0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4};
  std::vector<double> cur;
  for (const double x : base) cur.push_back(x + 0.62);
  const auto r = compare_to_baseline({{"wall_ms", base}}, {{"wall_ms", cur}}, {"b", 0.99, 0.05});
  EXPECT_NEAR(r[0].p_value, 0.000162376, 1e-8);
  EXPECT_EQ(r[0].outcome, perfprobe::gate::Outcome::regressed);
  const auto back = compare_to_baseline({{"wall_ms", cur}}, {{"wall_ms", base}}, {"b", 0.99, 0.05});
  EXPECT_EQ(back[0].outcome, perfprobe::gate::Outcome::improved);
}

// The spread is the larger side's: a tight baseline (IQR 0.045 ms) does not lower the bar a noisy
// current side (IQR 0.45 ms) sets.
TEST(Baseline, TheSpreadIsTheLargerSidesInterquartileRange) {
  const std::vector<double> tight{1.0, 1.01, 1.02, 1.03, 1.04, 1.05, 1.06, 1.07, 1.08, 1.09};
  const std::vector<double> wide{1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9};
  const auto r = compare_to_baseline({{"wall_ms", tight}}, {{"wall_ms", wide}}, {"b", 0.99, 0.05});
  EXPECT_NEAR(r[0].spread, 0.45, 1e-9);
  EXPECT_EQ(r[0].outcome, perfprobe::gate::Outcome::same);  // 1.045 -> 1.45 ms: +0.405 ms, within 0.45
}

// A regression of the first round stands only when the confirmation round regresses too: one that the
// second round does not repeat becomes inconclusive (never "same": the first round did see it), and the
// note gives the round's figures; a regression both rounds see stays one. Metrics that were not
// regressions are untouched, even when the confirmation round alone finds one.
TEST(Baseline, ConfirmationKeepsOnlyTheRegressionsEveryRoundFinds) {
  using perfprobe::gate::Outcome;
  const std::vector<double> base{0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4};
  std::vector<double> slower;
  for (const double x : base) slower.push_back(x + 0.62);
  const perfprobe::gate::BaselineSettings settings{"b", 0.99, 0.05};
  const perfprobe::gate::Samples baseline{{"wall_ms", base}, {"startup_ms", base}, {"peak_rss_bytes", base}};
  auto first =
      compare_to_baseline(baseline, {{"wall_ms", slower}, {"startup_ms", slower}, {"peak_rss_bytes", base}}, settings);
  ASSERT_EQ(first.size(), 3U);
  EXPECT_TRUE(perfprobe::gate::any_regressed(first));
  const auto round =
      compare_to_baseline(baseline, {{"wall_ms", base}, {"startup_ms", slower}, {"peak_rss_bytes", slower}}, settings);
  perfprobe::gate::confirm_regressions(first, round, 1);
  for (const auto& r : first) {
    SCOPED_TRACE(r.metric);
    if (r.metric == "wall_ms") {
      EXPECT_FALSE(r.regressed);
      EXPECT_EQ(r.outcome, Outcome::inconclusive);
      EXPECT_EQ(r.note,
                "not confirmed: confirmation round 1 of 10 runs moved it +0.0% (p=0.52): was the machine busy?");
      EXPECT_NEAR(r.change, 0.62 / 0.95, 1e-9);  // the first round's figures stay
    } else if (r.metric == "startup_ms") {
      EXPECT_TRUE(r.regressed);
      EXPECT_EQ(r.outcome, Outcome::regressed);
    } else {
      EXPECT_FALSE(r.regressed);
      EXPECT_EQ(r.outcome, Outcome::same);
    }
  }
  EXPECT_FALSE(perfprobe::gate::any_regressed(compare_to_baseline(baseline, baseline, settings)));
}
