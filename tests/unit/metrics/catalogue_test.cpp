// The catalogue: keys, old spellings, directions and per-run extraction over hand-made runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "perfprobe/metrics/catalogue.hpp"

using namespace perfprobe;
using namespace perfprobe::metrics;

namespace {

RunResult run(double wall_ms, std::vector<PhaseResult> phases = {}) {
  RunResult r;
  r.wall_ns = static_cast<std::int64_t>(wall_ms * 1e6);
  r.peak_rss_bytes = 1 << 20;
  r.phases = std::move(phases);
  return r;
}

PhaseResult phase(const std::string& name, std::int64_t start_ms, std::int64_t end_ms, std::int64_t rss = 0) {
  PhaseResult p;
  p.name = name;
  p.start_ns = start_ms * 1'000'000;
  p.end_ns = end_ms * 1'000'000;
  p.rss_delta_bytes = rss;
  return p;
}

}  // namespace

TEST(Catalogue, KeysAreUniqueAndFindTheirRow) {
  std::set<std::string> keys;
  for (const auto& m : catalogue()) {
    const MetricId id{&m, m.family == Family::run ? "" : "x.y"};
    EXPECT_TRUE(keys.insert(id.key()).second) << id.key();
    const auto back = find(id.key());
    ASSERT_TRUE(back) << id.key();
    EXPECT_EQ(back->metric, &m) << id.key();
    EXPECT_EQ(back->member, id.member);
    EXPECT_TRUE(m.extract != nullptr);
  }
}

TEST(Catalogue, OldSpellingsMapToTodaysKeys) {
  EXPECT_EQ(find("phase_ms.load")->key(), "phases.load.duration_ms");
  EXPECT_EQ(find("phase.load.duration_ms")->key(), "phases.load.duration_ms");
  EXPECT_EQ(find("tokens_per_s")->key(), "tokens.tokens_per_s");
  EXPECT_EQ(find("ttft_ms")->key(), "tokens.ttft_ms");
  EXPECT_EQ(find("token_latency_p95_ms")->key(), "tokens.latency_p95_ms");
  EXPECT_FALSE(find("nonsense"));
  EXPECT_FALSE(find("phases.load.nonsense"));
  EXPECT_FALSE(find("tokens.nonsense"));
}

TEST(Catalogue, DirectionsBudgetsAndUnits) {
  EXPECT_TRUE(find("tokens.tokens_per_s")->higher_is_better());
  EXPECT_FALSE(find("wall_ms")->higher_is_better());
  EXPECT_EQ(by_budget("wall_p95"), find("wall_ms")->metric);
  EXPECT_EQ(by_budget("phase_p95"), find("phases.x.duration_ms")->metric);
  EXPECT_EQ(by_budget("peak_rss")->budget_stat, BudgetStat::max);
  EXPECT_EQ(find("counters.task-clock")->unit(), Unit::ns);
  EXPECT_EQ(find("counters.page-faults")->unit(), Unit::count);
  for (const auto& m : catalogue()) EXPECT_GT(m.floor, 0) << m.field;
}

TEST(Catalogue, PhasesAreSummedPerRunAndAbsentWhereMissing) {
  const std::vector<RunResult> runs{run(100, {phase("load", 0, 10, 4096), phase("load", 20, 25, 4096)}),
                                    run(110, {phase("decode", 30, 60)})};
  const auto s = samples_of(runs);
  EXPECT_EQ(s.at("wall_ms"), (std::vector<double>{100, 110}));
  EXPECT_EQ(s.at("phases.load.duration_ms"), (std::vector<double>{15}));  // 10 + 5 in the one run
  EXPECT_EQ(s.at("phases.load.rss_delta_bytes"), (std::vector<double>{8192}));
  EXPECT_EQ(s.at("phases.load.start_ms"), (std::vector<double>{0}));
  EXPECT_EQ(s.at("phases.decode.duration_ms"), (std::vector<double>{30}));
  EXPECT_EQ(s.count("startup_ms"), 0U);
  EXPECT_EQ(s.count("tokens.ttft_ms"), 0U);
  // Views list a phase's figures together, phases in first-seen order.
  std::vector<std::string> order;
  for (const auto& id : metrics_of(runs)) order.push_back(id.key());
  const auto pos = [&](const std::string& k) { return std::find(order.begin(), order.end(), k) - order.begin(); };
  EXPECT_LT(pos("phases.load.rss_delta_bytes"), pos("phases.decode.start_ms"));
  EXPECT_LT(pos("wall_ms"), pos("phases.load.start_ms"));
}

TEST(Catalogue, TokenFiguresArePerRunStatistics) {
  RunResult a = run(100);
  TokenStats t;
  t.count = 5;
  t.ttft_ns = 20'000'000;
  t.tokens_per_s = 40;
  t.latency_ms = {10, 20, 30, 40};
  a.tokens = t;
  RunResult b = run(100);
  t.latency_ms = {50, 50, 50, 50};
  t.tokens_per_s = 20;
  b.tokens = t;
  const auto sums = summaries_of({a, b});
  EXPECT_DOUBLE_EQ(sums.at("tokens.latency_p50_ms").min, 25);  // type-7 median of 10..40
  EXPECT_DOUBLE_EQ(sums.at("tokens.latency_p50_ms").max, 50);
  EXPECT_DOUBLE_EQ(sums.at("tokens.latency_p95_ms").min, 38.5);
  EXPECT_DOUBLE_EQ(sums.at("tokens.tokens_per_s").median, 30);
  EXPECT_EQ(sums.at("tokens.ttft_ms").n, 2U);
}

TEST(Catalogue, CountersOnlyWhereSupported) {
  RunResult a = run(1), b = run(1);
  CounterReading c;
  c.name = "cycles";
  c.supported = true;
  c.value = 1000;
  a.counters.push_back(c);
  c.supported = false;
  b.counters.push_back(c);
  EXPECT_EQ(samples_of({a, b}).at("counters.cycles"), (std::vector<double>{1000}));
  EXPECT_EQ(samples_of({b}).count("counters.cycles"), 0U);
}
