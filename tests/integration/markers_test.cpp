// Markers, phases and tokens end to end: the marker API, output regexes and chunks,
// readiness, USDT probes (root), `perfprobe probes`.
#include <gtest/gtest.h>

#include <fstream>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using harness::run;
using nlohmann::json;

namespace {

json run_json(const std::vector<std::string>& args, harness::Result* result = nullptr, const std::string& jsonl = {}) {
  harness::TempDir dir;
  std::vector<std::string> argv{perfprobe(), "run", "-q", "--json", dir.file("r.json")};
  if (!jsonl.empty()) argv.insert(argv.end(), {"--jsonl", jsonl});
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = run(argv);
  if (result != nullptr) *result = r;
  return harness::read_json(dir.file("r.json"));
}

}  // namespace

TEST(MarkerApi, StartupPhaseAndTokensWithKnownTiming) {
  harness::Result r;
  const json j = run_json({"--", fixture("marker_timing"), "20"}, &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string expected;
  for (int i = 0; i < 20; ++i) expected += "tok\n";
  EXPECT_EQ(r.out, expected);  // stdout untouched: without output specs it is not even piped
  const json& run0 = j["runs"][0];
  const double startup = run0["startup_ms"];
  ASSERT_EQ(run0["phases"].size(), 1u);
  const json& load = run0["phases"][0];
  EXPECT_EQ(load["name"], "load");
  // The fixture's clock starts in main(); exec -> main (the C runtime, much longer under sanitizers) is
  // what load begins after 20 ms. With that offset, startup is 150 ms within a few ms.
  const double runtime_start = load["start_ms"].get<double>() - 20.0;
  EXPECT_GT(runtime_start, 0.0);
  EXPECT_LT(runtime_start, 40.0);
  EXPECT_NEAR(startup - runtime_start, 150.0, 3.0);
  EXPECT_NEAR(load["duration_ms"].get<double>(), 130.0, 5.0);
  EXPECT_GT(load["rss_anon_delta_bytes"].get<std::int64_t>(), 7 << 20);  // 8 MiB touched during load
  const json& tok = run0["tokens"];
  EXPECT_EQ(tok["count"], 20);
  EXPECT_NEAR(tok["ttft_ms"].get<double>() - runtime_start, 165.0, 3.0);
  EXPECT_NEAR(tok["latency_ms"]["p50"].get<double>(), 15.0, 0.3);  // within 2%
  EXPECT_EQ(tok["latency_ms"]["n"], 19);
  EXPECT_NEAR(tok["tokens_per_s"].get<double>(), 66.7, 3.0);
  EXPECT_EQ(run0["markers"]["mark:token"]["count"], 20);
  EXPECT_EQ(run0["markers"]["mark:done"]["count"], 1);
  EXPECT_EQ(run0["markers_dropped"], 0);
}

TEST(MarkerApi, JsonlHasOneEventPerMarkWithArgs) {
  harness::TempDir dir;
  harness::Result r;
  (void)run_json({"--", fixture("marker_timing"), "3"}, &r, dir.file("e.jsonl"));
  int tokens = 0;
  bool done = false;
  for (const auto& e : harness::read_jsonl(dir.file("e.jsonl"))) {
    if (e["event"] == "token") ++tokens;
    if (e["event"] == "marker" && e["name"] == "done") {
      done = true;
      EXPECT_EQ(e["args"], json::array({3}));
    }
  }
  EXPECT_EQ(tokens, 3);
  EXPECT_TRUE(done);
}

TEST(MarkerApi, WorksForAnUnprivilegedUser) {
  if (!harness::is_root() || std::system("id nobody >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "needs root to switch to nobody";
  harness::TempDir dir;
  harness::RunOptions opt;
  opt.prefix = {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"};
  const auto r =
      run({perfprobe(), "run", "-q", "--json", dir.file("r.json"), "--", fixture("marker_timing"), "5"}, opt);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = harness::read_json(dir.file("r.json"));
  EXPECT_EQ(j["runs"][0]["tokens"]["count"], 5);
  EXPECT_TRUE(j["runs"][0].contains("startup_ms"));
}

TEST(OutputSpecs, RegexReadyAndChunkTokensPassOutputThroughByteExact) {
  harness::Result r;
  const json j =
      run_json({"--ready", "output:^ready$", "--tokens", "output", "--", fixture("marker_timing"), "10"}, &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string expected;
  for (int i = 0; i < 10; ++i) expected += "tok\n";
  EXPECT_EQ(r.out, expected);
  EXPECT_NE(r.err.find("ready\n"), std::string::npos);
  const json& run0 = j["runs"][0];
  EXPECT_GT(run0["startup_ms"].get<double>(), 150.0);  // "ready" is printed 150 ms after main() starts
  EXPECT_LT(run0["startup_ms"].get<double>(), 190.0);  // + exec and the C runtime (slow under sanitizers)
  EXPECT_EQ(run0["tokens"]["count"], 10);
  EXPECT_NEAR(run0["tokens"]["latency_ms"]["p50"].get<double>(), 15.0, 0.5);
  EXPECT_EQ(run0["markers"]["output:^ready$"]["count"], 1);
}

TEST(OutputSpecs, PhaseBetweenOutputMarkersAndRegexTokens) {
  const json j = run_json(
      {"--phase", "decode=output:ready..mark:done", "--tokens", "output:tok", "--", fixture("marker_timing"), "6"});
  const json& run0 = j["runs"][0];
  bool found = false;
  for (const auto& p : run0["phases"]) {
    if (p["name"] != "decode") continue;
    found = true;
    EXPECT_NEAR(p["duration_ms"].get<double>(), 90.0, 6.0);
  }
  EXPECT_TRUE(found) << run0.dump();
  EXPECT_EQ(run0["tokens"]["count"], 6);
}

TEST(OutputSpecs, PtyGivesTheTargetATerminal) {
  harness::Result r;
  (void)run_json({"--pty", "--", "sh", "-c", "test -t 1 && echo tty || echo notty"}, &r);
  EXPECT_EQ(r.out, "tty\n");
}

TEST(OutputSpecs, UnbufferMakesStdioTokensArriveOneByOne) {
  // print_noflush never flushes: through a pipe its 5 tokens arrive as one chunk at exit, unless
  // --unbuffer (stdbuf -o0) makes stdio unbuffered.
  json j = run_json({"--tokens", "output", "--", fixture("print_noflush"), "5"});
  EXPECT_EQ(j["runs"][0]["tokens"]["count"], 1);
  harness::Result r;
  j = run_json({"--unbuffer", "--tokens", "output", "--", fixture("print_noflush"), "5"}, &r);
  if (r.err.find("ASan runtime does not come first") != std::string::npos)
    GTEST_SKIP() << "sanitized fixture: no LD_PRELOAD";
  EXPECT_EQ(j["runs"][0]["tokens"]["count"], 5) << j["runs"][0].dump();
  // --pty gives line buffering: the same tokens with newlines arrive one by one.
  j = run_json({"--pty", "--tokens", "output", "--", fixture("print_noflush"), "5", "nl"});
  EXPECT_EQ(j["runs"][0]["tokens"]["count"], 5) << j["runs"][0].dump();
}

// The file appears, or the socket listens, after a 100 ms sleep and before a 400 ms one: startup falls
// between them. The upper bound leaves 150 ms for perfprobe to notice on a loaded machine.
TEST(Readiness, FileAndListen) {
  harness::TempDir dir;
  const std::string flag = dir.file("flag");
  json j = run_json({"--ready", "file:" + flag, "--", "sh", "-c", "sleep 0.1; touch " + flag + "; sleep 0.4"});
  ASSERT_TRUE(j["runs"][0].contains("startup_ms")) << j.dump();
  EXPECT_GT(j["runs"][0]["startup_ms"].get<double>(), 95.0);
  EXPECT_LT(j["runs"][0]["startup_ms"].get<double>(), j["runs"][0]["wall_ms"].get<double>() - 250.0);
  j = run_json(
      {"--ready", "listen", "--", "python3", "-c",
       "import socket,time\ntime.sleep(0.1)\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen()\ntime.sleep(0.4)"});
  ASSERT_TRUE(j["runs"][0].contains("startup_ms")) << j.dump();
  EXPECT_GT(j["runs"][0]["startup_ms"].get<double>(), 95.0);
  EXPECT_LT(j["runs"][0]["startup_ms"].get<double>(), j["runs"][0]["wall_ms"].get<double>() - 250.0);
}

TEST(MarkerCli, BadSpecsExit2WithOneLine) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--ready", "bogus:x"},
                                                                {"--phase", "load"},
                                                                {"--tokens", "output:("},
                                                                {"--ready", "listen:99999"},
                                                                {"--usdt", "nocolon"},
                                                                {"--rss-warn", "12XB"},
                                                                {"--usdt", "nosuch:probe"}}) {
    std::vector<std::string> argv{perfprobe(), "run"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--", fixture("sdt_target")});
    const auto r = run(argv);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << ": " << r.err;
    EXPECT_NE(r.err.find("error:"), std::string::npos) << r.err;
  }
}

TEST(MarkerCli, RssWarnAndColdRun) {
  harness::Result r;
  const json j = run_json({"--cold", "--rss-warn", "4MiB", "-i", "10ms", "--", fixture("marker_timing"), "2"}, &r);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find("crossed --rss-warn"), std::string::npos) << r.err;
  EXPECT_TRUE(j["runs"][0].contains("startup_ms"));
}

TEST(Probes, ListsSdtProbesOfAFileAndAProcess) {
  auto r = run({perfprobe(), "probes", "--json", fixture("sdt_target")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  int ticks = 0;
  bool gated = false;
  for (const auto& p : j["probes"]) {
    if (p["provider"] == "test" && p["name"] == "tick") ++ticks;
    if (p["name"] == "gated") gated = p["semaphore"].get<std::uint64_t>() != 0;
  }
  EXPECT_EQ(ticks, 2);  // the worker's and the forked child's
  EXPECT_TRUE(gated);
  r = run({perfprobe(), "probes", "/etc/passwd"});
  EXPECT_EQ(r.exit_code, 2);
  r = run({perfprobe(), "probes", "-p", std::to_string(getpid())});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(Usdt, CountsEveryHitOfThreadsAndChildrenDecodesArgsAndSemaphores) {
  if (!harness::is_root()) GTEST_SKIP() << "uprobes need root";
  harness::TempDir dir;
  harness::Result r;
  const json j = run_json({"--usdt", "test:*", "--usdt", "testlib:call", "--", fixture("sdt_target"), "50"}, &r,
                          dir.file("e.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.err;  // threads and fork still work: uprobes are not inherited
  EXPECT_EQ(r.out, "done\n");
  const json& m = j["runs"][0]["markers"];
  EXPECT_EQ(m["test:tick"]["count"], 3 * 50 + 1) << m.dump();
  EXPECT_EQ(m["test:gated"]["count"], 1);
  EXPECT_EQ(m["testlib:call"]["count"], 1);
  bool saw_child = false, saw_lib = false;
  for (const auto& e : harness::read_jsonl(dir.file("e.jsonl"))) {
    if (e["event"] != "marker") continue;
    if (e["name"] == "test:tick" && e["args"][0] == -1) saw_child = e["args"][1] == 7;
    if (e["name"] == "test:tick" && e["args"][0] == 9) {
      EXPECT_EQ(e["args"][1], 18);
    }
    if (e["name"] == "testlib:call") saw_lib = e["args"][0] == 1234567;
    if (e["name"] == "test:gated") {
      EXPECT_EQ(e["args"][0], 42);
    }
  }
  EXPECT_TRUE(saw_child);
  EXPECT_TRUE(saw_lib);
}

TEST(Usdt, MarkerApiNotesAreUsdtProbesToo) {
  if (!harness::is_root()) GTEST_SKIP() << "uprobes need root";
  const json j =
      run_json({"--usdt", "perfprobe:token", "--tokens", "usdt:perfprobe:token", "--", fixture("marker_timing"), "7"});
  EXPECT_EQ(j["runs"][0]["markers"]["perfprobe:token"]["count"], 7);
  EXPECT_EQ(j["runs"][0]["tokens"]["count"], 7);
}

TEST(Usdt, ProbesOfARealThirdPartyLibraryFire) {
  // Debian's libstdc++ carries SDT notes (libstdcxx:throw/catch/rethrow): list them, then count them.
  const std::string lib = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
  auto r = run({perfprobe(), "probes", "--json", lib});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int listed = 0;
  const json probes = json::parse(r.out);
  for (const auto& p : probes["probes"]) listed += p["provider"] == "libstdcxx" ? 1 : 0;
  EXPECT_GE(listed, 2);
  if (!harness::is_root()) GTEST_SKIP() << "uprobes need root";
  const json j = run_json({"--usdt", "libstdcxx:*", "--", fixture("thrower"), "7"}, &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "caught 7\n");
  EXPECT_EQ(j["runs"][0]["markers"]["libstdcxx:throw"]["count"], 7);
  EXPECT_EQ(j["runs"][0]["markers"]["libstdcxx:catch"]["count"], 7);
}

TEST(MarkerCli, ColdEvictsTheModelFileBeforeTheRun) {
  if (!harness::is_root()) GTEST_SKIP() << "residency checks (mincore) are only truthful for root";
  harness::TempDir dir;
  const std::string model = dir.file("model.bin");
  ASSERT_EQ(
      std::system(("head -c 33554432 /dev/urandom > " + model + " && sync && cat " + model + " > /dev/null").c_str()),
      0);
  // The target reports how much of the file is in the page cache when it starts.
  const std::string probe = "fincore --bytes --noheadings --output RES " + model;
  auto r = run({perfprobe(), "run", "-q", "--", "sh", "-c", probe});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(std::stoll(r.out), 30'000'000) << "warm: the file should be cached";
  r = run({perfprobe(), "run", "-q", "--cold", "--cold-file", model, "--", "sh", "-c", probe});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(std::stoll(r.out), 2'000'000) << "cold: the file should have been evicted";
}
