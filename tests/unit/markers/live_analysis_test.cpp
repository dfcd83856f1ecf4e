// The live analysis of an open window says what analyze() says of the same events, after every
// increment: random timelines (tokens, phases, ready, counter snapshots, RSS samples, some events
// handed over out of time order) cut into random increments, under the default plan and under
// explicit specs with /N and --tokens-after.
#include <gtest/gtest.h>

#include <random>

#include "perfprobe/markers/analysis.hpp"
#include "perfprobe/markers/live_analysis.hpp"
#include "perfprobe/markers/spec.hpp"
#include "perfprobe/stats/summary.hpp"

using namespace perfprobe;
using namespace perfprobe::markers;

namespace {

Event ev(std::int64_t t_ns, EventKind kind, EventSource source, const std::string& name) {
  Event e;
  e.t_ns = t_ns;
  e.kind = kind;
  e.source = source;
  e.name = name;
  return e;
}

CounterReading task_clock(double ns) {
  CounterReading c;
  c.name = "task-clock";
  c.supported = true;
  c.value = ns;
  return c;
}

// A timeline of `n` events a few ms apart; `late` of them are handed over after their successors.
std::vector<Event> timeline(std::mt19937& rng, int n, int late) {
  std::vector<Event> out;
  std::int64_t t = 1'000'000;
  std::uniform_int_distribution<int> pick(0, 99);
  std::uniform_int_distribution<std::int64_t> gap(0, 4'000'000);
  double cpu = 0;
  bool in_phase = false;
  for (int i = 0; i < n; ++i) {
    t += pick(rng) < 3 ? gap(rng) * 20 : gap(rng);  // now and then a stall
    cpu += 500'000;
    const int p = pick(rng);
    if (p < 45) {
      out.push_back(ev(t, EventKind::token, EventSource::mark, "token"));
    } else if (p < 75) {
      out.push_back(ev(t, EventKind::marker, EventSource::usdt, "llm:token"));
    } else if (p < 80) {
      out.push_back(ev(t, in_phase ? EventKind::phase_end : EventKind::phase_begin, EventSource::mark,
                       in_phase ? "step.end" : "step.begin"));
      in_phase = !in_phase;
    } else if (p < 83) {
      out.push_back(ev(t, EventKind::marker, EventSource::usdt, p == 80 ? "llm:gen_begin" : "llm:gen_end"));
    } else if (p < 85) {
      out.push_back(ev(t, EventKind::ready, EventSource::mark, "ready"));
    } else if (p < 88) {
      out.push_back(ev(t, EventKind::marker, EventSource::mark, "generate"));
    } else if (p < 93) {
      Event c = ev(t, EventKind::counters, EventSource::proc, "");
      c.values = {{"task-clock", cpu}};
      out.push_back(c);
    } else {
      out.push_back(ev(t, EventKind::output, EventSource::output, "stdout"));
    }
  }
  for (int i = 0; i < late && out.size() > 3; ++i) {
    const auto at = std::uniform_int_distribution<std::size_t>(0, out.size() - 3)(rng);
    std::swap(out[at], out[at + 2]);
  }
  return out;
}

// Feeds `events` in random increments and compares, after each, with analyze() of all so far.
void check_against_analyze(const AnalysisPlan& plan, unsigned seed, int late) {
  std::mt19937 rng(seed);
  const auto events = timeline(rng, 1500, late);
  LiveAnalysis live(plan);
  RunResult whole;
  std::size_t at = 0;
  std::int64_t rss_t = 0;
  while (at < events.size()) {
    const std::size_t n = std::min(events.size() - at, std::uniform_int_distribution<std::size_t>(0, 120)(rng));
    RunResult inc;
    inc.events.assign(events.begin() + static_cast<std::ptrdiff_t>(at),
                      events.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
    inc.wall_ns = events[at - (n > 0 ? 1 : 0)].t_ns + 1'000'000;
    inc.user_ns = inc.wall_ns / 2;
    inc.counters = {task_clock(static_cast<double>(inc.wall_ns) / 3)};
    inc.marker_counts["mark:generate"] = 2;  // a source's exact count: the larger one wins
    rss_t += 7'000'000;
    inc.rss = {RssSample{rss_t, static_cast<std::uint64_t>(rss_t / 1000), 10, 20, 0, 1}};
    whole.events.insert(whole.events.end(), inc.events.begin(), inc.events.end());
    whole.rss.insert(whole.rss.end(), inc.rss.begin(), inc.rss.end());
    whole.wall_ns = inc.wall_ns;
    whole.user_ns = inc.user_ns;
    whole.counters = inc.counters;
    live.add(inc);

    RunResult want = whole;
    want.marker_counts = inc.marker_counts;
    analyze(plan, want);
    const RunResult got = live.figures();
    SCOPED_TRACE("seed " + std::to_string(seed) + ", " + std::to_string(at) + " events");
    EXPECT_EQ(got.startup_ns, want.startup_ns);
    EXPECT_EQ(got.marker_counts, want.marker_counts);
    ASSERT_EQ(got.phases.size(), want.phases.size());
    for (std::size_t i = 0; i < got.phases.size(); ++i) {
      EXPECT_EQ(got.phases[i].name, want.phases[i].name);
      EXPECT_EQ(got.phases[i].start_ns, want.phases[i].start_ns);
      EXPECT_EQ(got.phases[i].end_ns, want.phases[i].end_ns);
      EXPECT_EQ(got.phases[i].rss_delta_bytes, want.phases[i].rss_delta_bytes);
      ASSERT_EQ(got.phases[i].counters.size(), want.phases[i].counters.size());
      for (std::size_t c = 0; c < got.phases[i].counters.size(); ++c)
        EXPECT_DOUBLE_EQ(got.phases[i].counters[c].value, want.phases[i].counters[c].value);
    }
    ASSERT_EQ(got.tokens.has_value(), want.tokens.has_value());
    if (!want.tokens) continue;
    EXPECT_EQ(got.tokens->count, want.tokens->count);
    EXPECT_EQ(got.tokens->prompt_echo, want.tokens->prompt_echo);
    EXPECT_EQ(got.tokens->ttft_ns, want.tokens->ttft_ns);
    EXPECT_DOUBLE_EQ(got.tokens->tokens_per_s, want.tokens->tokens_per_s);
    EXPECT_EQ(got.tokens->stalls.size(), want.tokens->stalls.size());
    EXPECT_EQ(got.tokens->per_token, want.tokens->per_token);
    const auto& lat = want.tokens->latency_ms;
    ASSERT_EQ(live.latency_count(), lat.size());
    double sum = 0;
    for (const double v : lat) sum += v;
    EXPECT_NEAR(live.latency_sum_ms(), sum, 1e-6 * (1 + sum));
    for (const double q : {0.0, 50.0, 90.0, 95.0, 99.0, 100.0}) {
      EXPECT_DOUBLE_EQ(live.latency_percentile_ms(q), lat.empty() ? 0.0 : stats::percentile(lat, q)) << "q " << q;
    }
    ASSERT_EQ(got.rss.size(), 1u) << "only the last sample";
    EXPECT_EQ(got.rss.back().t_ns, whole.rss.back().t_ns);
  }
}

}  // namespace

TEST(LiveAnalysis, SaysWhatAnalyzeSaysAfterEveryIncrementWithTheDefaults) {
  for (const unsigned seed : {1U, 2U, 3U}) check_against_analyze(AnalysisPlan{}, seed, 0);
}

TEST(LiveAnalysis, EventsHandedOverOutOfTimeOrderChangeNothing) {
  for (const unsigned seed : {4U, 5U, 6U}) check_against_analyze(AnalysisPlan{}, seed, 40);
}

TEST(LiveAnalysis, SaysWhatAnalyzeSaysWithSpecsEveryNthHitAndTokensAfter) {
  AnalysisPlan plan;
  plan.tokens = parse_spec("usdt:llm:token/3", "--tokens");
  plan.tokens_after = parse_spec("mark:generate", "--tokens-after");
  plan.phases.push_back(parse_phase("gen=usdt:llm:gen_begin..usdt:llm:gen_end"));
  plan.ready = parse_spec("mark:generate", "--ready");
  plan.stall_factor = 2.0;
  for (const unsigned seed : {7U, 8U}) check_against_analyze(plan, seed, 0);
  check_against_analyze(plan, 9U, 40);
}

TEST(LiveAnalysis, NothingAddedMeansNoFigures) {
  LiveAnalysis live(AnalysisPlan{});
  const RunResult r = live.figures();
  EXPECT_FALSE(r.tokens.has_value());
  EXPECT_TRUE(r.phases.empty());
  EXPECT_EQ(live.latency_count(), 0U);
  EXPECT_EQ(live.latency_percentile_ms(50), 0.0);
}
