// `report` on a recording with tokens, against a fixture with known truth: every 20th token of
// slow_tokens burns 40 ms in slow_step besides the 3 ms of decode_step that every token burns, so
// those tokens must be listed as the slowest, with slow_step as what the target did during them;
// the cost per token from the samples must agree with task-clock's, and counters reach the report.
// Tokens 10, 30 and 50 sleep 60 ms: their time must show off CPU, with the wait's chain as root;
// token 25 faults in a cold file page by page: its major faults are counted.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using nlohmann::json;

namespace {

std::string record(const harness::TempDir& dir, const std::vector<std::string>& args,
                   const std::vector<std::string>& target_args = {}) {
  std::vector<std::string> argv{perfprobe(), "record", "-q", "-o", dir.file("p.data")};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--", fixture("slow_tokens")});
  argv.insert(argv.end(), target_args.begin(), target_args.end());
  const auto r = harness::run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

json report_json(const harness::TempDir& dir) {
  const auto r = harness::run({perfprobe(), "report", "--json", dir.file("p.data")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

}  // namespace

TEST(SlowTokens, TheSlowTokensAreNamedWithTheFunctionThatMadeThemSlow) {
  harness::TempDir dir;
  record(dir, {});
  const json t = report_json(dir)["tokens"];
  ASSERT_TRUE(t.is_object()) << t.dump();
  EXPECT_EQ(t["count"], 61);
  // A loaded machine may stretch an ordinary token too, so the slow ones must be among the five
  // slowest listed, not necessarily the first three.
  std::set<int> slow;
  for (const auto& tok : t["slowest"]) {
    const int index = tok["index"].get<int>();
    if (index % 20 != 0) continue;
    slow.insert(index);
    EXPECT_EQ(tok["functions"][0]["name"], "slow_step") << tok.dump(1);
    EXPECT_GT(tok["functions"][0]["self_pct"].get<double>(), 60.0) << tok.dump(1);
    EXPECT_EQ(tok["chain"][0], "main") << tok.dump(1);
    EXPECT_TRUE(tok["stall"].get<bool>()) << "over 3x the median: " << tok.dump(1);
    // 43 ms of CPU at ~1 kHz, whatever the load (the fixture burns CPU time, not wall time).
    EXPECT_NEAR(tok["cpu_ms"].get<double>(), 43.0, 15.0) << tok.dump(1);
  }
  EXPECT_EQ(slow, (std::set<int>{20, 40, 60})) << t["slowest"].dump(1);
  EXPECT_EQ(t["others"]["functions"][0]["name"], "decode_step") << t["others"].dump(1);
  const auto text = harness::run({perfprobe(), "report", dir.file("p.data")});
  EXPECT_NE(text.out.find("in slow_step \u2190 main"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("token 40 took"), std::string::npos) << text.out;
}

TEST(SlowTokens, CpuPerTokenFromSamplesAgreesWithTaskClock) {
  harness::TempDir dir;
  record(dir, {});
  const json t = report_json(dir)["tokens"];
  const double sampled = t["cpu_ms_sampled"].get<double>();
  const double counted = t["per_token"].value("cpu_ms", 0.0);
  // 60 tokens of 3 ms and 3 of 40 ms more: ~5 ms per token by both measures.
  EXPECT_NEAR(sampled, 5.0, 2.0) << t.dump(1);
  EXPECT_NEAR(sampled, counted, 0.3 * counted) << t.dump(1);
}

TEST(SlowTokens, CountersPerTokenReachTheReport) {
  harness::TempDir dir;
  // Counters that grow as a PMU's would: 1e9 instructions and 2e9 cycles per second of the run.
  std::ofstream(dir.file("pmu.json")) << R"({"cycles": {"raw": 0, "raw_per_s": 2e9},
    "instructions": {"raw": 0, "raw_per_s": 1e9}, "task-clock": {"raw": 0, "kind": "software", "unit": "ns"}})";
  record(dir, {"--fake-counters", dir.file("pmu.json")});
  const json t = report_json(dir)["tokens"];
  const double instructions = t["per_token"].value("instructions", 0.0);
  const double cycles = t["per_token"].value("cycles", 0.0);
  // Per token: the rate times the wall time of a token, which is at least its CPU time (~5 ms).
  EXPECT_GT(instructions, 0.5e6 * t["cpu_ms_sampled"].get<double>()) << t.dump(1);
  EXPECT_NEAR(cycles / instructions, 2.0, 0.05) << t.dump(1);
  const auto text = harness::run({perfprobe(), "report", dir.file("p.data")});
  EXPECT_NE(text.out.find(" M instructions, "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(" M cycles"), std::string::npos) << text.out;
}

TEST(SlowTokens, ATokenThatSleepsIsOffCpuWithItsWaitAndFaultsAreCounted) {
  harness::TempDir dir;
  const std::string data = dir.file("cold.bin");
  {
    std::ofstream f(data, std::ios::binary);
    f << std::string(1 << 20, 'x');  // 256 pages
  }
  ASSERT_EQ(std::system(("sync '" + data + "'").c_str()), 0);  // clean pages can be dropped
  const std::string out = record(dir, {}, {"61", data});
  const json t = report_json(dir)["tokens"];
  ASSERT_TRUE(t.is_object()) << t.dump();
  std::set<int> sleepers;
  double listed_faults = 0;
  for (const auto& tok : t["slowest"]) {
    ASSERT_TRUE(tok["wall"].is_object()) << tok.dump(1);
    ASSERT_TRUE(tok["major_faults"].is_number()) << tok.dump(1);
    const int index = tok["index"].get<int>();
    if (index != 25) listed_faults += tok["major_faults"].get<double>();
    if (index % 20 != 10) continue;
    sleepers.insert(index);
    const json& w = tok["wall"];
    // One thread: its time is the token's latency, 60 ms of it asleep (plus the wake-up's delay on a
    // loaded machine) and at least the 3 ms of CPU that decode_step burns on CPU.
    EXPECT_NEAR(w["wall_ms"].get<double>(), tok["latency_ms"].get<double>(), 0.5) << tok.dump(1);
    EXPECT_GE(w["off_cpu_ms"].get<double>(), 0.97 * 60) << tok.dump(1);
    EXPECT_GE(w["on_cpu_ms"].get<double>(), 2.5) << tok.dump(1);
    EXPECT_NEAR(w["on_cpu_ms"].get<double>() + w["off_cpu_ms"].get<double>(), w["wall_ms"].get<double>(), 0.01);
    if (harness::is_root()) {  // reasons and chains come from sched_switch
      EXPECT_GE(w["off_cpu_by_reason_ms"]["sleep"].get<double>(), 0.97 * 60) << tok.dump(1);
      ASSERT_TRUE(tok["top_wait"].is_object()) << tok.dump(1);
      EXPECT_EQ(tok["top_wait"]["reason"], "sleep") << tok.dump(1);
      const auto& frames = tok["top_wait"]["frames"];
      EXPECT_NE(std::find(frames.begin(), frames.end(), "wait_step"), frames.end()) << tok.dump(1);
    }
  }
  EXPECT_EQ(sleepers, (std::set<int>{10, 30, 50})) << t["slowest"].dump(1);
  const json& others = t["others"];
  ASSERT_TRUE(others["wall"].is_object()) << others.dump(1);
  // The other tokens never sleep: per token, at least decode_step's 3 ms on CPU; nothing asleep.
  EXPECT_GE(others["wall"]["on_cpu_ms"].get<double>(), 2.5) << others.dump(1);
  if (harness::is_root()) {
    EXPECT_LT(others["wall"]["off_cpu_by_reason_ms"]["sleep"].get<double>(), 0.5) << others.dump(1);
  }
  // Major faults: every one of the cold file's pages in token 25, none elsewhere (the program's
  // own pages are in the page cache by then).
  EXPECT_LE(listed_faults, 2) << t["slowest"].dump(1);
  const auto at = out.find("fault_token_majflt=");
  ASSERT_NE(at, std::string::npos) << out;
  const double truth = std::atof(out.c_str() + at + 19);
  if (truth < 200) GTEST_SKIP() << "the file did not leave the page cache here (tmpfs?): " << out;
  double fault_token = -1;
  for (const auto& tok : t["slowest"]) {
    if (tok["index"] == 25) fault_token = tok["major_faults"].get<double>();
  }
  if (fault_token < 0) {  // not among the slowest: pooled with the others
    fault_token = others["major_faults"].get<double>() * others["tokens"].get<double>();
  }
  EXPECT_NEAR(fault_token, truth, 2) << t.dump(1) << out;
  const auto text = harness::run({perfprobe(), "report", dir.file("p.data")});
  EXPECT_NE(text.out.find("token 30 took"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("): off-CPU 9"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(" major faults"), std::string::npos) << text.out;
}
