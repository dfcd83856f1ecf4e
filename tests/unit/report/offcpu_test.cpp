// Off-CPU time in `report` on hand-made profiles: wall = on + off per scope, reasons, spin-wait
// within on-CPU, the heaviest waits, folded lines and the JSON keys.
#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "perfprobe/report/profile_report.hpp"

namespace perfprobe::report {
namespace {

constexpr std::int64_t kMs = 1'000'000;

// Thread 1 lives 0-100 ms: sleeps 20-60 ms in nanosleep (chain: nanosleep <- main), is preempted
// 70-80 ms. Thread 2 lives 50-100 ms, waits 50-60 ms with no chain; its 4 samples are 2 spinning.
ResolvedProfile make_profile() {
  ResolvedProfile p;
  p.event = "cpu-clock";
  p.frequency_hz = 1000;
  p.frames = {{"main", "", 0, "/bin/m", 0, false},
              {"nanosleep", "", 0, "/lib/libc.so.6", 0, false},
              {"do_spin", "", 0, "/bin/m", 0, false}};
  p.off_cpu_recorded = true;
  p.off_cpu_mechanism = "sched_switch";
  p.off_cpu_states = true;
  p.thread_spans = {{1, 1, 0, 100 * kMs}, {1, 2, 50 * kMs, 100 * kMs}};
  p.off_cpu = {{20 * kMs, 60 * kMs, 1, 1, OffCpuReason::sleep, {1, 0}},
               {70 * kMs, 80 * kMs, 1, 1, OffCpuReason::runnable, {0}},
               {50 * kMs, 60 * kMs, 1, 2, OffCpuReason::unknown, {}}};
  for (int i = 0; i < 4; ++i) p.samples.push_back({(61 + i) * kMs, 1, 2, p.add_stack({i < 2 ? 2U : 0U})});
  p.thread_names = {{1, "m"}, {2, "pool"}};
  return p;
}

TEST(OffCpuReport, WallIsOnPlusOffPerThreadAndPhase) {
  const auto p = make_profile();
  const auto t1 = wall_split(p, 0, 100 * kMs, 1);
  EXPECT_DOUBLE_EQ(t1.wall_ms, 100);
  EXPECT_DOUBLE_EQ(t1.off_cpu_ms, 50);
  EXPECT_DOUBLE_EQ(t1.on_cpu_ms, 50);
  EXPECT_DOUBLE_EQ(t1.reason_ms[static_cast<std::size_t>(OffCpuReason::sleep)], 40);
  EXPECT_DOUBLE_EQ(t1.reason_ms[static_cast<std::size_t>(OffCpuReason::runnable)], 10);
  // A phase cuts intervals: 40-75 ms holds 20 ms of thread 1's sleep and 5 of its preemption,
  // and thread 2 from its birth at 50 ms (10 ms waiting, 15 on CPU, half of its samples spinning).
  const auto ph = wall_split(p, 40 * kMs, 75 * kMs);
  EXPECT_DOUBLE_EQ(ph.wall_ms, 35 + 25);
  EXPECT_DOUBLE_EQ(ph.reason_ms[static_cast<std::size_t>(OffCpuReason::sleep)], 20);
  EXPECT_DOUBLE_EQ(ph.reason_ms[static_cast<std::size_t>(OffCpuReason::runnable)], 5);
  EXPECT_DOUBLE_EQ(ph.reason_ms[static_cast<std::size_t>(OffCpuReason::unknown)], 10);
  EXPECT_DOUBLE_EQ(ph.off_cpu_ms, 35);
  EXPECT_DOUBLE_EQ(ph.on_cpu_ms, 25);
  EXPECT_DOUBLE_EQ(ph.spin_wait_ms, 15 * 0.5);
}

TEST(OffCpuReport, AnalysisFillsRunPhasesThreadsWaitsAndHint) {
  const std::vector<PhaseResult> phases{{"load", 0, 50 * kMs, 0, 0, 0, {}}};
  const auto r = analyse_profile(make_profile(), phases, ProfileOptions{});
  ASSERT_TRUE(r.off_cpu.recorded);
  EXPECT_DOUBLE_EQ(r.off_cpu.wall.wall_ms, 150);
  EXPECT_DOUBLE_EQ(r.off_cpu.wall.off_cpu_ms, 60);
  ASSERT_EQ(r.off_cpu.phases.size(), 1U);
  EXPECT_DOUBLE_EQ(r.off_cpu.phases[0].wall_ms, 50);
  EXPECT_DOUBLE_EQ(r.off_cpu.phases[0].off_cpu_ms, 30);
  ASSERT_EQ(r.off_cpu.threads.size(), 2U);
  EXPECT_EQ(r.off_cpu.threads[0].name, "m");
  ASSERT_EQ(r.off_cpu.stacks.size(), 3U);
  EXPECT_EQ(r.off_cpu.stacks[0].reason, OffCpuReason::sleep);
  EXPECT_EQ(r.off_cpu.stacks[0].frames, (std::vector<std::string>{"nanosleep", "main"}));
  EXPECT_DOUBLE_EQ(r.off_cpu.stacks[0].ms, 40);
  bool hinted = false;
  for (const auto& h : r.hints) hinted = hinted || h.find("off-CPU: the threads spend 40.0%") != std::string::npos;
  EXPECT_TRUE(hinted) << (r.hints.empty() ? "" : r.hints.back());
}

TEST(OffCpuReport, JsonHasTheSplitAndNullWithoutSwitchRecords) {
  const std::vector<PhaseResult> phases{{"load", 0, 50 * kMs, 0, 0, 0, {}}};
  const auto j = nlohmann::json::parse(profile_to_json(analyse_profile(make_profile(), phases, ProfileOptions{})));
  EXPECT_EQ(j["schema_version"], 2);
  EXPECT_EQ(j["off_cpu"]["mechanism"], "sched_switch");
  EXPECT_DOUBLE_EQ(j["off_cpu"]["wall"]["off_cpu_by_reason_ms"]["sleep"].get<double>(), 40);
  EXPECT_DOUBLE_EQ(j["off_cpu"]["wall"]["on_cpu_pct"].get<double>(), 60);
  EXPECT_EQ(j["off_cpu"]["stacks"][0]["frames"][0], "nanosleep");
  EXPECT_DOUBLE_EQ(j["phases"][0]["wall"]["off_cpu_ms"].get<double>(), 30);
  auto old = make_profile();
  old.off_cpu_recorded = false;
  const auto j_old = nlohmann::json::parse(profile_to_json(analyse_profile(old, phases, ProfileOptions{})));
  EXPECT_TRUE(j_old["off_cpu"].is_null());
  EXPECT_FALSE(j_old["phases"][0].contains("wall"));
}

TEST(OffCpuReport, FoldedWaitsSitBesideSamplesInSampleEquivalents) {
  const std::string folded = to_folded(make_profile());
  // 40 ms at 1000 Hz = 40 sample equivalents under the wait's own chain.
  EXPECT_NE(folded.find("main;nanosleep;[off-cpu: sleep] 40\n"), std::string::npos) << folded;
  EXPECT_NE(folded.find("main;[off-cpu: runnable] 10\n"), std::string::npos) << folded;
  const auto unknown = folded.find("[off-cpu: unknown] 10\n");  // no chain: the reason alone
  ASSERT_NE(unknown, std::string::npos) << folded;
  EXPECT_TRUE(unknown == 0 || folded[unknown - 1] == '\n') << folded;
  EXPECT_NE(folded.find("do_spin 2\n"), std::string::npos) << folded;
}

}  // namespace
}  // namespace perfprobe::report
