// The marker channel and the output tap against targets with a known truth (tests/fixtures/
// marker_stress.c): a target vandalising the shared ring, a million marks, idle targets, quick
// writers, a 64 MiB phase, broken pipes and background children.
#include <gtest/gtest.h>
#include <pwd.h>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using nlohmann::json;

namespace {

json run_json(const std::vector<std::string>& args, harness::Result* result = nullptr,
              const harness::RunOptions& opt = {}) {
  harness::TempDir dir;
  std::vector<std::string> argv = {perfprobe(), "run", "-q", "--json", dir.file("r.json")};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = harness::run(argv, opt);
  if (result != nullptr) *result = r;
  return harness::read_json(dir.file("r.json"));
}

}  // namespace

TEST(Channel, AVandalTargetIsReportedOnceAndNeverCrashesPerfprobe) {
  harness::Result r;
  const json j = run_json({"--", fixture("marker_stress"), "vandal"}, &r);
  EXPECT_EQ(r.exit_code, 7) << r.err;  // the target's own status: perfprobe lived to report it
  EXPECT_EQ(r.err.find("vandal: shrank the ring"), std::string::npos) << "the ring's size is sealed";
  const auto first = r.err.find("the target corrupted the marker channel");
  ASSERT_NE(first, std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("the target corrupted the marker channel", first + 1), std::string::npos) << "said once";
  EXPECT_EQ(j["runs"][0]["markers"]["mark:sound"]["count"], 2);  // what came before the damage is kept
}

TEST(Channel, AMillionMarksAreCountedExactlyAndCostLittleMemory) {
  harness::TempDir dir;
  // The outer perfprobe measures the inner one's peak RSS.
  const auto r =
      harness::run({perfprobe(), "run", "-q", "--json", dir.file("outer.json"), "--", perfprobe(), "run", "-q",
                    "--json", dir.file("inner.json"), "--", fixture("marker_stress"), "ticks", "1000000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json inner = harness::read_json(dir.file("inner.json"))["runs"][0];
  EXPECT_EQ(inner["markers"]["mark:tick"]["count"], 1000000);
  const auto dropped = inner["markers_dropped"].get<std::uint64_t>();
  EXPECT_LT(dropped, 1000000u);
  const json outer = harness::read_json(dir.file("outer.json"))["runs"][0];
  // An ASan build of perfprobe (this test is built with the same flags) keeps freed memory in
  // quarantine and maps shadow memory: its RSS says nothing of the release binary's.
  if (!harness::kAsan) {
    EXPECT_LT(outer["peak_rss_bytes"].get<double>(), 64.0 * 1024 * 1024);
  }
}

TEST(Tokens, EveryQuickWriteIsOneTokenAndALoneNewlineIsNone) {
  harness::Result r;
  const json j = run_json({"--tokens", "output", "--", fixture("marker_stress"), "writes", "501"}, &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string expected;
  for (int i = 0; i < 501; ++i) expected += "tok" + std::to_string(i) + " ";
  EXPECT_EQ(r.out, expected + "\n");  // byte-exact
  EXPECT_EQ(j["runs"][0]["tokens"]["count"], 501);
}

TEST(Tokens, TokensAfterAMarkerLeaveThePromptEchoApart) {
  harness::Result r;
  const json j = run_json(
      {"--tokens", "output", "--tokens-after", "mark:generate", "--", fixture("marker_stress"), "echo", "20"}, &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json& t = j["runs"][0]["tokens"];
  EXPECT_EQ(t["count"], 20);
  EXPECT_EQ(t["prompt_echo_count"], 3);
  EXPECT_GT(t["ttft_ms"].get<double>(), 20.0);  // the first generated token, after the 20 ms pause
}

TEST(Wakeups, AnIdleTargetWakesPerfprobeRarely) {
  harness::TempDir dir;
  // The outer perfprobe reports the inner one's voluntary context switches (each is a wake-up).
  const auto r = harness::run({perfprobe(), "run", "-q", "--json", dir.file("outer.json"), "--", perfprobe(), "run",
                               "-q", "--", fixture("marker_stress"), "idle", "2000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json outer = harness::read_json(dir.file("outer.json"))["runs"][0];
  const double seconds = outer["wall_ms"].get<double>() / 1000.0;
  EXPECT_LT(outer["voluntary_ctxt_switches"].get<double>() / seconds, 50.0);
}

TEST(BrokenPipe, TheTargetGetsSigpipeWhenTheReaderOfPerfprobesOutputIsGone) {
  const auto r = harness::run(
      {"bash", "-c",
       "timeout 20 " + perfprobe() + " run -q --tokens output -- yes | head -1; echo \"rc=${PIPESTATUS[0]}\""});
  EXPECT_EQ(r.out, "y\nrc=141\n") << r.err;  // as `yes | head -1` alone: the target died of SIGPIPE
}

TEST(BrokenPipe, OutputOfABackgroundChildThatOutlivesTheTargetIsPassedOn) {
  const auto r = harness::run({perfprobe(), "run", "-q", "--tokens", "output", "--", fixture("marker_stress"), "bg"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "late output\n");  // the harness reads until every writer of perfprobe's stdout is gone
}

namespace {

std::vector<std::string> as_unprivileged_user() { return harness::as_user("perfprobe-test", "nobody"); }

// A phase that touches exactly 64 MiB between its marks, while the fixture goes on touching after
// the end mark: the phase's figures are those of the marks' instants, every run.
void expect_exact_64mib_phase(const harness::RunOptions& opt) {
  constexpr double kTruth = 64.0 * 1024 * 1024;
  constexpr double kPages = kTruth / 4096;
  for (int run = 0; run < 3; ++run) {
    harness::Result r;
    const json j = run_json({"-e", "page-faults", "--", fixture("marker_stress"), "touch", "64"}, &r, opt);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json& phases = j["runs"][0]["phases"];
    ASSERT_EQ(phases.size(), 1u);
    const json& load = phases[0];
    EXPECT_EQ(load["boundary"], "handshake") << load.dump();
    EXPECT_NEAR(load["rss_delta_bytes"].get<double>(), kTruth, std::max(256.0 * 1024, 0.01 * kTruth)) << run;
    EXPECT_NEAR(load["rss_anon_delta_bytes"].get<double>(), kTruth, std::max(256.0 * 1024, 0.01 * kTruth)) << run;
    const json& faults = load["counters"]["page-faults"];
    ASSERT_TRUE(faults.is_number()) << load.dump();
    EXPECT_NEAR(faults.get<double>(), kPages, 0.01 * kPages) << run;
  }
}

// The same truth between USDT probes and between function probes, as root: the kernel's records of
// every RSS change and page fault give the figures at the probe's own timestamp.
void expect_exact_64mib_probe_phase(const std::string& phase) {
  constexpr double kTruth = 64.0 * 1024 * 1024;
  constexpr double kPages = kTruth / 4096;
  for (int run = 0; run < 3; ++run) {
    harness::Result r;
    const json j = run_json({"-e", "page-faults", "--phase", phase, "--", fixture("probe_touch"), "64"}, &r);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json& phases = j["runs"][0]["phases"];
    ASSERT_EQ(phases.size(), 1u) << j["runs"][0].dump();
    const json& load = phases[0];
    EXPECT_EQ(load["boundary"], "kernel-records") << load.dump();
    EXPECT_NEAR(load["rss_delta_bytes"].get<double>(), kTruth, std::max(256.0 * 1024, 0.01 * kTruth)) << run;
    EXPECT_NEAR(load["rss_anon_delta_bytes"].get<double>(), kTruth, std::max(256.0 * 1024, 0.01 * kTruth)) << run;
    const json& faults = load["counters"]["page-faults"];
    ASSERT_TRUE(faults.is_number()) << load.dump();
    EXPECT_NEAR(faults.get<double>(), kPages, 0.01 * kPages) << run;
  }
}

}  // namespace

TEST(PhaseBoundaries, A64MibPhaseIsExactAsRoot) {
  if (!harness::is_root()) GTEST_SKIP() << "the unprivileged case is the next test";
  expect_exact_64mib_phase({});
}

TEST(PhaseBoundaries, A64MibPhaseBetweenUsdtProbesIsExactAsRoot) {
  if (!harness::is_root()) GTEST_SKIP() << "USDT needs root";
  expect_exact_64mib_probe_phase("load=usdt:probe_touch:begin..usdt:probe_touch:end");
}

TEST(PhaseBoundaries, A64MibPhaseBetweenFunctionProbesIsExactAsRoot) {
  if (!harness::is_root()) GTEST_SKIP() << "function probes need root";
  expect_exact_64mib_probe_phase("load=uprobe:phase_begin..uprobe:phase_end");
}

TEST(PhaseBoundaries, A64MibPhaseIsExactUnprivileged) {
  harness::RunOptions opt;
  if (harness::is_root()) opt.prefix = as_unprivileged_user();
  expect_exact_64mib_phase(opt);
}
