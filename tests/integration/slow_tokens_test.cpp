// `report` on a recording with tokens, against a fixture with known truth: every 20th token of
// slow_tokens burns 40 ms in slow_step besides the 3 ms of decode_step that every token burns, so
// those tokens must be listed as the slowest, with slow_step as what the target did during them;
// the cost per token from the samples must agree with task-clock's, and counters reach the report.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using nlohmann::json;

namespace {

void record(const harness::TempDir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv{perfprobe(), "record", "-q", "-o", dir.file("p.data")};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--", fixture("slow_tokens")});
  const auto r = harness::run(argv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
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
