// `perfprobe run` end to end: exit codes, signals, pass-through, JSON contract and values.
#include <gtest/gtest.h>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using harness::run;
using nlohmann::json;

namespace {

json run_json(const std::vector<std::string>& args, harness::Result* result = nullptr) {
  harness::TempDir dir;
  std::vector<std::string> argv{perfprobe(), "run", "-q", "--json", dir.file("r.json")};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = run(argv);
  if (result != nullptr) *result = r;
  return harness::read_json(dir.file("r.json"));
}

}  // namespace

TEST(RunCli, PassesTheExitStatusThrough) {
  EXPECT_EQ(run({perfprobe(), "run", "-q", "--", fixture("exit_with"), "0"}).exit_code, 0);
  EXPECT_EQ(run({perfprobe(), "run", "-q", "--", fixture("exit_with"), "3"}).exit_code, 3);
  EXPECT_EQ(run({perfprobe(), "run", "-q", "--", "sh", "-c", "exit 42"}).exit_code, 42);
}

TEST(RunCli, ExitsWith128PlusTheSignalThatKilledTheTarget) {
  harness::Result r;
  const json j = run_json({"--", fixture("exit_with"), "-11"}, &r);
  EXPECT_EQ(r.exit_code, 139);
  EXPECT_EQ(j["runs"][0]["signal"], 11);
  EXPECT_EQ(j["runs"][0]["signal_name"], "SIGSEGV");
  EXPECT_EQ(j["runs"][0]["exit_code"], 139);
}

TEST(RunCli, MissingCommandExits127AndNamesIt) {
  const auto r = run({perfprobe(), "run", "--", "no-such-command-xyz"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_NE(r.err.find("no-such-command-xyz"), std::string::npos) << r.err;
}

TEST(RunCli, NonExecutableFileExits126) {
  harness::TempDir dir;
  std::ofstream(dir.file("script")) << "#!/bin/sh\necho hi\n";
  const auto r = run({perfprobe(), "run", "--", dir.file("script")});
  EXPECT_EQ(r.exit_code, 126);
  EXPECT_NE(r.err.find("script"), std::string::npos) << r.err;
}

TEST(RunCli, UnknownEventExits2WithLibpfmReason) {
  const auto r = run({perfprobe(), "run", "-e", "no-such-event", "--", "true"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no-such-event"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("event not found"), std::string::npos) << r.err;
}

TEST(RunCli, BadFlagsExit2) {
  EXPECT_EQ(run({perfprobe(), "run", "--bogus", "--", "true"}).exit_code, 2);
  EXPECT_EQ(run({perfprobe(), "run", "--runs", "0", "--", "true"}).exit_code, 2);
  EXPECT_EQ(run({perfprobe(), "run", "--interval", "10parsecs", "--", "true"}).exit_code, 2);
  EXPECT_EQ(run({perfprobe(), "run"}).exit_code, 2);
  EXPECT_EQ(run({perfprobe(), "nosuchcommand"}).exit_code, 2);
  const auto r = run({perfprobe(), "run", "sh", "-c", "true"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--"), std::string::npos);
}

TEST(RunCli, JsonFollowsTheContract) {
  const json j = run_json({"-r", "2", "--", fixture("spin"), "50"});
  EXPECT_EQ(j["schema_version"], 2);
  EXPECT_TRUE(j["tool"].get<std::string>().rfind("perfprobe ", 0) == 0);
  EXPECT_EQ(j["command"][0], fixture("spin"));
  ASSERT_EQ(j["runs"].size(), 2U);
  for (const auto& r : j["runs"]) {
    for (const char* key :
         {"exit_code", "signal", "interrupted", "wall_ms", "user_ms", "sys_ms", "peak_rss_bytes", "counters"}) {
      EXPECT_TRUE(r.contains(key)) << key;
    }
    EXPECT_TRUE(r["signal"].is_null());
    EXPECT_FALSE(r["interrupted"].get<bool>());
    EXPECT_GT(r["wall_ms"].get<double>(), 45.0);
    EXPECT_LT(r["wall_ms"].get<double>(), 5000.0);
  }
  for (const char* key : {"wall_ms", "user_ms", "sys_ms", "peak_rss_bytes"}) {
    const auto& s = j["summary"][key];
    EXPECT_EQ(s["n"], 2) << key;
    for (const char* stat : {"mean", "stddev", "min", "max", "median", "p90", "p99"})
      EXPECT_TRUE(s.contains(stat)) << stat;
  }
  EXPECT_TRUE(j["summary"]["counters"].contains("task-clock"));
  EXPECT_EQ(j["samples"]["wall_ms"].size(), 2U);
}

TEST(RunCli, TaskClockIsCountedAndHardwareEventsAreHonest) {
  const json j = run_json({"--", fixture("spin"), "100"});
  const auto& c = j["runs"][0]["counters"];
  ASSERT_TRUE(c["task-clock"]["supported"].get<bool>());
  // task-clock (ns, user + kernel) must agree with the kernel's rusage CPU time of the same run,
  // whatever else loads the machine; rusage has tick granularity, hence the slack.
  const double cpu_ns = (j["runs"][0]["user_ms"].get<double>() + j["runs"][0]["sys_ms"].get<double>()) * 1e6;
  EXPECT_GT(c["task-clock"]["value"].get<double>(), 10e6);
  EXPECT_NEAR(c["task-clock"]["value"].get<double>(), cpu_ns, 0.25 * cpu_ns + 8e6);
  EXPECT_LE(c["task-clock"]["value"].get<double>(), j["runs"][0]["wall_ms"].get<double>() * 1e6 * 1.05);
  EXPECT_GT(c["task-clock"]["running_pct"].get<double>(), 99.0);
  for (const char* hw : {"cycles", "instructions", "cache-misses", "branches"}) {
    ASSERT_TRUE(c.contains(hw));
    if (!c[hw]["supported"].get<bool>()) {
      EXPECT_FALSE(c[hw]["reason"].get<std::string>().empty()) << hw;  // says why, never a silent 0
    } else {
      EXPECT_GT(c[hw]["value"].get<double>(), 0) << hw;
    }
  }
}

TEST(RunCli, ContextSwitchesAreCountedOrExplainedNeverASilentZero) {
  const json j = run_json({"-e", "context-switches,cpu-migrations", "--", "sh", "-c", "sleep 0.05; sleep 0.05"});
  const auto& cs = j["runs"][0]["counters"]["context-switches"];
  if (cs["supported"].get<bool>()) {
    EXPECT_GT(cs["value"].get<double>(), 0);
    EXPECT_EQ(cs["scope"], "user+kernel");
  } else {
    EXPECT_NE(cs["reason"].get<std::string>().find("kernel"), std::string::npos);
  }
}

TEST(RunCli, PeakRssOfA96MiBProgramIsAtLeast96MiB) {
  const json j = run_json({"--", fixture("touch_memory"), "96"});
  EXPECT_GE(j["runs"][0]["peak_rss_bytes"].get<double>(), 96.0 * 1024 * 1024);
  EXPECT_LT(j["runs"][0]["peak_rss_bytes"].get<double>(), 200.0 * 1024 * 1024);
  const auto& pf = j["runs"][0]["counters"]["page-faults"];
  ASSERT_TRUE(pf["supported"].get<bool>());
  EXPECT_GT(pf["value"].get<double>(), 96.0 * 256 * 0.9);  // one fault per 4 KiB page touched
}

TEST(RunCli, RssTimelineSeesMemoryHeldByTheTarget) {
  const json j = run_json({"--interval", "20ms", "--", fixture("touch_memory"), "64", "300"});
  const auto& samples = j["runs"][0]["rss_samples"];
  ASSERT_GE(samples.size(), 5U);
  double max_anon = 0;
  for (const auto& s : samples) max_anon = std::max(max_anon, s["anon_bytes"].get<double>());
  EXPECT_GE(max_anon, 60.0 * 1024 * 1024);
  EXPECT_GE(j["runs"][0]["peak_tree_rss_bytes"].get<double>(), 64.0 * 1024 * 1024);
  EXPECT_GT(j["runs"][0]["rss_sample_cost_us"].get<double>(), 0);
}

TEST(RunCli, CountsThreadsAndForkedChildren) {
  harness::Result r;
  const json j = run_json({"-e", "task-clock,page-faults", "--", fixture("threads_and_fork"), "2"}, &r);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("threads ok"), std::string::npos);
  // 4 workers (main, 2 threads, 1 child) each touch 16 MiB = 4096 pages.
  EXPECT_GT(j["runs"][0]["counters"]["page-faults"]["value"].get<double>(), 4 * 4096 * 0.9);
}

TEST(RunCli, StdoutAndStdinPassThroughByteExact) {
  // 40 MB of every byte value through `cat`: what comes out of perfprobe's stdout is what went in.
  std::string input;
  input.reserve(40 << 20);
  unsigned x = 12345;
  for (int i = 0; i < (40 << 20); ++i) {
    x = x * 1103515245U + 12345U;
    input.push_back(static_cast<char>(x >> 24));
  }
  harness::RunOptions opt;
  opt.input = input;
  opt.timeout_s = 120;
  const auto r = run({perfprobe(), "run", "-q", "--", "cat"}, opt);
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_EQ(r.out.size(), input.size());
  EXPECT_TRUE(r.out == input);
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(RunCli, ReportGoesToStderrNeverStdout) {
  const auto r = run({perfprobe(), "run", "--", "echo", "hello"});
  EXPECT_EQ(r.out, "hello\n");
  EXPECT_NE(r.err.find("task-clock"), std::string::npos);
  EXPECT_NE(r.err.find("wall"), std::string::npos);
}

TEST(RunCli, StderrOfTheTargetPassesThrough) {
  const auto r = run({perfprobe(), "run", "-q", "--", "sh", "-c", "printf 'to-stderr' >&2"});
  EXPECT_EQ(r.err, "to-stderr");
}

TEST(RunCli, CtrlCIsForwardedAndTheReportIsMarkedInterrupted) {
  harness::TempDir dir;
  harness::RunOptions opt;
  opt.signal_after_ms = 300;
  opt.signal = SIGINT;
  opt.signal_once_file = dir.file("r.jsonl");  // the run has started
  const auto r =
      run({perfprobe(), "run", "-q", "--json", dir.file("r.json"), "--jsonl", dir.file("r.jsonl"), "--", "sleep", "30"},
          opt);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  const json j = harness::read_json(dir.file("r.json"));
  EXPECT_TRUE(j["interrupted"].get<bool>());
  ASSERT_EQ(j["runs"].size(), 1U);
  EXPECT_TRUE(j["runs"][0]["interrupted"].get<bool>());
  EXPECT_EQ(j["runs"][0]["signal"], SIGINT);
  EXPECT_LT(j["runs"][0]["wall_ms"].get<double>(), 10000);
  const auto lines = harness::read_jsonl(dir.file("r.jsonl"));
  ASSERT_GE(lines.size(), 2U);
  EXPECT_EQ(lines.front()["event"], "run_start");
  EXPECT_EQ(lines.back()["event"], "run_end");
}

TEST(RunCli, SigtermIsForwardedToo) {
  harness::RunOptions opt;
  opt.signal_after_ms = 300;
  opt.signal = SIGTERM;
  const auto r = run({perfprobe(), "run", "-q", "--", "sleep", "30"}, opt);
  EXPECT_EQ(r.exit_code, 128 + SIGTERM);
}

TEST(RunCli, WarmupRunsAreNotReportedAndPrepareRunsBeforeEachRun) {
  harness::TempDir dir;
  const std::string counter = dir.file("count");
  const json j = run_json({"-r", "3", "-w", "2", "--prepare", "echo x >> " + counter, "--", "true"});
  EXPECT_EQ(j["runs"].size(), 3U);
  EXPECT_EQ(j["warmup_runs"], 2);
  EXPECT_EQ(j["summary"]["wall_ms"]["n"], 3);
  EXPECT_EQ(harness::read_text(counter), "x\nx\nx\nx\nx\n");
}

TEST(RunCli, FailingPrepareIsAnErrorThatNamesIt) {
  const auto r = run({perfprobe(), "run", "--prepare", "exit 7", "--", "true"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--prepare"), std::string::npos) << r.err;
}

TEST(RunCli, JsonlStreamsRssSamplesBetweenStartAndEnd) {
  harness::TempDir dir;
  const auto r = run({perfprobe(), "run", "-q", "--interval", "10ms", "--jsonl", dir.file("e.jsonl"), "--",
                      fixture("touch_memory"), "16", "200"});
  ASSERT_EQ(r.exit_code, 0);
  const auto lines = harness::read_jsonl(dir.file("e.jsonl"));
  ASSERT_GE(lines.size(), 5U);
  EXPECT_EQ(lines.front()["event"], "run_start");
  EXPECT_EQ(lines.back()["event"], "run_end");
  int rss = 0;
  double last_t = -1;
  for (const auto& l : lines) {
    if (l["event"] != "rss") continue;
    ++rss;
    EXPECT_GE(l["t_ms"].get<double>(), last_t);
    last_t = l["t_ms"].get<double>();
    EXPECT_TRUE(l.contains("anon_bytes"));
  }
  EXPECT_GE(rss, 5);
}

TEST(RunCli, UnwritableJsonPathFailsBeforeRunning) {
  harness::TempDir dir;
  const auto r =
      run({perfprobe(), "run", "--json", "/nonexistent-dir/x.json", "--", "sh", "-c", "touch " + dir.file("ran")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(access(dir.file("ran").c_str(), F_OK), 0);
}

TEST(RunCli, RealThirdPartyTargetsWork) {
  harness::Result r;
  const json j = run_json({"--", "python3", "-c", "print(sum(range(10**6)))"}, &r);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "499999500000\n");
  EXPECT_GT(j["runs"][0]["counters"]["task-clock"]["value"].get<double>(), 1e6);
  EXPECT_GT(j["runs"][0]["peak_rss_bytes"].get<double>(), 4e6);
}

TEST(RunCli, ManyRunsGiveStatisticsAndSayHowManyRunsTheyRestOn) {
  const auto r = run({perfprobe(), "run", "-r", "5", "--", fixture("spin"), "20"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find("5 runs"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("±"), std::string::npos) << r.err;
}

TEST(RunCli, HelpAndVersionExitZero) {
  const auto h = run({perfprobe(), "run", "--help"});
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("--warmup"), std::string::npos);
  const auto v = run({perfprobe(), "--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("perfprobe ", 0), 0U);
}

TEST(RunCli, ManyThreadsStillStartAndAreCounted) {
  harness::Result r;
  const json j = run_json({"-e", "task-clock,page-faults", "--", fixture("threads_and_fork"), "32"}, &r);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("threads ok"), std::string::npos) << r.out << r.err;
  EXPECT_GT(j["runs"][0]["counters"]["page-faults"]["value"].get<double>(), 34 * 4096 * 0.9);
}

TEST(RunCli, AGigabyteOfOutputPassesThroughAndTheReportStaysRight) {
  harness::TempDir dir;
  const std::string cmd =
      perfprobe() + " run -q --json " + dir.file("r.json") + " -- dd if=/dev/zero bs=1M count=1024 status=none | wc -c";
  const auto r = harness::run({"sh", "-c", cmd});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "1073741824\n");
  const json j = harness::read_json(dir.file("r.json"));
  EXPECT_EQ(j["runs"][0]["exit_code"], 0);
  EXPECT_GT(j["runs"][0]["counters"]["task-clock"]["value"].get<double>(), 0);
}

TEST(RunCli, TargetKilledFromOutsideIsReportedWithItsSignal) {
  harness::TempDir dir;
  const std::string cmd = perfprobe() + " run -q --json " + dir.file("r.json") + " -- sh -c 'sleep 0.2; kill -KILL $$'";
  const auto r = harness::run({"sh", "-c", cmd});
  EXPECT_EQ(r.exit_code, 137);
  const json j = harness::read_json(dir.file("r.json"));
  EXPECT_EQ(j["runs"][0]["signal"], 9);
  EXPECT_FALSE(j["runs"][0]["interrupted"].get<bool>());
}

TEST(RunCli, CtrlCOnTheTerminalReachesTheTargetOnceAndTheReportIsWritten) {
  // A real terminal: perfprobe runs on a pty in its own session; ^C typed there makes the tty driver
  // send SIGINT to the whole foreground process group, target included. perfprobe must not send a
  // second one (the target counts them) and must still write its report.
  harness::TempDir dir;
  const std::string script =
      "import os, pty, sys, time\n"
      "pid, fd = pty.fork()\n"
      "if pid == 0:\n"
      "    os.execv(sys.argv[1], sys.argv[1:])\n"
      "while not os.path.exists(sys.argv[-1]): time.sleep(0.01)\n"
      "time.sleep(0.3)\n"
      "os.write(fd, b'\\x03')\n"
      "out = b''\n"
      "while True:\n"
      "    try:\n"
      "        data = os.read(fd, 4096)\n"
      "    except OSError:\n"
      "        break\n"
      "    if not data: break\n"
      "    out += data\n"
      "_, status = os.waitpid(pid, 0)\n"
      "sys.exit(os.waitstatus_to_exitcode(status) & 255)\n";
  // The ^C is typed once the target runs (sigcount's argument is its life time); the last argument
  // is the file the python script waits for.
  const auto r = run({"python3", "-c", script, perfprobe(), "run", "-q", "--json", dir.file("r.json"), "--jsonl",
                      dir.file("r.jsonl"), "--", fixture("sigcount"), "1500", dir.file("r.jsonl")});
  EXPECT_EQ(r.exit_code, 11) << r.err;  // 10 + exactly one SIGINT
  const json j = harness::read_json(dir.file("r.json"));
  EXPECT_TRUE(j["interrupted"].get<bool>());
  EXPECT_EQ(j["runs"][0]["exit_code"], 11);
}

TEST(RunCli, ParseErrorsAreOneLineInPerfprobesOwnFormat) {
  const auto r = run({perfprobe(), "run", "--runs", "zero", "--", "true"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("perfprobe: error: ", 0), 0U) << r.err;
  EXPECT_NE(r.err.find("--runs"), std::string::npos) << r.err;
}
