// The hardware-counter path end to end on a machine with no PMU: `run --fake-counters` scripts the
// readings a PMU would give (multiplexed cycles and instructions), and the JSON and the summary must
// scale them, say so, and derive IPC and miss rates from them.
#include <gtest/gtest.h>

#include <fstream>

#include "integration/harness.hpp"

using harness::perfprobe;
using nlohmann::json;

namespace {
const char* kScript = R"({
  "cycles": {"raw": 1000000, "time_enabled_ns": 2000000, "time_running_ns": 1000000},
  "instructions": {"raw": 1500000, "time_enabled_ns": 2000000, "time_running_ns": 1000000},
  "cache-references": {"raw": 4000},
  "cache-misses": {"raw": 1000},
  "task-clock": {"raw": 2000000, "kind": "software", "unit": "ns"},
  "context-switches": {"supported": false, "kind": "software", "reason": "scripted: no kernel counting"}
})";
}  // namespace

TEST(HardwarePath, MultiplexedCountersAreScaledAndSayHowLongTheyRan) {
  harness::TempDir dir;
  std::ofstream(dir.file("pmu.json")) << kScript;
  const auto r = harness::run(
      {perfprobe(), "run", "--fake-counters", dir.file("pmu.json"), "--json", dir.file("r.json"), "--", "true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json run = harness::read_json(dir.file("r.json"))["runs"][0];
  const json& cycles = run["counters"]["cycles"];
  EXPECT_EQ(cycles["raw"], 1000000);
  EXPECT_DOUBLE_EQ(cycles["value"].get<double>(), 2000000);  // ran half the time: scaled x2
  EXPECT_DOUBLE_EQ(cycles["running_pct"].get<double>(), 50);
  EXPECT_TRUE(cycles["multiplexed"].get<bool>());
  EXPECT_EQ(cycles["kind"], "hardware");
  EXPECT_DOUBLE_EQ(run["derived"]["ipc"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(run["derived"]["cache_miss_pct"].get<double>(), 25);
  EXPECT_FALSE(run["counters"]["context-switches"]["supported"].get<bool>());
  // The summary groups hardware counters, shows IPC and says the count was scaled.
  EXPECT_NE(r.err.find("hardware counters"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1.50 insn per cycle"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("scaled, ran 50.0% of the time"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("25.00% of cache refs"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("scripted: no kernel counting"), std::string::npos) << r.err;
}

TEST(HardwarePath, MalformedScriptIsAUsageError) {
  harness::TempDir dir;
  std::ofstream(dir.file("bad.json")) << "{\"cycles\": {}}";
  const auto r = harness::run({perfprobe(), "run", "--fake-counters", dir.file("bad.json"), "--", "true"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.json"), std::string::npos) << r.err;
  EXPECT_EQ(harness::run({perfprobe(), "run", "--fake-counters", dir.file("none.json"), "--", "true"}).exit_code, 2);
}
