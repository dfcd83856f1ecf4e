// Budgets against hand-made runs and binaries: each kind passing and failing, missing measurements.
#include <gtest/gtest.h>

#include "perfprobe/gate/evaluate.hpp"

using namespace perfprobe;
using gate::Budget;
using gate::BudgetKind;

namespace {

RunResult run(std::int64_t wall_ms, std::optional<std::int64_t> startup_ms = std::nullopt) {
  RunResult r;
  r.wall_ns = wall_ms * 1'000'000;
  if (startup_ms) r.startup_ns = *startup_ms * 1'000'000;
  r.peak_rss_bytes = 10'000'000;
  r.peak_tree_rss_bytes = 12'000'000;
  return r;
}

RunResult with_tokens(RunResult r, double rate, std::vector<double> latency_ms) {
  TokenStats t;
  t.count = latency_ms.size() + 1;
  t.tokens_per_s = rate;
  t.latency_ms = std::move(latency_ms);
  r.tokens = t;
  return r;
}

gate::BudgetResult check_one(const Budget& b, const std::vector<RunResult>& runs,
                             const std::vector<elf::BinarySize>& bins = {}) {
  const auto results = gate::check_budgets({b}, runs, bins);
  EXPECT_EQ(results.size(), 1U);
  return results.front();
}

}  // namespace

TEST(Budgets, StartupIsTheP95OverRuns) {
  std::vector<RunResult> runs;
  for (int i = 1; i <= 20; ++i) runs.push_back(run(500, i * 10));  // 10..200 ms
  const auto pass = check_one({BudgetKind::startup_p95, "", 200e6, "--max-startup"}, runs);
  EXPECT_TRUE(pass.passed);
  EXPECT_NEAR(*pass.measured, 190.5e6, 1e3);  // type-7 p95 of 10..200
  EXPECT_NEAR(pass.margin, 9.5e6, 1e3);
  const auto fail = check_one({BudgetKind::startup_p95, "", 150e6, "--max-startup"}, runs);
  EXPECT_FALSE(fail.passed);
  EXPECT_LT(fail.margin, 0);
}

TEST(Budgets, StartupWithoutReadyMarkerFailsWithAReason) {
  const auto r = check_one({BudgetKind::startup_p95, "", 1e9, "--max-startup"}, {run(10), run(10)});
  EXPECT_FALSE(r.passed);
  EXPECT_FALSE(r.measured);
  EXPECT_NE(r.note.find("--ready"), std::string::npos);
}

TEST(Budgets, WallPeakRssAndPhases) {
  std::vector<RunResult> runs{run(100), run(120)};
  PhaseResult load;
  load.name = "load";
  load.start_ns = 0;
  load.end_ns = 80'000'000;
  runs[0].phases.push_back(load);
  runs[1].phases.push_back(load);
  EXPECT_TRUE(check_one({BudgetKind::wall_p95, "", 130e6, ""}, runs).passed);
  EXPECT_FALSE(check_one({BudgetKind::wall_p95, "", 110e6, ""}, runs).passed);
  // Peak RSS is the catalogue's peak_rss_bytes (the target's own peak, not the sampled tree sum),
  // the largest over all runs.
  const auto rss = check_one({BudgetKind::peak_rss, "", 9e6, ""}, runs);
  EXPECT_FALSE(rss.passed);
  EXPECT_EQ(*rss.measured, 10e6);
  EXPECT_TRUE(check_one({BudgetKind::peak_rss, "", 10e6, ""}, runs).passed);
  EXPECT_TRUE(check_one({BudgetKind::phase_p95, "load", 80e6, ""}, runs).passed);
  EXPECT_FALSE(check_one({BudgetKind::phase_p95, "load", 79e6, ""}, runs).passed);
  const auto missing = check_one({BudgetKind::phase_p95, "decode", 1e9, ""}, runs);
  EXPECT_FALSE(missing.passed);
  EXPECT_NE(missing.note.find("decode"), std::string::npos);
}

TEST(Budgets, TokenLatencyAndRate) {
  std::vector<RunResult> runs{with_tokens(run(100), 30, {10, 10, 10, 40}), with_tokens(run(100), 50, {10, 10, 10, 10}),
                              with_tokens(run(100), 40, {10, 10})};
  const auto p95 = check_one({BudgetKind::token_latency_p95, "", 50e6, ""}, runs);
  EXPECT_TRUE(p95.passed);
  EXPECT_GT(*p95.measured, 10e6);
  EXPECT_FALSE(check_one({BudgetKind::token_latency_p95, "", 10e6, ""}, runs).passed);
  const auto rate = check_one({BudgetKind::tokens_per_s_min, "", 40, ""}, runs);  // median run: 40
  EXPECT_TRUE(rate.passed);
  EXPECT_EQ(*rate.measured, 40);
  EXPECT_EQ(rate.margin, 0);
  EXPECT_FALSE(check_one({BudgetKind::tokens_per_s_min, "", 41, ""}, runs).passed);
  EXPECT_FALSE(check_one({BudgetKind::tokens_per_s_min, "", 1, ""}, {run(100)}).passed);  // no tokens
}

TEST(Budgets, SizesAreCheckedPerBinary) {
  elf::BinarySize a;
  a.path = "a";
  a.file_bytes = 1000;
  a.stripped_bytes = 400;
  const auto results = gate::check_budgets({{BudgetKind::file_size, "a", 1000, ""},
                                            {BudgetKind::stripped_size, "a", 399, ""},
                                            {BudgetKind::file_size, "missing", 1, ""}},
                                           {}, {a});
  EXPECT_TRUE(results[0].passed);
  EXPECT_FALSE(results[1].passed);
  EXPECT_EQ(results[1].margin, -1);
  EXPECT_FALSE(results[2].passed);
}

TEST(Samples, CollectsPerRunValuesOfEveryMetricPresent) {
  std::vector<RunResult> runs{with_tokens(run(100, 20), 30, {10, 30}), run(110)};
  const auto s = gate::samples_of(runs);
  EXPECT_EQ(s.at("wall_ms"), (std::vector<double>{100, 110}));
  EXPECT_EQ(s.at("startup_ms"), (std::vector<double>{20}));
  EXPECT_EQ(s.at("tokens.tokens_per_s"), (std::vector<double>{30}));
  EXPECT_EQ(s.at("peak_rss_bytes").size(), 2U);
}
