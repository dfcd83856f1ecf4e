// `perfprobe run` as a real unprivileged user (setpriv to perfprobe-test, created by scripts/test.sh):
// software counters work user-only, kernel-only counters are "not supported" with the fix, never 0.
#include <gtest/gtest.h>
#include <pwd.h>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using nlohmann::json;

namespace {

std::vector<std::string> as_unprivileged_user() { return harness::as_user("perfprobe-test", "nobody"); }

}  // namespace

TEST(Unprivileged, CountsUserSpaceAndExplainsWhatItCannotCount) {
  if (!harness::is_root()) GTEST_SKIP() << "needs root to switch to an unprivileged user";
  harness::RunOptions opt;
  opt.prefix = as_unprivileged_user();
  ASSERT_FALSE(opt.prefix.empty());
  harness::TempDir dir;
  const auto r =
      harness::run({perfprobe(), "run", "-q", "--json", dir.file("u.json"), "-e",
                    "task-clock,page-faults,context-switches,cpu-migrations,cycles", "--", fixture("spin"), "50"},
                   opt);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = harness::read_json(dir.file("u.json"));
  const auto& c = j["runs"][0]["counters"];
  ASSERT_TRUE(c["task-clock"]["supported"].get<bool>());
  EXPECT_GT(c["task-clock"]["value"].get<double>(), 5e6);  // spins 50 ms of wall time; the machine may be busy
  if (std::stoi(harness::read_text("/proc/sys/kernel/perf_event_paranoid")) >= 2) {
    EXPECT_EQ(c["task-clock"]["scope"], "user");
    EXPECT_FALSE(c["task-clock"]["note"].get<std::string>().empty());
    for (const char* kernel_only : {"context-switches", "cpu-migrations"}) {
      ASSERT_FALSE(c[kernel_only]["supported"].get<bool>()) << kernel_only;
      EXPECT_NE(c[kernel_only]["reason"].get<std::string>().find("CAP_PERFMON"), std::string::npos);
    }
  }
  EXPECT_FALSE(c["cycles"]["supported"].get<bool>() && c["cycles"]["value"].get<double>() == 0);
}

TEST(Unprivileged, ExitStatusAndOutputPassThrough) {
  if (!harness::is_root()) GTEST_SKIP() << "needs root to switch to an unprivileged user";
  harness::RunOptions opt;
  opt.prefix = as_unprivileged_user();
  // The unprivileged user runs a setuid-free program of its own: exit status and output pass through.
  const auto r = harness::run({perfprobe(), "run", "-q", "--", "sh", "-c", "echo unpriv; exit 5"}, opt);
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_EQ(r.out, "unpriv\n");
}
