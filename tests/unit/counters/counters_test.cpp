// libpfm4 encoding, scaling, and the honest open of counters on this process.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>

#include "perfprobe/counters/counter_set.hpp"
#include "perfprobe/counters/scripted.hpp"
#include "perfprobe/error.hpp"

using namespace perfprobe::counters;

TEST(Scale, MultiplexedCountIsExtrapolatedByEnabledOverRunning) {
  EXPECT_DOUBLE_EQ(scale(1000, 200, 100), 2000);
  EXPECT_DOUBLE_EQ(scale(1000, 100, 100), 1000);
  EXPECT_DOUBLE_EQ(scale(1000, 100, 0), 1000);  // never ran: no division by zero
}

TEST(Pfm, EncodesPerfGenericNames) {
  const PfmLibrary pfm;
  const auto tc = pfm.encode("task-clock");
  EXPECT_EQ(tc.attr.type, PERF_TYPE_SOFTWARE);
  EXPECT_EQ(tc.attr.config, PERF_COUNT_SW_TASK_CLOCK);
  const auto cyc = pfm.encode("cycles");
  EXPECT_EQ(cyc.attr.type, PERF_TYPE_HARDWARE);
  EXPECT_FALSE(cyc.explicit_privilege_level);
  EXPECT_TRUE(pfm.encode("cycles:u").explicit_privilege_level);
}

// The table that spares `run` loading libpfm4 must encode each name exactly as libpfm4 does, every
// byte of the attribute included; a name libpfm4 does not know must not be in it.
TEST(Pfm, GenericNamesEncodeAsLibpfmEncodesThem) {
  const PfmLibrary pfm;
  int compared = 0;
  for (const char* name : {"cycles",
                           "cpu-cycles",
                           "instructions",
                           "cache-references",
                           "cache-misses",
                           "branches",
                           "branch-instructions",
                           "branch-misses",
                           "bus-cycles",
                           "stalled-cycles-frontend",
                           "stalled-cycles-backend",
                           "ref-cycles",
                           "cpu-clock",
                           "task-clock",
                           "page-faults",
                           "faults",
                           "major-faults",
                           "minor-faults",
                           "context-switches",
                           "cs",
                           "cpu-migrations",
                           "migrations"}) {
    SCOPED_TRACE(name);
    const auto generic = generic_event(name);
    ASSERT_TRUE(generic.has_value());
    const auto reference = pfm.encode_with_libpfm(name);
    EXPECT_EQ(std::memcmp(&generic->attr, &reference.attr, sizeof(perf_event_attr)), 0);
    EXPECT_EQ(generic->explicit_privilege_level, reference.explicit_privilege_level);
    ++compared;
  }
  EXPECT_EQ(compared, 22);
  for (const auto& name : default_events()) EXPECT_TRUE(generic_event(name).has_value()) << name;
  for (const char* other : {"cycles:u", "perf::cycles", "instructions:k", "L1-dcache-load-misses", "Cycles"}) {
    EXPECT_FALSE(generic_event(other).has_value()) << other;
  }
  EXPECT_FALSE(pfm.encode_with_libpfm("task-clock").canonical.empty());
}

TEST(Pfm, UnknownNameIsAUsageErrorNamingIt) {
  const PfmLibrary pfm;
  try {
    (void)pfm.encode("no-such-event");
    FAIL();
  } catch (const perfprobe::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-event"), std::string::npos);
  }
}

TEST(CounterSet, SoftwareEventsCountOnThisProcessAndUnsupportedOnesSayWhy) {
  const PfmLibrary pfm;
  OpenOptions open;
  open.enable_on_exec = false;
  open.inherit = false;
  CounterSet set({pfm.encode("task-clock"), pfm.encode("cycles")}, {0}, open);
  volatile unsigned long x = 0;
  for (unsigned long i = 0; i < 10000000; ++i) x = x + i;
  EXPECT_EQ(set.read()[0].raw, 0U);  // opened disabled: nothing counts before enable()
  set.enable();
  for (unsigned long i = 0; i < 10000000; ++i) x = x + i;
  const auto readings = set.read();
  ASSERT_EQ(readings.size(), 2U);
  EXPECT_TRUE(readings[0].supported);
  EXPECT_GT(readings[0].value, 1e6);
  EXPECT_EQ(readings[0].unit, "ns");
  if (!readings[1].supported) {
    EXPECT_FALSE(readings[1].reason.empty());
  }
}

TEST(CounterSet, CountsExactlyBetweenEnableAndDisable) {
  const PfmLibrary pfm;
  CounterSet set({pfm.encode("task-clock")}, {0}, OpenOptions{.enable_on_exec = false, .inherit = false});
  set.enable();
  volatile unsigned long x = 0;
  for (unsigned long i = 0; i < 10000000; ++i) x = x + i;
  set.disable();
  const double counted = set.read()[0].value;
  EXPECT_GT(counted, 1e6);
  for (unsigned long i = 0; i < 10000000; ++i) x = x + i;
  EXPECT_EQ(set.read()[0].value, counted);  // disabled: the window is closed
}

TEST(ScriptedCounters, ReadsTheScriptScaledLikeARealSet) {
  const ScriptedCounters fake(parse_counter_script(
      R"({"cycles": {"raw": 100, "time_enabled_ns": 20, "time_running_ns": 10}, "x": {"supported": false}})",
      "t.json"));
  const Counters& counters = fake;
  const auto readings = counters.read();
  ASSERT_EQ(readings.size(), 2U);
  EXPECT_EQ(readings[0].name, "cycles");
  EXPECT_DOUBLE_EQ(readings[0].value, 200);
  EXPECT_TRUE(readings[0].hardware);
  EXPECT_FALSE(readings[1].supported);
  EXPECT_THROW((void)parse_counter_script("[]", "t.json"), perfprobe::UsageError);
}

TEST(ScriptedCounters, GrowAtTheirScriptedRate) {
  const ScriptedCounters fake(
      parse_counter_script(R"({"instructions": {"raw": 1000, "raw_per_s": 1e9}, "cycles": {"raw": 7}})", "t.json"));
  const auto first = fake.read();
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(5);
  while (std::chrono::steady_clock::now() < until) {
  }
  const auto second = fake.read();
  EXPECT_GE(second[0].raw, first[0].raw + 5'000'000U);  // 5 ms at 1e9 per second, at least
  EXPECT_DOUBLE_EQ(second[0].value, static_cast<double>(second[0].raw));
  EXPECT_EQ(second[1].raw, 7U) << "no rate: the same reading every time";
}

TEST(ExplainOpenError, NamesTheFix) {
  EXPECT_NE(explain_open_error(ENOENT, false).find("no PMU"), std::string::npos);
  EXPECT_NE(explain_open_error(EACCES, true).find("CAP_PERFMON"), std::string::npos);
  EXPECT_NE(explain_open_error(EMFILE, true).find("ulimit"), std::string::npos);
}
