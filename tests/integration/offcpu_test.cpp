// Off-CPU time against fixtures that measure their own truth: half sleep half spin, a mutex wait,
// major faults on a cold file, a pool spinning at a barrier. Each runs as root (chains and reasons
// from sched_switch) and as an unprivileged user (switch records: times and preemptions).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using nlohmann::json;

namespace {

enum class Who { root, unprivileged };

std::string who_name(const testing::TestParamInfo<Who>& i) { return i.param == Who::root ? "Root" : "Unprivileged"; }

// The fixture's own "key=value" figures from its stdout (perfprobe passes it through).
std::map<std::string, double> truth(const std::string& out) {
  std::map<std::string, double> m;
  std::size_t pos = 0;
  while ((pos = out.find('=', pos)) != std::string::npos) {
    auto start = out.find_last_of(" \n", pos);
    start = start == std::string::npos ? 0 : start + 1;
    m[out.substr(start, pos - start)] = std::atof(out.c_str() + pos + 1);
    ++pos;
  }
  return m;
}

class OffCpu : public testing::TestWithParam<Who> {
 protected:
  void SetUp() override {
    if (!harness::is_root()) GTEST_SKIP() << "needs root (for sched_switch, and to switch to an unprivileged user)";
    if (GetParam() == Who::unprivileged) {
      opt_.prefix = harness::as_user("perfprobe-test", "nobody");
      ASSERT_FALSE(opt_.prefix.empty());
    }
  }

  // Records `target`, returns report --json; the target's stdout goes to `out`.
  json record(const std::vector<std::string>& target, std::string& out) {
    std::vector<std::string> argv{perfprobe(), "record", "-q", "-o", dir_.file("p.data"), "--"};
    argv.insert(argv.end(), target.begin(), target.end());
    const auto rec = harness::run(argv, opt_);
    EXPECT_EQ(rec.exit_code, 0) << rec.err;
    out = rec.out;
    const auto rep = harness::run({perfprobe(), "report", "--json", dir_.file("p.data")}, opt_);
    EXPECT_EQ(rep.exit_code, 0) << rep.err;
    return json::parse(rep.out);
  }

  [[nodiscard]] bool root() const { return GetParam() == Who::root; }

  harness::TempDir dir_;
  harness::RunOptions opt_;
};

double reason_ms(const json& wall, const char* reason) { return wall["off_cpu_by_reason_ms"][reason].get<double>(); }

const json& thread_named(const json& report, const std::string& name) {
  for (const auto& t : report["off_cpu"]["threads"]) {
    if (t["name"] == name) return t;
  }
  static const json none;
  ADD_FAILURE() << "no thread " << name << " in " << report["off_cpu"]["threads"].dump(1);
  return none;
}

// The heaviest wait whose chain holds `frame`, or null.
json wait_through(const json& report, const std::string& frame) {
  for (const auto& s : report["off_cpu"]["stacks"]) {
    for (const auto& f : s["frames"]) {
      if (f == frame) return s;
    }
  }
  return nullptr;
}

// The frames of a wait's chain after `frame` (its callers), outermost last.
std::vector<std::string> frames_after(const json& stack, const std::string& frame) {
  std::vector<std::string> out;
  bool seen = false;
  for (const auto& f : stack["frames"]) {
    if (seen) out.push_back(f.get<std::string>());
    seen = seen || f == frame;
  }
  return out;
}

TEST_P(OffCpu, HalfSleepHalfSpinSplitsWallWithinFivePercent) {
  std::string out;
  const json r = record({fixture("sleep_spin"), "40"}, out);
  const auto t = truth(out);
  ASSERT_GT(t.at("wall_ms"), 0) << out;
  const json& oc = r["off_cpu"];
  ASSERT_TRUE(oc.is_object()) << r.dump(1);
  const json& w = oc["wall"];
  EXPECT_NEAR(w["on_cpu_ms"].get<double>() + w["off_cpu_ms"].get<double>(), w["wall_ms"].get<double>(), 0.01);
  // The thread's own wall time in nanosleep against what perfprobe saw it wait for other than a
  // CPU: root knows it slept; unprivileged it only knows the thread blocked.
  const double blocked = root() ? reason_ms(w, "sleep") : w["off_cpu_ms"].get<double>() - reason_ms(w, "runnable");
  EXPECT_NEAR(blocked / w["wall_ms"].get<double>(), t.at("slept_ms") / t.at("wall_ms"), 0.05) << w.dump(1) << out;
  if (root()) {
    EXPECT_EQ(oc["mechanism"], "sched_switch");
    EXPECT_TRUE(oc["reasons_known"].get<bool>());
    const json s = wait_through(r, "sleep_half");
    ASSERT_FALSE(s.is_null()) << oc["stacks"].dump(1);
    EXPECT_EQ(s["reason"], "sleep");
    EXPECT_NEAR(s["ms"].get<double>(), t.at("slept_ms"), 0.05 * t.at("wall_ms"));  // all of it under one chain
    // The whole chain: the frameless C library leaf's caller and the callers up to main.
    EXPECT_EQ(frames_after(s, "sleep_half"), (std::vector<std::string>{"main", "__libc_start_call_main"})) << s.dump();
  } else {
    EXPECT_FALSE(oc["reasons_known"].get<bool>());
    EXPECT_LT(reason_ms(w, "sleep"), 1e-9);  // never claimed without the privilege to know
  }
}

TEST_P(OffCpu, AThreadWaitingOnAMutexIsOffCpuForTheWait) {
  std::string out;
  const json r = record({fixture("mutex_wait"), "200"}, out);
  const auto t = truth(out);
  ASSERT_GT(t.at("waited_ms"), 100) << out;
  const json& waiter = thread_named(r, "waiter");
  ASSERT_TRUE(waiter.is_object());
  const json& w = waiter["wall"];
  const double blocked = root() ? reason_ms(w, "sleep") : w["off_cpu_ms"].get<double>() - reason_ms(w, "runnable");
  EXPECT_NEAR(blocked, t.at("waited_ms"), 0.05 * t.at("waited_ms") + 2) << w.dump(1) << out;
  if (root()) {
    const json s = wait_through(r, "wait_for_lock");
    ASSERT_FALSE(s.is_null()) << r["off_cpu"]["stacks"].dump(1);
    EXPECT_EQ(s["reason"], "sleep");  // a futex wait
    EXPECT_EQ(frames_after(s, "wait_for_lock"), (std::vector<std::string>{"waiter", "start_thread"})) << s.dump();
    EXPECT_GE(s["ms"].get<double>(), 0.9 * t.at("waited_ms"));
  }
}

TEST_P(OffCpu, MajorFaultsOnAColdFileAreWaitsWithTheirChain) {
  const std::string data = dir_.file("cold.bin");
  {
    std::ofstream f(data, std::ios::binary);
    std::string block(1 << 20, 'x');
    for (int i = 0; i < 8; ++i) f << block;
  }
  chmod(data.c_str(), 0644);
  ASSERT_EQ(std::system(("sync '" + data + "'").c_str()), 0);  // clean pages can be dropped
  std::string out;
  const json r = record({fixture("cold_read"), data}, out);
  const auto t = truth(out);
  if (t.at("majflt") < 100) GTEST_SKIP() << "the file did not leave the page cache here (tmpfs?): " << out;
  const json& w = r["off_cpu"]["wall"];
  const double fault_ms = reason_ms(w, "major-fault");
  // The loop waits for the disk page after page: nearly all the time it is blocked (not waiting for
  // a CPU, which a loaded machine adds) is recognised as fault I/O, and it is a good part of the loop.
  const double blocked = w["off_cpu_ms"].get<double>() - reason_ms(w, "runnable");
  // A virtual disk may answer from the host's cache before the thread sleeps: no wait to see.
  if (blocked < 0.1 * t.at("touch_ms")) GTEST_SKIP() << "the reads completed without blocking here: " << out;
  EXPECT_GT(fault_ms, 0.9 * blocked) << w.dump(1) << out;
  const json s = wait_through(r, "touch_pages");
  ASSERT_FALSE(s.is_null()) << r["off_cpu"]["stacks"].dump(1);
  EXPECT_EQ(s["reason"], "major-fault");
}

TEST_P(OffCpu, APoolSpinningAtABarrierIsSpinWaitNotWork) {
  std::string out;
  const json r = record({fixture("spin_barrier"), "50"}, out);
  const auto t = truth(out);
  ASSERT_GT(t.at("wall_ms"), 0) << out;
  EXPECT_GT(r["spin_wait_pct"].get<double>(), 10) << r["functions"].dump(1);
  bool spin_hint = false;
  for (const auto& h : r["hints"]) {
    const auto text = h.get<std::string>();
    spin_hint = spin_hint || text.starts_with("spin-wait:");
    EXPECT_EQ(text.find("pool_spin_wait takes"), std::string::npos) << text;
  }
  EXPECT_TRUE(spin_hint) << r["hints"].dump(1);
  // The spinner's spin-wait share of its wall time against its own measure. Spinning is on CPU
  // unless the scheduler preempts it; the fixture's clock counts a preemption inside the spin loop as
  // spinning, perfprobe counts every preemption as runnable, in the loop or out of it. So the truth
  // lies between spin-wait and spin-wait plus runnable: on an idle machine runnable is near 0 and
  // the bound is tight, on a loaded one it widens by exactly the time the thread waited for a CPU.
  const json& spinner = thread_named(r, "spinner");
  ASSERT_TRUE(spinner.is_object());
  const json& w = spinner["wall"];
  const double wall = w["wall_ms"].get<double>();
  const double spin_wait = w["spin_wait_ms"].get<double>() / wall;
  const double runnable = reason_ms(w, "runnable") / wall;
  const double truth = t.at("spin_ms") / t.at("wall_ms");
  EXPECT_GT(spin_wait, truth - runnable - 0.15) << w.dump(1) << out;
  EXPECT_LT(spin_wait, truth + 0.15) << w.dump(1) << out;
}

// The exports carry the same waits as the report: pprof's "off_cpu" value (read back by `go tool
// pprof`, Google's own reader) and the trace's off-CPU slices on each thread's track, nested
// properly with the samples' slices (Perfetto and chrome://tracing drop slices that overlap).
TEST_P(OffCpu, PprofAndTraceCarryTheWaits) {
  std::string out;
  const json r = record({fixture("sleep_spin"), "30"}, out);
  const double off_ms = r["off_cpu"]["wall"]["off_cpu_ms"].get<double>();
  ASSERT_GT(off_ms, 50) << r["off_cpu"].dump(1);
  const auto rep = harness::run(
      {perfprobe(), "report", "--pprof", dir_.file("p.pb.gz"), "--trace", dir_.file("t.json"), dir_.file("p.data")},
      opt_);
  ASSERT_EQ(rep.exit_code, 0) << rep.err;

  const json trace = harness::read_json(dir_.file("t.json"));
  std::map<int, std::vector<std::pair<double, double>>> slices;  // by tid: [ts, end) of every "X"
  double trace_off_us = 0;
  std::string leaf_reason;
  for (const auto& e : trace["traceEvents"]) {
    if (e["ph"] != "X" || e["cat"] == "phase") continue;
    const double ts = e["ts"].get<double>(), dur = e["dur"].get<double>();
    ASSERT_GE(dur, 0) << e.dump();
    slices[e["tid"].get<int>()].emplace_back(ts, ts + dur);
    if (e["cat"] != "off_cpu") continue;
    trace_off_us += dur;
    if (root() && e["args"]["chain"].dump().find("sleep_half") != std::string::npos) leaf_reason = e["args"]["reason"];
  }
  EXPECT_NEAR(trace_off_us / 1e3, off_ms, 0.001 * off_ms + 0.01);
  if (root()) {
    EXPECT_EQ(leaf_reason, "sleep");
  }
  for (auto& [tid, list] : slices) {  // any two slices of a track are disjoint or one holds the other
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return a.first < b.first || (a.first == b.first && a.second > b.second);
    });
    std::vector<double> open;  // ends of the enclosing slices
    for (const auto& [from, to] : list) {
      while (!open.empty() && open.back() <= from + 1e-3) open.pop_back();
      ASSERT_TRUE(open.empty() || to <= open.back() + 1e-3) << "slice [" << from << ", " << to << ") of tid " << tid;
      open.push_back(to);
    }
  }

  if (harness::run({"go", "version"}).exit_code != 0) {
    GTEST_SKIP() << "go is not installed (scripts/install-deps.sh --test): go tool pprof not run";
  }
  harness::RunOptions go_env;
  go_env.env = {"HOME=" + dir_.path(), "PPROF_TMPDIR=" + dir_.path()};
  const auto top = harness::run(
      {"go", "tool", "pprof", "-sample_index=off_cpu", "-unit=ms", "-top", "-nodecount=3", dir_.file("p.pb.gz")},
      go_env);
  ASSERT_EQ(top.exit_code, 0) << top.err;
  // "Showing nodes accounting for 158.20ms, 100% of 158.20ms total"
  const auto total_at = top.out.find("ms total");
  ASSERT_NE(total_at, std::string::npos) << top.out;
  const auto num_at = top.out.rfind(' ', total_at) + 1;
  EXPECT_NEAR(std::atof(top.out.c_str() + num_at), off_ms, 0.01 * off_ms + 0.1) << top.out;
  const std::string leaf = root() ? "[off-cpu: sleep]" : "[off-cpu: unknown]";
  EXPECT_NE(top.out.find(leaf), std::string::npos) << top.out;
  // The wait's reason is a label too: what -tagfocus selects.
  const auto tags =
      harness::run({"go", "tool", "pprof", "-sample_index=off_cpu", "-tags", dir_.file("p.pb.gz")}, go_env);
  ASSERT_EQ(tags.exit_code, 0) << tags.err;
  EXPECT_NE(tags.out.find("off_cpu_reason"), std::string::npos) << tags.out;
  if (root()) {
    const auto peek = harness::run(
        {"go", "tool", "pprof", "-sample_index=off_cpu", "-focus=off-cpu: sleep", "-top", dir_.file("p.pb.gz")},
        go_env);
    EXPECT_NE(peek.out.find("sleep_half"), std::string::npos) << peek.out;
  }
}

// The tid of `pid`'s thread named `name` once it sleeps (state S), or 0 after 10 s.
pid_t sleeping_thread(const std::string& pid, const std::string& name) {
  for (int i = 0; i < 2000; ++i) {
    for (const auto& e : std::filesystem::directory_iterator("/proc/" + pid + "/task")) {
      if (harness::read_text((e.path() / "comm").string()) != name + "\n") continue;
      const std::string stat = harness::read_text((e.path() / "stat").string());
      const auto close = stat.rfind(')');
      if (close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'S') {
        return std::stoi(e.path().filename().string());
      }
    }
    usleep(5000);
  }
  return 0;
}

// A thread blocked on a mutex before the attach and after it has no switch record in the window:
// /proc's state at both ends says it waited throughout, so it is off CPU, not on CPU, for all of it.
TEST(OffCpuAttach, AThreadBlockedThroughTheWindowIsOffCpuThroughout) {
  harness::Running target({fixture("mutex_wait"), "60000"});
  const pid_t waiter = sleeping_thread(target.pid(), "waiter");
  ASSERT_NE(waiter, 0) << "the fixture's waiter never blocked";
  harness::TempDir dir;
  const auto a =
      harness::run({perfprobe(), "attach", "-p", target.pid(), "--duration", "400ms", "-q", "-o", dir.file("a.data")});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const auto rep = harness::run({perfprobe(), "report", "--json", dir.file("a.data")});
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  const json r = json::parse(rep.out);
  const json& t = thread_named(r, "waiter");
  ASSERT_TRUE(t.is_object());
  const json& w = t["wall"];
  EXPECT_GT(w["wall_ms"].get<double>(), 300) << w.dump(1);
  EXPECT_DOUBLE_EQ(w["off_cpu_ms"].get<double>(), w["wall_ms"].get<double>()) << w.dump(1);
  EXPECT_DOUBLE_EQ(reason_ms(w, "sleep"), w["wall_ms"].get<double>()) << w.dump(1);
  EXPECT_TRUE(target.alive());
}

// A wait sample copies 512 bytes of user stack and its chain is the frame-pointer walk in that copy:
// under 40 frames of ~128 bytes the walk runs out of copy before main. Such chains are counted and
// end with "[truncated]" in every view; a shallow wait's chain reaches main and is not counted.
TEST(OffCpuChains, WaitChainsCutAtTheStackCopyAreCountedAndMarked) {
  if (!harness::is_root()) GTEST_SKIP() << "needs root (sched_switch wait samples)";
  harness::TempDir dir;
  const auto rec = [&](const char* depth, const std::string& data) {
    const auto r = harness::run({perfprobe(), "record", "-q", "-o", data, "--", fixture("deep_wait"), depth});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto rep = harness::run({perfprobe(), "report", "--json", data});
    EXPECT_EQ(rep.exit_code, 0) << rep.err;
    return json::parse(rep.out);
  };
  const json deep = rec("40", dir.file("deep.data"));
  const json& oc = deep["off_cpu"];
  ASSERT_TRUE(oc.is_object()) << deep.dump(1);
  EXPECT_GT(oc["truncated_waits"].get<std::uint64_t>(), 100U) << oc.dump(1);  // 200 naps
  EXPECT_GT(oc["truncated_pct"].get<double>(), 50) << oc.dump(1);
  const json s = wait_through(deep, "nap");
  ASSERT_FALSE(s.is_null()) << oc["stacks"].dump(1);
  EXPECT_EQ(s["frames"].back(), "[truncated]") << s.dump();
  const auto text = harness::run({perfprobe(), "report", dir.file("deep.data")});
  EXPECT_NE(text.out.find("wait chains truncated"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("<- [truncated]"), std::string::npos) << text.out;
  const auto folded = harness::run({perfprobe(), "report", "--folded", dir.file("f.txt"), dir.file("deep.data")});
  ASSERT_EQ(folded.exit_code, 0) << folded.err;
  std::ifstream f(dir.file("f.txt"));
  const std::string lines((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(lines.find("[truncated];rec;"), std::string::npos) << lines;

  const json shallow = rec("2", dir.file("shallow.data"));
  // A preemption in the dynamic loader may be cut too; the naps, nearly all the time, are not.
  EXPECT_LT(shallow["off_cpu"]["truncated_pct"].get<double>(), 5) << shallow["off_cpu"].dump(1);
  const json w = wait_through(shallow, "nap");
  ASSERT_FALSE(w.is_null()) << shallow["off_cpu"]["stacks"].dump(1);
  const auto callers = frames_after(w, "nap");
  EXPECT_NE(std::find(callers.begin(), callers.end(), "main"), callers.end()) << w.dump();
  EXPECT_NE(callers.back(), "[truncated]") << w.dump();
}

INSTANTIATE_TEST_SUITE_P(Privilege, OffCpu, testing::Values(Who::root, Who::unprivileged), who_name);

}  // namespace
