// `perfprobe check` end to end: every budget passing and failing, every exit code, the config file,
// JUnit validity, Markdown/JSON outputs, and the baseline test (no alarm on the same program, an
// alarm on a 30% slower start).
#include <gtest/gtest.h>

#include <fstream>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using harness::run;
using nlohmann::json;

namespace {

harness::Result check(const std::vector<std::string>& args) {
  std::vector<std::string> argv{perfprobe(), "check"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

// A target that prints "ready" after `ready_s`, then 5 tokens 10 ms apart.
std::vector<std::string> llm_like(const std::string& ready_s) {
  return {"sh", "-c", "sleep " + ready_s + "; echo ready; for i in 1 2 3 4 5; do echo tok$i; sleep 0.01; done"};
}

std::vector<std::string> cat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST(CheckCli, SizeBudgetsPassAndFail) {
  const std::string bin = fixture("spin");
  EXPECT_EQ(check({"--binary", bin, "--max-size", "10MiB", "--max-stripped-size", "1MiB"}).exit_code, 0);
  const auto fail = check({"--binary", bin, "--max-size", "1KiB"});
  EXPECT_EQ(fail.exit_code, 1);
  EXPECT_NE(fail.err.find("FAIL"), std::string::npos) << fail.err;
  EXPECT_NE(fail.err.find("file_size " + bin), std::string::npos) << fail.err;
  EXPECT_EQ(check({"--binary", bin, "--max-stripped-size", "1KB"}).exit_code, 1);
}

TEST(CheckCli, RunBudgetsPassAndFail) {
  const auto base =
      std::vector<std::string>{"-r", "3", "-w", "0", "--ready", "output:^ready", "--tokens", "output:^tok"};
  const auto target = cat({"--"}, llm_like("0.05"));
  const auto pass = check(cat(cat(base, {"--max-startup", "2s", "--max-wall", "5s", "--max-peak-rss", "1GiB",
                                         "--max-token-p95", "1s", "--min-tokens-per-s", "1"}),
                              target));
  EXPECT_EQ(pass.exit_code, 0) << pass.out << pass.err;
  EXPECT_NE(pass.out.find("tok5"), std::string::npos);              // the target's stdout passes through
  EXPECT_EQ(pass.out.find("PASS"), std::string::npos) << pass.out;  // and holds nothing of perfprobe's
  for (const auto& budget : std::vector<std::vector<std::string>>{{"--max-startup", "10ms"},
                                                                  {"--max-wall", "20ms"},
                                                                  {"--max-peak-rss", "100KiB"},
                                                                  {"--max-token-p95", "1ms"},
                                                                  {"--min-tokens-per-s", "100000"}}) {
    const auto r = check(cat(cat(base, budget), target));
    EXPECT_EQ(r.exit_code, 1) << budget[0] << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find("FAIL"), std::string::npos) << budget[0];
  }
}

TEST(CheckCli, StartupWithoutReadyMarkerFailsAndSaysWhy) {
  const auto r = check({"-r", "2", "--max-startup", "1s", "--", "true"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--ready"), std::string::npos) << r.err;
}

TEST(CheckCli, UsageAndConfigErrorsExit2) {
  harness::TempDir dir;
  EXPECT_EQ(check({"--max-wall", "10parsecs", "--", "true"}).exit_code, 2);
  const auto unit = check({"--binary", fixture("spin"), "--max-size", "15 MeB"});
  EXPECT_EQ(unit.exit_code, 2);
  EXPECT_NE(unit.err.find("--max-size"), std::string::npos) << unit.err;
  EXPECT_EQ(check({"--max-size", "1MiB"}).exit_code, 2);  // no --binary
  EXPECT_EQ(check({"--max-wall", "1s"}).exit_code, 2);    // no command
  EXPECT_EQ(check({"--", "true"}).exit_code, 2);          // nothing to check
  EXPECT_EQ(check({"--max-phase", "load", "--", "true"}).exit_code, 2);
  EXPECT_EQ(check({"--binary", dir.file("nope"), "--max-size", "1MiB"}).exit_code, 2);
  EXPECT_EQ(check({"--config", dir.file("nope.json")}).exit_code, 2);
  std::ofstream(dir.file("bad.json")) << R"({"budgets": {"startup": "1s"}})";
  const auto bad = check({"--config", dir.file("bad.json")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("budgets.startup"), std::string::npos) << bad.err;
  std::ofstream(dir.file("badunit.json")) << R"({"command": ["true"], "budgets": {"wall_p95": "fast"}})";
  const auto badunit = check({"--config", dir.file("badunit.json")});
  EXPECT_EQ(badunit.exit_code, 2);
  EXPECT_NE(badunit.err.find("config budgets.wall_p95"), std::string::npos) << badunit.err;
  std::ofstream(dir.file("notjson.json")) << "{ runs: 3 ";
  EXPECT_EQ(check({"--config", dir.file("notjson.json")}).exit_code, 2);
  EXPECT_EQ(check({"--max-wall", "1s", "--baseline", dir.file("nope.json"), "--", "true"}).exit_code, 2);
  EXPECT_EQ(check({"--max-wall", "1s", "--json", "/nonexistent-dir/x.json", "--", "true"}).exit_code, 2);
}

TEST(CheckCli, TargetThatCannotRunOrFailsExits3) {
  const auto missing = check({"--max-wall", "1s", "--", "no-such-command-xyz"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("no-such-command-xyz"), std::string::npos) << missing.err;
  const auto failing = check({"--max-wall", "1s", "-r", "2", "--", fixture("exit_with"), "4"});
  EXPECT_EQ(failing.exit_code, 3);
  EXPECT_NE(failing.err.find("exit status 4"), std::string::npos) << failing.err;
  EXPECT_EQ(check({"--max-wall", "1s", "--", fixture("exit_with"), "-9"}).exit_code, 3);
}

TEST(CheckCli, ConfigFileWithTheIssuesKeysAndFlagsOverIt) {
  harness::TempDir dir;
  json cfg{{"binary", {fixture("spin")}},
           {"command", llm_like("0.02")},
           {"runs", 3},
           {"warmup", 0},
           {"ready", "output:^ready"},
           {"tokens", "output:^tok"},
           {"cold", false},
           {"budgets",
            {{"stripped_size", "15MiB"},
             {"file_size", "40MiB"},
             {"startup_p95", "2s"},
             {"peak_rss", "1GiB"},
             {"token_latency_p95", "1s"},
             {"tokens_per_s_min", 1}}}};
  std::ofstream(dir.file("c.json")) << cfg.dump();
  const auto r = check({"--config", dir.file("c.json"), "--json", dir.file("out.json")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json out = harness::read_json(dir.file("out.json"));
  EXPECT_EQ(out["runs"], 3);
  EXPECT_EQ(out["budgets"].size(), 6U);
  for (const auto& b : out["budgets"]) {
    EXPECT_TRUE(b["passed"].get<bool>()) << b.dump();
    EXPECT_EQ(b["origin"].get<std::string>().rfind("config budgets.", 0), 0U);
  }
  // A flag beats the config's value for the same budget, and --runs beats "runs".
  const auto strict =
      check({"--config", dir.file("c.json"), "--max-startup", "1ms", "-r", "2", "--json", dir.file("o2.json")});
  EXPECT_EQ(strict.exit_code, 1);
  const json o2 = harness::read_json(dir.file("o2.json"));
  EXPECT_EQ(o2["runs"], 2);
  bool saw = false;
  for (const auto& b : o2["budgets"]) {
    if (b["key"] == "startup_p95") {
      saw = true;
      EXPECT_EQ(b["origin"], "--max-startup");
      EXPECT_FALSE(b["passed"].get<bool>());
    }
  }
  EXPECT_TRUE(saw);
}

TEST(CheckCli, WritesValidJunitAndMarkdown) {
  harness::TempDir dir;
  const auto r = check({"--binary", fixture("spin"), "--max-size", "1KiB", "--max-stripped-size", "10MiB", "--max-wall",
                        "5s", "-r", "2", "--junit", dir.file("j.xml"), "--markdown", dir.file("s.md"), "--", "true"});
  EXPECT_EQ(r.exit_code, 1);
  // Parse it with a real XML parser and check the JUnit shape: one testcase per budget.
  const auto py = run({"python3", "-c",
                       "import sys, xml.etree.ElementTree as E\n"
                       "root = E.parse(sys.argv[1]).getroot()\n"
                       "assert root.tag == 'testsuites', root.tag\n"
                       "cases = root.findall('./testsuite/testcase')\n"
                       "fails = [c.get('name') for c in cases if c.find('failure') is not None]\n"
                       "print(len(cases), len(fails), root.find('testsuite').get('failures'), fails[0])\n",
                       dir.file("j.xml")});
  if (py.exit_code == 127) GTEST_SKIP() << "python3 is not installed";
  ASSERT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out, "3 1 1 file_size " + fixture("spin") + "\n");
  const std::string md = harness::read_text(dir.file("s.md"));
  EXPECT_NE(md.find("❌ fail"), std::string::npos);
  EXPECT_NE(md.find("| file_size " + fixture("spin")), std::string::npos) << md;
}

TEST(CheckCli, BaselineSameProgramIsNoAlarmAndThirtyPercentSlowerStartIs) {
  harness::TempDir dir;
  // 200 ms starts, so that the milliseconds a loaded machine adds to fork and exec stay small
  // against them. A 20% tolerance: other tests load the machine unevenly between the baseline and the later
  // checks, which shifts wall time systematically; a 30% slower start still clears it.
  const std::vector<std::string> opts{"-r",         "8",   "-w",          "1",  "--ready", "output:^ready",
                                      "--max-wall", "10s", "--tolerance", "20%"};
  const auto base = check(cat(cat(opts, {"--json", dir.file("base.json"), "--"}), llm_like("0.2")));
  ASSERT_EQ(base.exit_code, 0) << base.out << base.err;
  const json b = harness::read_json(dir.file("base.json"));
  EXPECT_EQ(b["samples"]["startup_ms"].size(), 8U);

  const auto same = check(
      cat(cat(opts, {"--baseline", dir.file("base.json"), "--json", dir.file("same.json"), "--"}), llm_like("0.2")));
  EXPECT_EQ(same.exit_code, 0) << same.err;
  const json s = harness::read_json(dir.file("same.json"));
  bool compared_startup = false;
  for (const auto& r : s["regressions"]) {
    EXPECT_FALSE(r["regressed"].get<bool>()) << r.dump();
    compared_startup = compared_startup || r["metric"] == "startup_ms";
  }
  EXPECT_TRUE(compared_startup);

  const auto slow = check(
      cat(cat(opts, {"--baseline", dir.file("base.json"), "--json", dir.file("slow.json"), "--"}), llm_like("0.26")));
  EXPECT_EQ(slow.exit_code, 1) << slow.err;
  EXPECT_NE(slow.err.find("REGRESSION"), std::string::npos) << slow.err;
  const json w = harness::read_json(dir.file("slow.json"));
  bool startup_regressed = false;
  for (const auto& r : w["regressions"]) {
    if (r["metric"] == "startup_ms") {
      startup_regressed = r["regressed"].get<bool>();
      EXPECT_GT(r["change_pct"].get<double>(), 15) << r.dump();
      EXPECT_LT(r["p_value"].get<double>(), 0.01);
    }
  }
  EXPECT_TRUE(startup_regressed) << w["regressions"].dump();
}

TEST(CheckCli, BaselineFromARunJson) {
  harness::TempDir dir;
  const auto r = run({perfprobe(), "run", "-q", "-r", "5", "--json", dir.file("run.json"), "--", "sleep", "0.1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Tolerance 30%, 100 ms target: the few ms a loaded machine adds to fork and exec stay well inside it.
  const auto same = check({"-r", "5", "--tolerance", "30%", "--baseline", dir.file("run.json"), "--", "sleep", "0.1"});
  EXPECT_EQ(same.exit_code, 0) << same.err;
  EXPECT_NE(same.err.find("wall_ms"), std::string::npos) << same.err;
  // One baseline run stretched by the load can leave 5 against 5 short of 99% confidence: the doubled
  // wall time is then inconclusive, which --fail-on-inconclusive fails as well.
  const auto slower = check({"-r", "5", "--tolerance", "30%", "--fail-on-inconclusive", "--baseline",
                             dir.file("run.json"), "--", "sleep", "0.2"});
  EXPECT_EQ(slower.exit_code, 1) << slower.err;
}

TEST(CheckCli, JsonAloneRecordsABaselineAndZeroMediansAreRefused) {
  harness::TempDir dir;
  const auto rec = check({"-r", "3", "-w", "0", "--json", dir.file("base.json"), "--", "true"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  EXPECT_NE(rec.err.find("recorded"), std::string::npos) << rec.err;
  EXPECT_EQ(harness::read_json(dir.file("base.json"))["samples"]["wall_ms"].size(), 3U);
  std::ofstream(dir.file("zero.json")) << R"({"samples": {"wall_ms": [0, 0, 0]}})";
  const auto zero = check({"-r", "2", "--baseline", dir.file("zero.json"), "--", "true"});
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_NE(zero.err.find("median"), std::string::npos) << zero.err;
}

TEST(CheckCli, UnconfirmedWorseningIsInconclusiveAndFailsOnlyWhenAskedTo) {
  harness::TempDir dir;
  ASSERT_EQ(check({"-r", "2", "-w", "0", "--json", dir.file("b.json"), "--", "sleep", "0.05"}).exit_code, 0);
  // 2 runs against 2 can never reach 99% confidence: twice as slow is inconclusive, not "same".
  const auto soft = check({"-r", "2", "-w", "0", "--baseline", dir.file("b.json"), "--", "sleep", "0.1"});
  EXPECT_EQ(soft.exit_code, 0) << soft.err;
  EXPECT_NE(soft.err.find("inconclusive"), std::string::npos) << soft.err;
  EXPECT_NE(soft.err.find("add runs"), std::string::npos) << soft.err;
  const auto strict =
      check({"-r", "2", "-w", "0", "--fail-on-inconclusive", "--baseline", dir.file("b.json"), "--", "sleep", "0.1"});
  EXPECT_EQ(strict.exit_code, 1) << strict.err;
}

TEST(CheckCli, BinaryThatIsNotTheCommandIsWarnedAbout) {
  const auto r =
      check({"--binary", fixture("spin"), "--max-size", "10MiB", "--max-wall", "10s", "-r", "1", "--", "true"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("is not the program the command runs"), std::string::npos) << r.err;
  const auto same = check(
      {"--binary", fixture("spin"), "--max-size", "10MiB", "--max-wall", "10s", "-r", "1", "--", fixture("spin"), "1"});
  EXPECT_EQ(same.err.find("is not the program"), std::string::npos) << same.err;
}

// A regression that a busy moment made: the target is slow for exactly the first round's runs (a
// counter file says how many slow runs are left), so the confirmation round sees the usual program.
// It is inconclusive (exit 0), the last round's runs are the recorded samples, and --confirm 0 fails
// on the first round. A slowdown that stays is confirmed and fails.
TEST(CheckCli, ARegressionFailsOnlyWhenTheConfirmationRoundRepeatsIt) {
  harness::TempDir dir;
  const std::string left = dir.file("slow-runs-left");
  const std::vector<std::string> target{"sh", "-c",
                                        "n=$(cat '" + left +
                                            "' 2>/dev/null || echo 0); if [ \"$n\" -gt 0 ]; then echo $((n - 1)) > '" +
                                            left + "'; sleep 0.4; else sleep 0.05; fi"};
  // A 200% tolerance: the slow runs are 8 times as long, and a loaded machine that shifts the 50 ms
  // runs between checks does not triple every one of them.
  const std::vector<std::string> opts{"-r", "5", "-w", "0", "--tolerance", "200%"};
  ASSERT_EQ(check(cat(cat(opts, {"--json", dir.file("base.json"), "--"}), target)).exit_code, 0);

  std::ofstream(left) << "5\n";
  const auto busy =
      check(cat(cat(opts, {"--baseline", dir.file("base.json"), "--json", dir.file("busy.json"), "--"}), target));
  EXPECT_EQ(busy.exit_code, 0) << busy.err;
  EXPECT_NE(busy.err.find("confirming with 5 more runs"), std::string::npos) << busy.err;
  const json b = harness::read_json(dir.file("busy.json"));
  EXPECT_EQ(b["baseline"]["confirmation_rounds"], 1);
  EXPECT_EQ(b["baseline"]["confirmation_runs"], 5);
  bool wall_unconfirmed = false;
  for (const auto& r : b["regressions"]) {
    EXPECT_FALSE(r["regressed"].get<bool>()) << r.dump();
    if (r["metric"] == "wall_ms") {
      wall_unconfirmed = r["outcome"] == "inconclusive" && r["note"].get<std::string>().starts_with("not confirmed");
      EXPECT_GT(r["change_pct"].get<double>(), 200) << r.dump();  // the first round's figures
    }
  }
  EXPECT_TRUE(wall_unconfirmed) << b["regressions"].dump();
  ASSERT_EQ(b["samples"]["wall_ms"].size(), 5U);
  for (const auto& w : b["samples"]["wall_ms"]) EXPECT_LT(w.get<double>(), 250) << b["samples"].dump();

  std::ofstream(left) << "5\n";
  const auto unconfirmed = check(cat(cat(opts, {"--confirm", "0", "--baseline", dir.file("base.json"), "--"}), target));
  EXPECT_EQ(unconfirmed.exit_code, 1) << unconfirmed.err;

  std::ofstream(left) << "100\n";
  const auto slow =
      check(cat(cat(opts, {"--baseline", dir.file("base.json"), "--json", dir.file("slow.json"), "--"}), target));
  EXPECT_EQ(slow.exit_code, 1) << slow.err;
  const json s = harness::read_json(dir.file("slow.json"));
  EXPECT_EQ(s["baseline"]["confirmation_rounds"], 1);
  bool wall_regressed = false;
  for (const auto& r : s["regressions"])
    wall_regressed = wall_regressed || (r["metric"] == "wall_ms" && r["regressed"].get<bool>());
  EXPECT_TRUE(wall_regressed) << s["regressions"].dump();
}
