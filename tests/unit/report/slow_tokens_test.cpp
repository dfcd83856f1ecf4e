// Slow tokens explained on a hand-made recording: the token intervals, the samples inside them,
// the function and callers that made a token slow, the other tokens pooled, and the cost per token.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "perfprobe/report/profile_report.hpp"

namespace perfprobe::report {
namespace {

constexpr std::int64_t kMs = 1'000'000;

// frames: 0 main, 1 step, 2 slow, 3 fast. Tokens at 10, 15, 20, 70, 75, 80 ms: token 3 is slow.
ResolvedProfile make_profile() {
  ResolvedProfile p;
  p.event = "cpu-clock";
  p.frequency_hz = 1000;
  p.frames = {{"main", "m.c", 10, "/bin/m", 0x100, false},
              {"step", "m.c", 20, "/bin/m", 0x200, false},
              {"slow", "m.c", 30, "/bin/m", 0x300, false},
              {"fast", "m.c", 40, "/bin/m", 0x400, false}};
  for (int i = 0; i < 40; ++i) p.samples.push_back({20 * kMs + i * kMs, 1, 1, p.add_stack({2, 1, 0})});
  for (const std::int64_t start : {10, 15, 70, 75}) {
    for (int i = 0; i < 4; ++i) p.samples.push_back({start * kMs + i * kMs, 1, 1, p.add_stack({3, 1, 0})});
  }
  return p;
}

RunResult make_run() {
  RunResult run;
  TokenStats t;
  t.count = 6;
  t.ttft_ns = 10 * kMs;
  t.latency_ms = {5, 5, 50, 5, 5};
  t.stalls = {Stall{3, 70 * kMs, 50}};
  t.per_token = {{"cpu_ms", 4.0}, {"instructions", 2.5e6}};
  run.tokens = t;
  run.rss = {{15 * kMs, 100u << 20, 0, 0, 0, 1}, {75 * kMs, 120u << 20, 0, 0, 0, 1}};
  return run;
}

TEST(SlowTokens, TheSlowTokenIsExplainedByWhatRanDuringIt) {
  const auto r = explain_tokens(make_profile(), make_run(), TokenOptions{1, 3});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->count, 6U);
  EXPECT_DOUBLE_EQ(r->median_ms, 5.0);
  ASSERT_EQ(r->slowest.size(), 1U);
  const auto& slow = r->slowest[0];
  EXPECT_EQ(slow.index, 3U);
  EXPECT_TRUE(slow.stall);
  EXPECT_EQ(slow.start_ns, 20 * kMs);
  EXPECT_EQ(slow.end_ns, 70 * kMs);
  EXPECT_DOUBLE_EQ(slow.latency_ms, 50.0);
  EXPECT_EQ(slow.samples, 40U);
  EXPECT_DOUBLE_EQ(slow.cpu_ms, 40.0);  // 40 samples at 1 kHz
  ASSERT_FALSE(slow.functions.empty());
  EXPECT_EQ(slow.functions[0].name, "slow");
  EXPECT_DOUBLE_EQ(slow.functions[0].self_pct, 100.0);
  EXPECT_EQ(slow.chain, (std::vector<std::string>{"step", "main"}));
  EXPECT_EQ(slow.rss_growth_bytes, std::int64_t{20} << 20);
}

TEST(SlowTokens, TheOtherTokensArePooledForComparison) {
  const auto r = explain_tokens(make_profile(), make_run(), TokenOptions{1, 3});
  ASSERT_TRUE(r && r->typical);
  EXPECT_EQ(r->typical->tokens, 4U);
  EXPECT_EQ(r->typical->samples, 16U);
  EXPECT_DOUBLE_EQ(r->typical->cpu_ms, 4.0);  // per token
  EXPECT_DOUBLE_EQ(r->typical->latency_ms, 5.0);
  EXPECT_EQ(r->typical->functions[0].name, "fast");
}

TEST(SlowTokens, EveryStallIsListedBesidesTheSlowest) {
  auto run = make_run();
  run.tokens->stalls.push_back(Stall{1, 15 * kMs, 5});  // as if the rule had flagged token 1
  const auto r = explain_tokens(make_profile(), run, TokenOptions{1, 3});
  ASSERT_EQ(r->slowest.size(), 2U);
  EXPECT_EQ(r->slowest[0].index, 3U);
  EXPECT_EQ(r->slowest[1].index, 1U);
  EXPECT_TRUE(r->slowest[1].stall);
}

TEST(SlowTokens, CostPerTokenFromSamplesAndCounters) {
  const auto r = explain_tokens(make_profile(), make_run(), TokenOptions{});
  EXPECT_EQ(r->decode_samples, 56U);  // all of them lie between the first token and the last
  EXPECT_DOUBLE_EQ(r->cpu_ms_sampled, 56.0 / 5);
  EXPECT_DOUBLE_EQ(r->per_token.at("instructions"), 2.5e6);
  EXPECT_FALSE(r->typical.has_value()) << "all five intervals are listed";
}

TEST(SlowTokens, NoTokensNoSection) {
  EXPECT_FALSE(explain_tokens(make_profile(), RunResult{}, TokenOptions{}).has_value());
}

TEST(SlowTokens, TextAndJson) {
  auto rep = analyse_profile(make_profile(), {}, ProfileOptions{});
  rep.tokens = explain_tokens(make_profile(), make_run(), TokenOptions{1, 3});
  std::ostringstream text;
  write_profile_text(text, rep, false);
  const auto s = text.str();
  EXPECT_NE(s.find("token 3 took 50.0 ms (median 5.0 ms, a stall): 100.0% in slow \u2190 step \u2190 main"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("40 samples, 40.0 ms on CPU of 50.0 ms, RSS +20.0 MiB"), std::string::npos) << s;
  rep.tokens->slowest[0].rss_growth_bytes = 8192;  // two pages: not "+0.0 MiB"
  std::ostringstream pages;
  write_profile_text(pages, rep, false);
  EXPECT_NE(pages.str().find("RSS +8 KiB"), std::string::npos) << pages.str();
  EXPECT_NE(s.find("the other 4 tokens (median 5.0 ms): 100.0% in fast"), std::string::npos) << s;
  EXPECT_NE(s.find("per token: 11.20 ms CPU from samples (56 samples during decode), 4.00 ms task-clock, "
                   "2.50 M instructions"),
            std::string::npos)
      << s;
  const auto j = nlohmann::json::parse(profile_to_json(rep));
  EXPECT_EQ(j["schema_version"], 2);
  EXPECT_EQ(j["tokens"]["slowest"][0]["index"], 3);
  EXPECT_EQ(j["tokens"]["slowest"][0]["functions"][0]["name"], "slow");
  EXPECT_EQ(j["tokens"]["slowest"][0]["chain"][0], "step");
  EXPECT_EQ(j["tokens"]["others"]["tokens"], 4);
  EXPECT_DOUBLE_EQ(j["tokens"]["per_token"]["cpu_ms"].get<double>(), 4.0);
}

// The same recording with off-CPU time: the slow token (20-70 ms) waits 30 ms in a major fault
// under step (2 faults sampled), token 1 (10-15 ms) is runnable for 1 ms; one thread, alive 0-80 ms.
ResolvedProfile with_waits() {
  auto p = make_profile();
  p.off_cpu_recorded = true;
  p.off_cpu_mechanism = "sched_switch";
  p.off_cpu_states = true;
  p.thread_spans = {{1, 1, 0, 80 * kMs}};
  p.off_cpu = {{11 * kMs, 12 * kMs, 1, 1, OffCpuReason::runnable, {}},
               {30 * kMs, 60 * kMs, 1, 1, OffCpuReason::major_fault, {1, 0}}};
  p.major_faults_recorded = true;
  p.major_fault_times = {60 * kMs + 1000, 60 * kMs + 2000};
  return p;
}

TEST(SlowTokens, TheSlowTokensTimeIsSplitOnAndOffCpuWithItsWaitAndFaults) {
  const auto r = explain_tokens(with_waits(), make_run(), TokenOptions{1, 3});
  ASSERT_TRUE(r && r->typical);
  const auto& slow = r->slowest[0];
  ASSERT_TRUE(slow.wall && slow.top_wait && slow.major_faults);
  EXPECT_DOUBLE_EQ(slow.wall->wall_ms, 50.0);
  EXPECT_DOUBLE_EQ(slow.wall->off_cpu_ms, 30.0);
  EXPECT_DOUBLE_EQ(slow.wall->on_cpu_ms, 20.0);
  EXPECT_DOUBLE_EQ(slow.wall->reason_ms[static_cast<std::size_t>(OffCpuReason::major_fault)], 30.0);
  EXPECT_EQ(slow.top_wait->reason, OffCpuReason::major_fault);
  EXPECT_EQ(slow.top_wait->frames, (std::vector<std::string>{"step", "main"}));
  EXPECT_DOUBLE_EQ(slow.top_wait->pct, 100.0);
  EXPECT_DOUBLE_EQ(*slow.major_faults, 2.0);
  // The other four tokens, 5 ms each: 1 ms runnable in all, so per token 0.25 ms off CPU.
  const auto& other = *r->typical;
  ASSERT_TRUE(other.wall && other.major_faults);
  EXPECT_DOUBLE_EQ(other.wall->wall_ms, 5.0);
  EXPECT_DOUBLE_EQ(other.wall->off_cpu_ms, 0.25);
  EXPECT_DOUBLE_EQ(other.wall->reason_ms[static_cast<std::size_t>(OffCpuReason::runnable)], 0.25);
  EXPECT_DOUBLE_EQ(*other.major_faults, 0.0);

  auto rep = analyse_profile(with_waits(), {}, ProfileOptions{});
  rep.tokens = r;
  std::ostringstream text;
  write_profile_text(text, rep, false);
  EXPECT_NE(text.str().find("token 3 took 50.0 ms (median 5.0 ms, a stall): off-CPU 60.0% (major-fault 60.0%) in "
                            "step \u2190 main; on-CPU 40.0%: 100.0% in slow"),
            std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("40.0 ms on CPU of 50.0 ms, RSS +20.0 MiB, 2 major faults"), std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("0.0 major faults per token"), std::string::npos) << text.str();
  const auto j = nlohmann::json::parse(profile_to_json(rep));
  const auto& tok = j["tokens"]["slowest"][0];
  EXPECT_DOUBLE_EQ(tok["wall"]["off_cpu_ms"].get<double>(), 30.0);
  EXPECT_EQ(tok["top_wait"]["reason"], "major-fault");
  EXPECT_EQ(tok["top_wait"]["frames"][0], "step");
  EXPECT_EQ(tok["major_faults"], 2.0);
  EXPECT_DOUBLE_EQ(j["tokens"]["others"]["wall"]["off_cpu_ms"].get<double>(), 0.25);
}

TEST(SlowTokens, NoOffCpuRecordingNoSplit) {
  const auto r = explain_tokens(make_profile(), make_run(), TokenOptions{1, 3});
  EXPECT_FALSE(r->slowest[0].wall || r->slowest[0].top_wait || r->slowest[0].major_faults);
  ProfileReport rep;
  rep.tokens = r;
  const auto j = nlohmann::json::parse(profile_to_json(rep));
  EXPECT_TRUE(j["tokens"]["slowest"][0]["wall"].is_null());
  EXPECT_TRUE(j["tokens"]["slowest"][0]["major_faults"].is_null());
}

}  // namespace
}  // namespace perfprobe::report
