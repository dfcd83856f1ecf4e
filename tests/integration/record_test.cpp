// `perfprobe record` + `perfprobe report` against fixtures with known hot functions: the right
// function on top with the right share, file and line (checked against addr2line), call chains up
// to main, a shared library, an inlined function, threads, code without frame pointers, phases,
// lost-sample accounting, the data file's integrity, and an unprivileged user.
#include <gtest/gtest.h>
#include <pwd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using nlohmann::json;

namespace {

json record_and_report(const harness::TempDir& dir, const std::vector<std::string>& record_args,
                       const std::vector<std::string>& target, const harness::RunOptions& opt = {}) {
  std::vector<std::string> argv{perfprobe(), "record", "-q", "-o", dir.file("p.data")};
  argv.insert(argv.end(), record_args.begin(), record_args.end());
  argv.emplace_back("--");
  argv.insert(argv.end(), target.begin(), target.end());
  const auto rec = harness::run(argv, opt);
  EXPECT_EQ(rec.exit_code, 0) << rec.err;
  const auto rep = harness::run({perfprobe(), "report", "--json", dir.file("p.data")}, opt);
  EXPECT_EQ(rep.exit_code, 0) << rep.err;
  return json::parse(rep.out);
}

const json& function(const json& report, const std::string& name) {
  for (const auto& f : report["functions"]) {
    if (f["name"] == name) return f;
  }
  static const json none = json{{"name", ""}, {"self_pct", 0.0}, {"total_pct", 0.0}};
  ADD_FAILURE() << "no function " << name << " in " << report["functions"].dump(1);
  return none;
}

// addr2line's "file:line" for a module-relative address (the first line: the innermost frame).
std::pair<std::string, int> addr2line(const std::string& module, const std::string& address) {
  const auto r = harness::run({"addr2line", "-e", module, address});
  const std::string line = r.out.substr(0, r.out.find('\n'));
  const auto colon = line.rfind(':');
  if (colon == std::string::npos) return {line, 0};
  return {line.substr(0, colon), std::atoi(line.c_str() + colon + 1)};
}

void expect_matches_addr2line(const json& f) {
  const auto [file, line] = addr2line(f["module"], f["address"]);
  EXPECT_EQ(f["file"].get<std::string>(), file);
  EXPECT_EQ(f["line"].get<int>(), line);
  EXPECT_GT(line, 0);
}

}  // namespace

TEST(Record, KnownHotFunctionOnTopWithShareFileAndLine) {
  harness::TempDir dir;
  const json r = record_and_report(dir, {}, {fixture("hot_split"), "600"});
  EXPECT_TRUE(r["event"] == "cpu-clock" || r["event"] == "cycles");
  EXPECT_EQ(r["frequency_hz"], 999);
  EXPECT_EQ(r["lost"], 0);
  EXPECT_GT(r["samples"].get<int>(), 300) << "600 ms of CPU at ~1 kHz";
  EXPECT_LT(r["samples"].get<int>(), 900);
  const json& top = r["functions"][0];
  EXPECT_EQ(top["name"], "heavy");
  // heavy does 3 times light's iterations: 75% / 25%, give or take loop overheads and noise.
  EXPECT_NEAR(top["self_pct"].get<double>(), 75.0, 12.0);
  EXPECT_NEAR(function(r, "light")["self_pct"].get<double>(), 25.0, 12.0);
  EXPECT_TRUE(top["file"].get<std::string>().ends_with("tests/fixtures/hot_split.c"));
  EXPECT_TRUE(top["module"].get<std::string>().ends_with("/hot_split"));
  expect_matches_addr2line(top);
  // Call chains: every sample is under main, and under work.
  EXPECT_GE(function(r, "main")["total_pct"].get<double>(), 97.0);
  EXPECT_GE(function(r, "work")["total_pct"].get<double>(), 95.0);
  EXPECT_FALSE(r["hints"].empty());
}

TEST(Record, HotFunctionInASharedLibrary) {
  harness::TempDir dir;
  const json r = record_and_report(dir, {}, {fixture("hot_lib"), "400"});
  const json& top = r["functions"][0];
  EXPECT_EQ(top["name"], "lib_hot");
  EXPECT_GT(top["self_pct"].get<double>(), 85.0);
  EXPECT_TRUE(top["module"].get<std::string>().ends_with("/libhot_lib_impl.so"));
  EXPECT_TRUE(top["file"].get<std::string>().ends_with("hot_lib_impl.c"));
  expect_matches_addr2line(top);
  EXPECT_GE(function(r, "main")["total_pct"].get<double>(), 97.0);
  bool build_id = false;
  for (const auto& m : r["modules"]) {
    if (m["path"].get<std::string>().ends_with("libhot_lib_impl.so"))
      build_id = m["build_id"].get<std::string>().size() == 40;
  }
  EXPECT_TRUE(build_id) << r["modules"].dump(1);
}

TEST(Record, InlinedCodeCountsInItsCallerByDefault) {
  harness::TempDir dir;
  const json r = record_and_report(dir, {}, {fixture("hot_inline"), "400"});
  EXPECT_EQ(r["inline"], "caller");
  const json& top = r["functions"][0];
  EXPECT_EQ(top["name"], "main");
  EXPECT_GT(top["self_pct"].get<double>(), 85.0);
  for (const auto& f : r["functions"]) EXPECT_NE(f["name"], "inlined_hot");
  // Its line is main's own, where inlined_hot is called: the outermost of addr2line -i's lines.
  const auto chain = harness::run({"addr2line", "-i", "-e", top["module"], top["address"]}).out;
  auto last = chain.substr(chain.rfind('\n', chain.size() - 2) + 1);
  last = last.substr(0, last.find_first_of(" \n"));  // no " (discriminator N)"
  EXPECT_EQ(last, top["file"].get<std::string>() + ":" + std::to_string(top["line"].get<int>())) << chain;
  const auto folded = harness::run({perfprobe(), "report", "--folded", dir.file("f.txt"), dir.file("p.data")});
  ASSERT_EQ(folded.exit_code, 0) << folded.err;
  EXPECT_EQ(harness::read_text(dir.file("f.txt")).find("inlined_hot"), std::string::npos);
}

TEST(Record, InlineListsInlinedFunctionsApart) {
  harness::TempDir dir;
  (void)record_and_report(dir, {}, {fixture("hot_inline"), "400"});
  const auto rep =
      harness::run({perfprobe(), "report", "--inline", "--json", "--folded", dir.file("f.txt"), dir.file("p.data")});
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  const json r = json::parse(rep.out);
  EXPECT_EQ(r["inline"], "apart");
  const json& top = r["functions"][0];
  EXPECT_EQ(top["name"], "inlined_hot");
  EXPECT_GT(top["self_pct"].get<double>(), 85.0);
  expect_matches_addr2line(top);
  // main holds the inlined loop: total ~100%, self ~0 (the samples belong to the inlined frame).
  EXPECT_GE(function(r, "main")["total_pct"].get<double>(), 97.0);
  EXPECT_LT(function(r, "main")["self_pct"].get<double>(), 10.0);
  EXPECT_NE(harness::read_text(dir.file("f.txt")).find(";main;inlined_hot "), std::string::npos);
}

TEST(Record, MultiThreadedTargetPerThread) {
  harness::TempDir dir;
  const json r = record_and_report(dir, {}, {fixture("hot_threads"), "2", "400"});
  EXPECT_EQ(r["functions"][0]["name"], "thread_hot");
  EXPECT_GT(function(r, "main_hot")["self_pct"].get<double>(), 3.0);
  EXPECT_GE(function(r, "thread_main")["total_pct"].get<double>(), 50.0);
  std::set<int> tids;
  for (const auto& t : r["threads"]) tids.insert(t["tid"].get<int>());
  EXPECT_GE(tids.size(), 3U) << "main and both threads";
}

TEST(Record, DwarfUnwindingWithoutFramePointers) {
  harness::TempDir dir;
  const json r = record_and_report(dir, {"--call-graph", "dwarf"}, {fixture("no_frame_pointers"), "400"});
  EXPECT_EQ(r["call_graph"], "dwarf");
  EXPECT_EQ(r["functions"][0]["name"], "inner_fn");
  EXPECT_GT(r["dwarf_unwound"].get<int>(), 0);
  EXPECT_GE(function(r, "outer_fn")["total_pct"].get<double>(), 90.0);
  EXPECT_GE(function(r, "main")["total_pct"].get<double>(), 90.0);
}

TEST(Record, PhasesFromTheMarkerApiAttributeSamples) {
  harness::TempDir dir;
  const json r = record_and_report(dir, {}, {fixture("phased_hot")});
  ASSERT_EQ(r["phases"].size(), 2U) << r.dump(1);
  for (const auto& ph : r["phases"]) {
    const std::string expected = ph["name"] == "decode" ? "decode_hot" : "prefill_hot";
    EXPECT_EQ(ph["functions"][0]["name"], expected);
    EXPECT_GT(ph["functions"][0]["self_pct"].get<double>(), 85.0);
    EXPECT_GT(ph["samples"].get<int>(), 50) << "150 ms and 300 ms of CPU at ~1 kHz";
  }
  bool phase_hint = false;
  for (const auto& h : r["hints"])
    phase_hint = phase_hint || h.get<std::string>().find("during decode") != std::string::npos;
  EXPECT_TRUE(phase_hint) << r["hints"].dump();
}

TEST(Record, LostSamplesWithATinyRingAreCountedAndShown) {
  harness::TempDir dir;
  const json r =
      record_and_report(dir, {"--mmap-pages", "1", "-F", "20000", "--call-graph", "dwarf", "--stack-size", "16384"},
                        {fixture("hot_split"), "400"});
  EXPECT_GT(r["lost"].get<int>(), 0);
  EXPECT_GT(r["lost_records"].get<int>(), 0);
  EXPECT_FALSE(r["warnings"].empty());
  const auto text = harness::run({perfprobe(), "report", dir.file("p.data")});
  EXPECT_NE(text.out.find("samples lost"), std::string::npos) << text.out;
}

TEST(Record, DataFileIsVersionedAtomicAndCheckedOnRead) {
  harness::TempDir dir;
  const auto rec =
      harness::run({perfprobe(), "record", "-q", "-o", dir.file("x.data"), "--", fixture("exit_with"), "3"});
  EXPECT_EQ(rec.exit_code, 3) << "record passes the target's status through";
  EXPECT_EQ(harness::read_text(dir.file("x.data")).substr(0, 8), "PPRECORD");
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << "no temporary file left";
  }
  std::ofstream(dir.file("bad.data")) << "not a data file";
  const auto bad = harness::run({perfprobe(), "report", dir.file("bad.data")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("not a readable perfprobe data file"), std::string::npos) << bad.err;
  const std::string full = harness::read_text(dir.file("x.data"));
  std::ofstream(dir.file("cut.data")) << full.substr(0, full.size() / 2);
  const auto cut = harness::run({perfprobe(), "report", dir.file("cut.data")});
  EXPECT_EQ(cut.exit_code, 2) << cut.err;
  EXPECT_EQ(harness::run({perfprobe(), "report", dir.file("missing.data")}).exit_code, 2);
}

TEST(Record, FoldedAndTraceExports) {
  harness::TempDir dir;
  (void)record_and_report(dir, {}, {fixture("hot_split"), "300"});
  const auto r = harness::run(
      {perfprobe(), "report", "--folded", dir.file("f.txt"), "--trace", dir.file("t.json"), dir.file("p.data")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string folded = harness::read_text(dir.file("f.txt"));
  EXPECT_NE(folded.find(";main;work;heavy "), std::string::npos) << folded;
  const json trace = harness::read_json(dir.file("t.json"));
  std::set<std::string> phs;
  for (const auto& e : trace["traceEvents"]) phs.insert(e["ph"].get<std::string>());
  EXPECT_TRUE(phs.count("X") && phs.count("C") && phs.count("M")) << "sample slices, RSS, names";
  ASSERT_FALSE(trace["samples"].empty());
  // The hottest leaf in the stack samples is heavy, called from work and main.
  std::map<int, int> leaves;
  for (const auto& s : trace["samples"]) ++leaves[s["sf"].get<int>()];
  const auto top = std::max_element(leaves.begin(), leaves.end(), [](auto& a, auto& b) { return a.second < b.second; });
  const auto& frames = trace["stackFrames"];
  const auto& leaf = frames[std::to_string(top->first)];
  EXPECT_EQ(leaf["name"], "heavy");
  EXPECT_EQ(frames[std::to_string(leaf["parent"].get<int>())]["name"], "work");
}

TEST(Record, RunTraceWritesTheTimelineWithoutSamples) {
  harness::TempDir dir;
  const auto r = harness::run(
      {perfprobe(), "run", "-q", "-i", "20ms", "--trace", dir.file("t.json"), "--", fixture("phased_hot")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json trace = harness::read_json(dir.file("t.json"));
  int slices = 0, counters = 0, samples = 0;
  for (const auto& e : trace["traceEvents"]) {
    slices += e["ph"] == "X";
    counters += e["ph"] == "C";
    samples += e.value("cat", "") == "sample";
  }
  EXPECT_EQ(slices, 2) << "prefill and decode";
  EXPECT_GT(counters, 5);
  EXPECT_EQ(samples, 0);
}

TEST(Record, BadOptionsAreUsageErrors) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"record", "-F", "100", "-c", "1000", "--", "true"},
        {"record", "--mmap-pages", "3", "--", "true"},
        {"record", "--call-graph", "lbr", "--", "true"},
        {"record", "-o", "/nonexistent/dir/p.data", "--", "true"},
        {"record"}}) {
    std::vector<std::string> argv{perfprobe()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = harness::run(argv);
    EXPECT_EQ(r.exit_code, 2) << args[1] << ": " << r.err;
    EXPECT_FALSE(r.err.empty()) << "a one-line reason";
  }
}

TEST(Record, WorksForAnUnprivilegedUser) {
  if (!harness::is_root()) GTEST_SKIP() << "needs root to switch to an unprivileged user";
  harness::RunOptions opt;
  opt.prefix = harness::as_user("perfprobe-test");
  if (opt.prefix.empty()) GTEST_SKIP() << "no perfprobe-test user (scripts/test.sh creates it)";
  harness::TempDir dir;
  // A ring far over the unprivileged mlock budget shrinks instead of failing.
  const json r = record_and_report(dir, {"--mmap-pages", "4096"}, {fixture("hot_split"), "400"}, opt);
  EXPECT_EQ(r["functions"][0]["name"], "heavy");
  EXPECT_GE(function(r, "main")["total_pct"].get<double>(), 97.0);
  bool shrunk = false;
  for (const auto& w : r["warnings"]) shrunk = shrunk || w.get<std::string>().find("shrunk") != std::string::npos;
  EXPECT_TRUE(shrunk) << r["warnings"].dump();
}

TEST(Record, SeparateDebugInfoThroughGnuDebuglink) {
  // The binary carries no DWARF, only a .gnu_debuglink to spin_debuglink.debug beside it.
  const auto sections = harness::run({"readelf", "-S", fixture("spin_debuglink")});
  ASSERT_EQ(sections.out.find(".debug_line"), std::string::npos);
  ASSERT_NE(sections.out.find(".gnu_debuglink"), std::string::npos);
  harness::TempDir dir;
  const json r = record_and_report(dir, {"-F", "999"}, {fixture("spin_debuglink"), "300"});
  const json& hot = function(r, "hot_loop");
  EXPECT_GT(hot["self_pct"].get<double>(), 50.0);
  EXPECT_TRUE(hot["file"].get<std::string>().ends_with("spin.c")) << hot.dump();
  EXPECT_GT(hot["line"].get<int>(), 0);
}

TEST(Record, ClangBuiltBinaryWithoutAranges) {
  // clang emits no .debug_aranges by default, and libdw 0.188 finds compile units only through them;
  // perfprobe falls back to the units' own address ranges, so file:line still come out right.
  if (harness::run({"clang", "--version"}).exit_code != 0) GTEST_SKIP() << "clang is not installed";
  harness::TempDir dir;
  const std::string bin = dir.file("spin_clang");
  const auto cc = harness::run({"clang", "-O1", "-g", "-fno-omit-frame-pointer", "-o", bin,
                                std::string(PERFPROBE_SOURCE_DIR) + "/tests/fixtures/spin.c"});
  ASSERT_EQ(cc.exit_code, 0) << cc.err;
  ASSERT_EQ(harness::run({"readelf", "-S", bin}).out.find(".debug_aranges"), std::string::npos);
  const json r = record_and_report(dir, {"-F", "999"}, {bin, "300"});
  const json& hot = function(r, "hot_loop");
  EXPECT_GT(hot["self_pct"].get<double>(), 50.0);
  expect_matches_addr2line(hot);
}

TEST(Record, DataFileKeepsOnlyTheStackBytesItNeedsCompressed) {
  harness::TempDir dir;
  const json r = record_and_report(dir, {"-F", "2000", "--call-graph", "fp"}, {fixture("hot_split"), "400"});
  const auto samples = r["samples"].get<double>();
  ASSERT_GT(samples, 100) << r.dump(1);
  const auto bytes = static_cast<double>(std::filesystem::file_size(dir.file("p.data")));
  // 512-byte stack copies made it ~600 bytes a sample; perf record -g takes ~70.
  EXPECT_LT(bytes / samples, 120.0) << bytes << " bytes for " << samples << " samples";
  EXPECT_GE(function(r, "main")["total_pct"].get<double>(), 95.0);
}

TEST(Record, DefaultCallGraphReachesMainWithoutFramePointers) {
  harness::TempDir dir;
  const json r = record_and_report(dir, {}, {fixture("no_frame_pointers"), "400"});
  EXPECT_EQ(r["call_graph"], "auto");
  EXPECT_EQ(r["functions"][0]["name"], "inner_fn");
  EXPECT_GE(function(r, "outer_fn")["total_pct"].get<double>(), 95.0);
  EXPECT_GE(function(r, "main")["total_pct"].get<double>(), 95.0);
  EXPECT_LE(r["truncated_chains"].get<double>(), 0.05 * r["samples"].get<double>());
}

TEST(Record, DefaultCallGraphStaysSmallWithFramePointers) {
  harness::TempDir dir;
  const json r = record_and_report(dir, {"-F", "2000"}, {fixture("hot_split"), "400"});
  const auto samples = r["samples"].get<double>();
  ASSERT_GT(samples, 100) << r.dump(1);
  const auto bytes = static_cast<double>(std::filesystem::file_size(dir.file("p.data")));
  EXPECT_LT(bytes / samples, 120.0) << "framed code needs no whole stack copies";
  EXPECT_GE(function(r, "main")["total_pct"].get<double>(), 95.0);
}
