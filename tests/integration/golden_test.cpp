// Golden text tests: every human view of the real binary compared line by line with a file in
// tests/golden/. Volatile figures are masked first (tests/golden/README.md says how), so a layout
// change (a label, a section, a line's order, an indent) fails while a slower VM does not.
// Refresh after an intended change with scripts/update-golden.sh and review the diff.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <thread>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;

namespace {

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

// Lines that appear or not depending on how loaded the machine was.
bool volatile_line(const std::string& line) {
  for (const char* text : {"statistical outliers", "wall time varies by", "first run was much slower"}) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string mask_line(std::string line) {
  static const std::regex hex("0x[0-9a-fA-F]+");
  static const std::regex number("[+-]?[0-9]+(,[0-9]{3})*(\\.[0-9]+)?");
  static const std::regex duration("# ?(ns|µs|ms|s|min)\\b");
  static const std::regex bytes("# (B|KiB|MiB|GiB)\\b");
  static const std::regex stalls(", # stalls");
  static const std::regex spaces("([^ ])  +");
  static const std::regex aligned_figure("^ +([#<])");  // a right-aligned figure's padding is its width
  line = std::regex_replace(line, hex, "<addr>");
  line = std::regex_replace(line, number, "#");
  line = std::regex_replace(line, duration, "<dur>");
  line = std::regex_replace(line, bytes, "<bytes>");
  line = std::regex_replace(line, stalls, "");
  line = std::regex_replace(line, spaces, "$1 ");
  line = std::regex_replace(line, aligned_figure, " $1");
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

// The masking documented in tests/golden/README.md.
std::string mask(std::string text, const std::vector<std::pair<std::string, std::string>>& names) {
  for (const auto& [from, to] : names) replace_all(text, from, to);
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (!volatile_line(line)) out += mask_line(line) + "\n";
  }
  return out;
}

std::string golden_path(const std::string& name) {
  return std::string(PERFPROBE_SOURCE_DIR) + "/tests/golden/" + name + ".txt";
}

// Compares with tests/golden/NAME.txt, or rewrites it when PERFPROBE_UPDATE_GOLDEN=1.
void expect_golden(const std::string& name, const std::string& actual) {
  const char* update = std::getenv("PERFPROBE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(golden_path(name), std::ios::binary) << actual;
    return;
  }
  const std::string expected = harness::read_text(golden_path(name));
  EXPECT_EQ(expected, actual) << "golden " << name << " differs; if the change is intended, run "
                              << "scripts/update-golden.sh and review the diff";
}

const char* kCounterScript = R"({
  "cycles": {"raw": 1000000, "time_enabled_ns": 2000000, "time_running_ns": 1000000},
  "instructions": {"raw": 1500000, "time_enabled_ns": 2000000, "time_running_ns": 1000000},
  "task-clock": {"raw": 2000000, "kind": "software", "unit": "ns"},
  "page-faults": {"raw": 321, "kind": "software"},
  "context-switches": {"supported": false, "kind": "software", "reason": "scripted: no kernel counting"}
})";

struct Golden : ::testing::Test {
  harness::TempDir dir;
  std::string counters = dir.file("pmu.json");
  void SetUp() override { std::ofstream(counters) << kCounterScript; }
  [[nodiscard]] std::string masked(const std::string& text) const {
    return mask(text, {{dir.path(), "<tmp>"},
                       {PERFPROBE_FIXTURE_DIR, "<fixtures>"},
                       {PERFPROBE_SOURCE_DIR, "<src>"},
                       {perfprobe(), "<perfprobe>"}});
  }
};

}  // namespace

TEST(GoldenMask, KeepsLayoutAndHidesFigures) {
  EXPECT_EQ(mask_line("    wall                 812.4 ms ± 3.2 ms     (808.1 ms … 1.250 s)"),
            "    wall <dur> ± <dur> (<dur> … <dur>)");
  EXPECT_EQ(mask_line("  tokens   20, 2 stalls"), "  tokens #");
  EXPECT_EQ(mask_line("    peak RSS             2.5 MiB  at 0x7f00"), "    peak RSS <bytes> at <addr>");
  EXPECT_EQ(mask_line("   99.5%   100.0%  main"), " #% #% main");
  EXPECT_EQ(mask("a\nperfprobe: warning: wall time varies by 30%\nb\n", {}), "a\nb\n");
}

TEST_F(Golden, RunWithPhasesTokensAndCounters) {
  const auto r = harness::run({perfprobe(), "run", "--fake-counters", counters, "--", fixture("marker_timing"), "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("run_single", masked(r.err));
}

TEST_F(Golden, RunOverSeveralRuns) {
  const auto r = harness::run(
      {perfprobe(), "run", "-r", "3", "-w", "1", "--fake-counters", counters, "--", fixture("marker_timing"), "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("run_multi", masked(r.err));
}

TEST_F(Golden, RunOfAFailingTargetWithoutCounters) {
  // -i 0: no interval samples, so the "peak tree RSS" line does not depend on how long the exit took.
  const auto r = harness::run({perfprobe(), "run", "--no-counters", "-i", "0", "--", fixture("exit_with"), "3"});
  ASSERT_EQ(r.exit_code, 3) << r.err;
  expect_golden("run_failed", masked(r.err));
}

TEST_F(Golden, Attach) {
  const pid_t pid = fork();
  if (pid == 0) {
    execl(fixture("spin").c_str(), "spin", "3000", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto r = harness::run(
      {perfprobe(), "attach", "-p", std::to_string(pid), "--duration", "300ms", "--no-counters", "-i", "50ms"});
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("attach", masked(r.err));
}

TEST_F(Golden, CheckTable) {
  const auto r =
      harness::run({perfprobe(), "check", "-r", "2", "--max-wall", "20s", "--max-peak-rss", "1KiB", "--binary",
                    fixture("spin"), "--max-stripped-size", "100MiB", "--", fixture("spin"), "20"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  expect_golden("check", masked(r.err));
}

TEST_F(Golden, Size) {
  // A system binary, not a fixture: the goldens must not depend on the compiler that built the tests.
  const auto r = harness::run({perfprobe(), "size", "--top", "3", "--no-libs", "/usr/bin/true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("size", masked(r.out + r.err));
}

TEST_F(Golden, Probes) {
  const auto r = harness::run({perfprobe(), "probes", fixture("sdt_target")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("probes", masked(r.out + r.err));
}

TEST_F(Golden, ProfileReport) {
  // Without off-CPU records: which waits a spinning program has (none, or a preemption) depends on
  // the machine's load; the off-CPU view is checked against known truth in offcpu_test.cpp.
  const auto rec = harness::run(
      {perfprobe(), "record", "-q", "--off-cpu", "none", "-o", dir.file("p.data"), "--", fixture("spin"), "300"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  const auto r = harness::run({perfprobe(), "report", "--top", "1", dir.file("p.data")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("report", masked(r.out + r.err));
}
