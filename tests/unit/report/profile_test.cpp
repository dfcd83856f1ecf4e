// Profile analysis and its views on hand-made profiles: exact shares, phases, hints, folded, trace.
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include <gtest/gtest.h>

#include "perfprobe/report/profile_report.hpp"

namespace perfprobe::report {
namespace {

// frames: 0 main, 1 work, 2 hot, 3 cold
ResolvedProfile make_profile() {
  ResolvedProfile p;
  p.event = "cpu-clock";
  p.frequency_hz = 999;
  p.call_graph = "fp";
  p.frames = {{"main", "m.c", 10, "/bin/m", 0x100, false},
              {"work", "m.c", 20, "/bin/m", 0x200, false},
              {"hot", "m.c", 30, "/bin/m", 0x300, false},
              {"cold", "m.c", 40, "/bin/m", 0x400, false}};
  // 6 samples in hot (t 0..5 ms), 2 in cold (t 10, 11 ms), 2 in main itself on another thread.
  for (int i = 0; i < 6; ++i) p.samples.push_back({i * 1'000'000, 1, 1, p.add_stack({2, 1, 0})});
  for (int i = 0; i < 2; ++i) p.samples.push_back({(10 + i) * 1'000'000, 1, 1, p.add_stack({3, 1, 0})});
  for (int i = 0; i < 2; ++i) p.samples.push_back({(20 + i) * 1'000'000, 1, 2, p.add_stack({0})});
  p.thread_names = {{1, "main-thread"}, {2, "worker"}};
  return p;
}

const FunctionStat& find(const std::vector<FunctionStat>& fns, const std::string& name) {
  for (const auto& f : fns) {
    if (f.name == name) return f;
  }
  throw std::runtime_error("no function " + name);
}

TEST(ProfileAnalysis, SelfAndTotalShares) {
  const auto r = analyse_profile(make_profile(), {}, ProfileOptions{});
  EXPECT_EQ(r.samples, 10U);
  EXPECT_EQ(r.functions.front().name, "hot");
  EXPECT_DOUBLE_EQ(find(r.functions, "hot").self_pct, 60.0);
  EXPECT_DOUBLE_EQ(find(r.functions, "cold").self_pct, 20.0);
  EXPECT_DOUBLE_EQ(find(r.functions, "main").self_pct, 20.0);
  EXPECT_DOUBLE_EQ(find(r.functions, "main").total_pct, 100.0);
  EXPECT_DOUBLE_EQ(find(r.functions, "work").total_pct, 80.0);
  EXPECT_EQ(find(r.functions, "hot").line, 30);
  EXPECT_EQ(find(r.functions, "hot").address, 0x300U);
}

TEST(ProfileAnalysis, PhasesThreadsAndHints) {
  std::vector<PhaseResult> phases{{"decode", 0, 8'000'000, 0, 0, 0, {}}, {"tail", 8'000'000, 30'000'000, 0, 0, 0, {}}};
  const auto r = analyse_profile(make_profile(), phases, ProfileOptions{});
  ASSERT_EQ(r.phases.size(), 2U);
  EXPECT_EQ(r.phases[0].samples, 6U);
  EXPECT_DOUBLE_EQ(r.phases[0].functions.front().self_pct, 100.0);
  EXPECT_EQ(r.phases[1].samples, 4U);
  ASSERT_EQ(r.threads.size(), 2U);
  EXPECT_EQ(r.threads[0].name, "main-thread");
  EXPECT_DOUBLE_EQ(r.threads[0].pct, 80.0);
  // hot (60%) is over 20%; cold and main (20%) are not; both phases are over 20%.
  ASSERT_EQ(r.hints.size(), 3U);
  EXPECT_NE(r.hints[0].find("hot takes 60.0%"), std::string::npos);
  EXPECT_NE(r.hints[1].find("during decode 100.0% in hot"), std::string::npos);
}

TEST(ProfileAnalysis, LostSamplesAreNeverSilent) {
  auto p = make_profile();
  p.lost_samples = 7;
  p.lost_records = 2;
  const auto r = analyse_profile(p, {}, ProfileOptions{});
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("7 samples lost"), std::string::npos);
  const auto j = nlohmann::json::parse(profile_to_json(r));
  EXPECT_EQ(j["lost"], 7);
  std::ostringstream text;
  write_profile_text(text, r, false);
  EXPECT_NE(text.str().find("7 lost"), std::string::npos);
}

TEST(ProfileAnalysis, AFewSamplesGiveNoAdviceAndSayHowLittleTheyTell) {
  ResolvedProfile p;
  p.event = "cpu-clock";
  p.frames = {{"main", "m.c", 10, "/bin/m", 0x100, false}, {"__mmap", "", 0, "/lib/libc.so.6", 0x200, false}};
  const auto in_mmap = p.add_stack({1, 0});
  const auto in_main = p.add_stack({0});
  p.samples = {{0, 1, 1, in_mmap}, {1'000'000, 1, 1, in_main}};  // __mmap 1 of 2: 9.5% .. 90.5%
  const auto few = analyse_profile(p, {}, ProfileOptions{});
  for (const auto& h : few.hints) EXPECT_EQ(h.find("optimise it first"), std::string::npos) << h;
  ASSERT_FALSE(few.warnings.empty());
  EXPECT_EQ(few.warnings.back(),
            "only 2 samples: a share of about 50% may be anywhere from 9.5% to 90.5% (95% interval): record longer or "
            "at a higher -F");
  // The same 50% over 200 samples (43% .. 57%) is advice, and no longer a warning.
  p.samples.clear();
  for (int i = 0; i < 100; ++i) {
    p.samples.push_back({2 * i * 1'000'000, 1, 1, in_mmap});
    p.samples.push_back({(2 * i + 1) * 1'000'000, 1, 1, in_main});
  }
  const auto many = analyse_profile(p, {}, ProfileOptions{});
  bool advice = false;
  for (const auto& h : many.hints) advice = advice || h.starts_with("__mmap takes 50.0%");
  EXPECT_TRUE(advice);
  for (const auto& w : many.warnings) EXPECT_EQ(w.find("samples: a share"), std::string::npos) << w;
}

TEST(ProfileAnalysis, HotLinesSplitPerFunction) {
  auto p = make_profile();
  p.frames.push_back({"hot", "m.c", 31, "/bin/m", 0x310, false});  // frame 4: another line of hot
  p.samples.push_back({30'000'000, 1, 1, p.add_stack({4, 1, 0})});
  p.samples.push_back({31'000'000, 1, 1, p.add_stack({4, 1, 0})});
  const auto r = analyse_profile(p, {}, ProfileOptions{});
  const auto& hot = find(r.functions, "hot");
  ASSERT_EQ(hot.lines.size(), 2U);
  EXPECT_EQ(hot.lines[0].line, 30);
  EXPECT_DOUBLE_EQ(hot.lines[0].pct, 75.0);  // 6 of hot's 8 samples
  EXPECT_EQ(hot.lines[1].line, 31);
  EXPECT_DOUBLE_EQ(hot.lines[1].pct, 25.0);
  EXPECT_NE(r.hints[0].find("hottest line m.c:30, 75.0% of it"), std::string::npos) << r.hints[0];
  const auto j = nlohmann::json::parse(profile_to_json(r));
  EXPECT_EQ(j["functions"][0]["lines"][1]["line"], 31);
}

TEST(ProfileAnalysis, SpinWaitIsWaitingNotWorkToOptimise) {
  auto p = make_profile();
  p.frames[2].function = "gomp_barrier_wait_end";  // the 60% "hot" function spins at a barrier
  const auto r = analyse_profile(p, {}, ProfileOptions{});
  EXPECT_DOUBLE_EQ(r.spin_wait_pct, 60.0);
  EXPECT_TRUE(find(r.functions, "gomp_barrier_wait_end").spin_wait);
  bool spin_hint = false;
  for (const auto& h : r.hints) {
    EXPECT_EQ(h.find("gomp_barrier_wait_end takes"), std::string::npos) << "no 'optimise it first': " << h;
    spin_hint = spin_hint || h.starts_with("spin-wait: 60.0%");
  }
  EXPECT_TRUE(spin_hint);
  EXPECT_TRUE(is_spin_wait("ggml_barrier"));
  EXPECT_FALSE(is_spin_wait("hot_loop"));
}

TEST(ProfileAnalysis, TruncatedChainsAndMissingDebugInfoAreSaidOnce) {
  auto p = make_profile();
  p.truncated = 3;
  ModuleSummary m;
  m.path = "/usr/lib/libgomp.so.1";
  m.has_symbols = true;
  m.samples = 5;
  p.modules.push_back(m);
  const auto r = analyse_profile(p, {}, ProfileOptions{});
  int truncated = 0, debug = 0;
  for (const auto& w : r.warnings) {
    truncated += w.find("call chains that stop before main") != std::string::npos ? 1 : 0;
    debug += w.find("no debug info for libgomp.so.1") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(truncated, 1);
  EXPECT_EQ(debug, 1);
  EXPECT_EQ(nlohmann::json::parse(profile_to_json(r))["truncated_chains"], 3);
}

TEST(ProfileJson, ContractKeys) {
  const auto j = nlohmann::json::parse(
      profile_to_json(analyse_profile(make_profile(), {{"decode", 0, 8'000'000, 0, 0, 0, {}}}, {})));
  for (const char* key : {"samples", "lost", "event", "frequency_hz", "functions", "phases", "threads", "hints"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  const auto& f = j["functions"][0];
  for (const char* key : {"name", "self_pct", "total_pct", "self_samples", "file", "line", "module"}) {
    EXPECT_TRUE(f.contains(key)) << key;
  }
  EXPECT_EQ(j["phases"][0]["name"], "decode");
  EXPECT_EQ(j["phases"][0]["samples"], 6);
  EXPECT_TRUE(j["phases"][0]["functions"].is_array());
}

// frames: 0 main at the inlined call (m.c:10), 1 vec_dot inlined there (h.h:5), 2 main's own line 12.
ResolvedProfile make_inlined_profile() {
  ResolvedProfile p;
  p.frames = {{"main", "m.c", 10, "/bin/m", 0x100, false},
              {"vec_dot", "h.h", 5, "/bin/m", 0x100, true},
              {"main", "m.c", 12, "/bin/m", 0x120, false}};
  for (int i = 0; i < 3; ++i) p.samples.push_back({i, 1, 1, p.add_stack({1, 0})});
  p.samples.push_back({3, 1, 1, p.add_stack({2})});
  return p;
}

TEST(InlinedCode, CountsInItsCallerOnTheLineOfTheCall) {
  const auto folded = fold_inlined(make_inlined_profile());
  auto r = analyse_profile(folded, {}, ProfileOptions{});
  ASSERT_EQ(r.functions.size(), 1U);
  EXPECT_EQ(r.functions[0].name, "main");
  EXPECT_DOUBLE_EQ(r.functions[0].self_pct, 100.0);
  ASSERT_EQ(r.functions[0].lines.size(), 2U);
  EXPECT_EQ(r.functions[0].lines[0].line, 10);  // the call of the inlined function
  EXPECT_DOUBLE_EQ(r.functions[0].lines[0].pct, 75.0);
  EXPECT_EQ(to_folded(folded), "main 4\n");
  std::ostringstream text;
  write_profile_text(text, r, false);
  EXPECT_NE(text.str().find("main  m.c:10 75%, m.c:12 25%  [m]"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("inlined code in its caller"), std::string::npos) << text.str();
  EXPECT_EQ(nlohmann::json::parse(profile_to_json(r))["inline"], "caller");
}

TEST(InlinedCode, ListedApartWhenAsked) {
  auto r = analyse_profile(make_inlined_profile(), {}, ProfileOptions{});
  r.inline_apart = true;
  EXPECT_EQ(r.functions[0].name, "vec_dot");
  EXPECT_DOUBLE_EQ(r.functions[0].self_pct, 75.0);
  EXPECT_EQ(nlohmann::json::parse(profile_to_json(r))["inline"], "apart");
  EXPECT_EQ(to_folded(make_inlined_profile()), "main 1\nmain;vec_dot 3\n");
}

TEST(Folded, OneLinePerStackRootFirst) {
  EXPECT_EQ(to_folded(make_profile()), "main 2\nmain;work;cold 2\nmain;work;hot 6\n");
}

TEST(Trace, PhasesSlicesMarkersInstantsRssCountersSamples) {
  RunResult run;
  run.phases.push_back({"decode", 1'000'000, 5'000'000, 0, 0, 0, {}});
  Event tok;
  tok.t_ns = 2'000'000;
  tok.kind = EventKind::token;
  tok.name = "llm:token";
  run.events.push_back(tok);
  Event counters;
  counters.t_ns = 3'000'000;
  counters.kind = EventKind::counters;
  counters.values = {{"task-clock", 1e6}};
  run.events.push_back(counters);
  run.rss.push_back({4'000'000, 1 << 20, 1 << 20, 0, 0, 1});
  const auto p = make_profile();
  const auto j = nlohmann::json::parse(to_trace_json(run, {"./m"}, &p));
  std::map<std::string, int> phs;
  for (const auto& e : j["traceEvents"]) {
    ASSERT_TRUE(e.contains("ph") && e.contains("pid"));
    const std::string ph = e["ph"];
    ++phs[ph];
    if (ph != "M") {
      EXPECT_TRUE(e["ts"].is_number());
    }
    if (ph == "b") {
      EXPECT_EQ(e["name"], "decode");
      EXPECT_DOUBLE_EQ(e["ts"].get<double>(), 1000.0);
    }
  }
  EXPECT_EQ(phs["b"], 1);  // the phase, async beside samples
  EXPECT_EQ(phs["e"], 1);
  EXPECT_EQ(phs["i"], 1);  // the token
  EXPECT_EQ(phs["C"], 2);  // counters + RSS
  EXPECT_GE(phs["M"], 3);
}

// Real stack samples: every sample names a stack-frame node whose parent chain is its stack, root
// first, and each sampled thread's track holds the same stacks as nested slices.
TEST(Trace, SamplesAreStackSamplesWithAFrameTreeAndSlicesPerThread) {
  const auto p = make_profile();
  const auto j = nlohmann::json::parse(to_trace_json(RunResult{}, {"./m"}, &p));
  ASSERT_TRUE(j.contains("stackFrames") && j.contains("samples"));
  ASSERT_EQ(j["samples"].size(), 10U);
  std::map<std::string, int> stacks;
  for (const auto& s : j["samples"]) {
    std::string stack;
    for (auto node = s["sf"].get<int>(); node != 0;) {
      const auto& f = j["stackFrames"][std::to_string(node)];
      stack = f["name"].get<std::string>() + (stack.empty() ? "" : ";") + stack;
      EXPECT_EQ(f["category"], "m");
      node = f.value("parent", 0);
    }
    ++stacks[std::to_string(s["tid"].get<int>()) + ":" + stack];
    EXPECT_EQ(s["weight"], 1);
    EXPECT_EQ(s["name"], "cpu-clock");
  }
  EXPECT_EQ(stacks["1:main;work;hot"], 6);
  EXPECT_EQ(stacks["1:main;work;cold"], 2);
  EXPECT_EQ(stacks["2:main"], 2);
  EXPECT_EQ(j["stackFrames"].size(), 4U) << "main, main;work, main;work;hot, main;work;cold";
  // Thread 1: main and work span every sample (0..11 ms, with a gap at 6..10 ms that closes them),
  // hot 0..6 ms (six samples, the last lasting one interval of ~1 ms).
  std::map<std::string, std::vector<std::pair<double, double>>> slices;
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] == "X" && e["tid"] == 1) slices[e["name"]].emplace_back(e["ts"], e["dur"]);
  }
  ASSERT_EQ(slices["hot"].size(), 1U);
  EXPECT_DOUBLE_EQ(slices["hot"][0].first, 0);
  EXPECT_NEAR(slices["hot"][0].second, 5000 + 1e6 / 999, 1e-6);
  ASSERT_EQ(slices["cold"].size(), 1U);
  EXPECT_DOUBLE_EQ(slices["cold"][0].first, 10000);
  EXPECT_EQ(slices["main"].size(), 2U);
}

}  // namespace
}  // namespace perfprobe::report
