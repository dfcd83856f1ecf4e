// Function probes (uprobe:/uretprobe: specs) on real binaries with plain symbols and no SDT notes: a C
// program, a shared library, a C++ method by its demangled name, a stripped copy by address, and a
// llama.cpp-shaped library whose tokens come from decode() or every 4th compute(). Counts are checked
// against the fixtures' own counts; threads and fork must keep working; attach counts like run.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using harness::run;
using harness::Running;
using nlohmann::json;

namespace {

json run_json(const std::vector<std::string>& args, harness::Result* result, const std::string& jsonl = {}) {
  harness::TempDir dir;
  std::vector<std::string> argv{perfprobe(), "run", "-q", "--json", dir.file("r.json")};
  if (!jsonl.empty()) argv.insert(argv.end(), {"--jsonl", jsonl});
  argv.insert(argv.end(), args.begin(), args.end());
  *result = run(argv);
  return harness::read_json(dir.file("r.json"));
}

std::uint64_t count(const json& j, const std::string& key) {
  const json& m = j["runs"][0]["markers"];
  return m.contains(key) ? m[key]["count"].get<std::uint64_t>() : 0;
}

}  // namespace

TEST(FunctionProbes, CountsEveryCallOfThreadsChildAndLibraryWithArguments) {
  if (!harness::is_root()) GTEST_SKIP() << "uprobes need root";
  harness::TempDir dir;
  harness::Result r;
  const json j = run_json({"--probe", "uprobe:work", "--probe", "uretprobe:func_target:work", "--probe",
                           "uprobe:libfunc_lib.so:lib_call", "--", fixture("func_target"), "25", "3"},
                          &r, dir.file("e.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_NE(r.err.find("work=125 lib_call=25 threads=ok"), std::string::npos) << r.err;  // 25 x (main+3+child)
  EXPECT_EQ(count(j, "uprobe:work"), 125u);
  EXPECT_EQ(count(j, "uretprobe:func_target:work"), 125u);
  EXPECT_EQ(count(j, "uprobe:libfunc_lib.so:lib_call"), 25u);
  int child = 0, thread2 = 0, main9 = 0, ret = 0;
  for (const auto& e : harness::read_jsonl(dir.file("e.jsonl"))) {
    if (e["event"] != "marker") continue;
    if (e["name"] == "uprobe:work") {
      ASSERT_EQ(e["args"].size(), 6u);
      child += e["args"][0] == -1 && e["args"][1] == 7;
      thread2 += e["args"][0] == 1002;
      main9 += e["args"][0] == 9 && e["args"][1] == 18;
    }
    if (e["name"] == "uretprobe:func_target:work") ret += e["args"][0] == 27;  // work(9, 18) returns 27
    if (e["name"] == "uprobe:libfunc_lib.so:lib_call" && e["args"][0] == 24) ++main9;
  }
  EXPECT_EQ(child, 25);
  EXPECT_EQ(thread2, 25);
  EXPECT_EQ(main9, 2);
  EXPECT_EQ(ret, 1);
}

TEST(FunctionProbes, CppMethodByDemangledNameAndAmbiguousOverloads) {
  if (!harness::is_root()) GTEST_SKIP() << "uprobes need root";
  harness::Result r;
  const json j = run_json({"--tokens", "uprobe:func_cpp:demo::Engine::step(int)", "--", fixture("func_cpp"), "17"}, &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(j["runs"][0]["tokens"]["count"], 17);
  // Two overloads: a usage error listing both, before anything runs.
  r = run({perfprobe(), "run", "--tokens", "uprobe:demo::Engine::step", "--", fixture("func_cpp"), "3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("names 2 functions"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("_ZN4demo6Engine4stepEd"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("step(int)=3"), std::string::npos) << "the target must not run";
}

TEST(FunctionProbes, MissingNameIsAUsageErrorWithTheNearestCandidates) {
  // No root needed: names are resolved before anything is opened.
  auto r = run({perfprobe(), "run", "--tokens", "uprobe:wrk", "--", fixture("func_target"), "1", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no function 'wrk'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("work"), std::string::npos) << r.err;
  r = run({perfprobe(), "run", "--ready", "uprobe:libnope.so:f", "--", fixture("func_target"), "1", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("libfunc_lib.so"), std::string::npos) << r.err;  // the files it could have meant
  r = run({perfprobe(), "probes", "--functions", fixture("func_cpp"), "Engine"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("demo::Engine::step(int)  [_ZN4demo6Engine4stepEi]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("demo::Engine::step(double)"), std::string::npos) << r.out;
}

TEST(FunctionProbes, StrippedBinaryByAddressAndByFileOffset) {
  auto r = run({perfprobe(), "probes", "--functions", "--json", fixture("func_stripped.full"), "work"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json listed = json::parse(r.out)["functions"];
  ASSERT_EQ(listed.size(), 1u) << r.out;
  char addr[32], off[32];
  std::snprintf(addr, sizeof addr, "0x%llx", listed[0]["address"].get<unsigned long long>());
  std::snprintf(off, sizeof off, "+0x%llx", listed[0]["offset"].get<unsigned long long>());
  const std::string stripped = fixture("func_stripped");
  r = run({perfprobe(), "run", "--tokens", "uprobe:" + stripped + ":work", "--", stripped, "1", "0"});
  EXPECT_EQ(r.exit_code, 2) << "a stripped binary has no 'work' to find";
  if (!harness::is_root()) GTEST_SKIP() << "uprobes need root";
  const json j = run_json({"--probe", "uprobe:" + stripped + ":" + addr, "--probe", "uretprobe:" + stripped + ":" + off,
                           "--", stripped, "30", "2"},
                          &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count(j, "uprobe:" + stripped + ":" + addr), 30u * 4);
  EXPECT_EQ(count(j, "uretprobe:" + stripped + ":" + off), 30u * 4);
}

TEST(FunctionProbes, LlamaShapedTokensFromDecodeReturnOrEveryFourthCompute) {
  if (!harness::is_root()) GTEST_SKIP() << "uprobes need root";
  harness::Result r;
  const std::vector<std::string> target{"--", fixture("toy_llama"), "12"};
  auto args =
      std::vector<std::string>{"--tokens", "uretprobe:libtoy_llama_lib.so:toy_decode", "--ready", "uretprobe:toy_load",
                               "--phase",  "load=uprobe:toy_load..uretprobe:toy_load"};
  args.insert(args.end(), target.begin(), target.end());
  const json a = run_json(args, &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_NE(r.err.find("decode=12 compute=48"), std::string::npos) << r.err;
  const json& ta = a["runs"][0]["tokens"];
  EXPECT_EQ(ta["count"], 12);
  // load 40 ms, then the prompt's decode 20 ms: TTFT after both; the load phase holds the 40 ms.
  const json& load = a["runs"][0]["phases"][0];
  EXPECT_EQ(load["name"], "load");
  EXPECT_GE(load["duration_ms"].get<double>(), 39.0);
  EXPECT_LT(load["duration_ms"].get<double>(), 200.0);
  EXPECT_GE(ta["ttft_ms"].get<double>() - a["runs"][0]["startup_ms"].get<double>(), 19.0);
  EXPECT_GE(ta["latency_ms"]["p50"].get<double>(), 4.5);
  // Every 4th compute is the same token count; every compute would be 4x too many.
  const json b = run_json(
      {"--tokens", "uprobe:toy_compute/4", "--probe", "uprobe:toy_compute", target[0], target[1], target[2]}, &r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(b["runs"][0]["tokens"]["count"], 12);
  EXPECT_EQ(count(b, "uprobe:toy_compute"), 48u);
}

// attach runs the same loop and sources as run: a function probe of a running process counts like its
// SDT probe, and is a token source as well.
TEST(FunctionProbes, AttachCountsAFunctionReturnLikeTheSdtProbeAfterIt) {
  if (!harness::is_root()) GTEST_SKIP() << "uprobes need root";
  const Running target({fixture("usdt_burn"), "0"});  // work() returns, then burn:token fires, about every 1 ms
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  harness::TempDir dir;
  const auto r = run({perfprobe(), "attach", "-p", target.pid(), "--duration", "500ms", "-q", "--usdt", "burn:token",
                      "--tokens", "uretprobe:usdt_burn:work", "--json", dir.file("a.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = harness::read_json(dir.file("a.json"));
  const auto calls = count(j, "uretprobe:usdt_burn:work");
  const auto marks = count(j, "burn:token");
  ASSERT_GT(marks, 20u) << j["runs"][0]["markers"].dump();
  EXPECT_LE(std::max(calls, marks) - std::min(calls, marks), 1u) << "only the window's edges may split a pair";
  EXPECT_EQ(j["runs"][0]["tokens"]["count"].get<std::uint64_t>(), calls);
  EXPECT_EQ(count(j, "usdt:lost"), 0u);
}
