// Launch and attach share one run loop: the same target gives the same per-token CPU either way,
// an attach's counters cover exactly its window (task-clock matches the threads' own CPU time
// growth, never more CPUs than the machine has), and what attach cannot see is a usage error.
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
using harness::Running;
using nlohmann::json;

namespace {

double per_token_cpu_ms(const json& run) { return run["tokens"]["per_token"].value("cpu_ms", 0.0); }

}  // namespace

TEST(OneLoop, AttachAndRunGiveTheSamePerTokenCpu) {
  if (!harness::is_root()) GTEST_SKIP() << "USDT needs root";
  harness::TempDir dir;
  const auto launch = [&] {
    const auto launched = harness::run({perfprobe(), "run", "-q", "--tokens", "usdt:burn:token", "--json",
                                        dir.file("run.json"), "--", fixture("usdt_burn"), "300"});
    EXPECT_EQ(launched.exit_code, 0) << launched.err;
    return per_token_cpu_ms(harness::read_json(dir.file("run.json"))["runs"][0]);
  };
  const auto attach = [&] {
    const Running target({fixture("usdt_burn"), "0"});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto attached = harness::run({perfprobe(), "attach", "-p", target.pid(), "--duration", "500ms", "-q",
                                        "--tokens", "usdt:burn:token", "--json", dir.file("attach.json")});
    EXPECT_EQ(attached.exit_code, 0) << attached.err;
    const json run = harness::read_json(dir.file("attach.json"))["runs"][0];
    EXPECT_GT(run["tokens"]["count"].get<int>(), 50) << run.dump();
    return per_token_cpu_ms(run);
  };
  // Two alternating rounds, the least of each way: a parallel test that slows one measurement (CPU
  // time per token grows with contention on a VM) cannot make the two ways differ.
  double run_cpu = launch();
  double attach_cpu = attach();
  run_cpu = std::min(run_cpu, launch());
  attach_cpu = std::min(attach_cpu, attach());
  EXPECT_GT(run_cpu, 0.02);  // 0.1 to 1 ms of work per token, by machine
  EXPECT_NEAR(attach_cpu, run_cpu, run_cpu * 0.3) << "run " << run_cpu << " ms, attach " << attach_cpu << " ms";
}

TEST(AttachWindow, CountersCoverExactlyTheWindow) {
  const Running target({fixture("busy_threads"), "50", "0"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // every thread started
  harness::TempDir dir;
  const auto r = harness::run({perfprobe(), "attach", "-p", target.pid(), "--duration", "1s", "-q", "-e", "task-clock",
                               "--json", dir.file("a.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json run = harness::read_json(dir.file("a.json"))["runs"][0];
  const double task_clock_ms = run["counters"]["task-clock"]["value"].get<double>() / 1e6;
  const double cpu_ms = run["user_ms"].get<double>() + run["sys_ms"].get<double>();  // from /proc, over the window
  const double wall_ms = run["wall_ms"].get<double>();
  const auto cpus = static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN));
  EXPECT_LE(task_clock_ms / wall_ms, cpus) << run["counters"].dump();
  EXPECT_LE(run["derived"]["cpus_utilized"].get<double>(), cpus);
  // Never more than the threads' own CPU time over the window (the counters lie inside it).
  EXPECT_LE(task_clock_ms, cpu_ms * 1.02) << "task-clock " << task_clock_ms << " ms, /proc " << cpu_ms;
  // Nor less: /proc is read right inside both ends, at real-time priority where allowed (root).
  if (harness::is_root()) {
    EXPECT_GE(task_clock_ms, cpu_ms * 0.98) << "task-clock " << task_clock_ms << " ms, /proc " << cpu_ms;
  }
}

TEST(AttachWindow, OutputSpecsAreAUsageErrorNamingTheAlternative) {
  const Running target({fixture("spin"), "60000"});  // outlives seven perfprobe starts under ASan; killed at the end
  const std::vector<std::vector<std::string>> specs = {
      {"--tokens", "output"},          {"--tokens", "output:tok"},  {"--phase", "gen=usdt:a:b..output:done"},
      {"--ready", "output:listening"}, {"--ready", "first-output"}, {"--tokens-after", "output:go"}};
  for (const auto& spec : specs) {
    std::vector<std::string> argv = {perfprobe(), "attach", "-p", target.pid(), "--duration", "100ms"};
    argv.insert(argv.end(), spec.begin(), spec.end());
    const auto r = harness::run(argv);
    EXPECT_EQ(r.exit_code, 2) << spec[1] << ": " << r.err;
    EXPECT_NE(r.err.find("cannot see the output"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("usdt:"), std::string::npos) << r.err;
  }
  // The marker API's channel is handed to a program perfprobe starts: a running one has none.
  const auto r = harness::run(
      {perfprobe(), "attach", "-p", target.pid(), "--duration", "100ms", "--phase", "load=mark:a..mark:b"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("cannot see marker-API marks"), std::string::npos) << r.err;
}

TEST(AttachWindow, NoExitLineForARunningProgramAndTheDurationHasItsUnit) {
  const Running target({fixture("spin"), "5000"});
  const auto r = harness::run({perfprobe(), "attach", "-p", target.pid(), "--duration", "0.2", "--no-counters"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("exit "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("for 200.0 ms"), std::string::npos) << r.err;
}
