// `perfprobe attach -p PID` on a process the test started itself: the target is never stopped
// (its /proc state stays R or S throughout) and keeps running afterwards, and the figures match
// what the target did while attached.
#include <gtest/gtest.h>
#include <spawn.h>

#include <atomic>
#include <thread>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using nlohmann::json;

extern char** environ;

namespace {

// A running target, killed and reaped at the end of the test.
class Target {
 public:
  explicit Target(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    EXPECT_EQ(posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Target() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] char state() const {
    const std::string stat = harness::read_text("/proc/" + std::to_string(pid_) + "/stat");
    const auto close = stat.rfind(')');
    return close == std::string::npos || close + 2 >= stat.size() ? '?' : stat[close + 2];
  }
  // Exit status once it ended by itself, -1 while it runs.
  int try_wait() {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return -1;
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
};

// Samples the target's /proc state every 5 ms while alive; records every state seen.
class StateWatcher {
 public:
  explicit StateWatcher(const Target& t)
      : thread_([this, &t] {
          while (!stop_) {
            const char s = t.state();
            if (s != '?') seen_ += s;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
          }
        }) {}
  std::string stop() {
    stop_ = true;
    thread_.join();
    return seen_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::string seen_;
  std::thread thread_;
};

}  // namespace

TEST(Attach, NeverStopsTheTargetAndMeasuresItsThreads) {
  Target target({fixture("hot_threads"), "2", "6000"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // both threads spinning
  harness::TempDir dir;
  StateWatcher watcher(target);
  const auto r = harness::run({perfprobe(), "attach", "-p", std::to_string(target.pid()), "--duration", "1s", "-q",
                               "--json", dir.file("a.json"), "-o", dir.file("a.data")});
  const std::string states = watcher.stop();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(states.find_first_not_of("RS"), std::string::npos) << "states seen: " << states;
  EXPECT_GT(states.size(), 50U);
  EXPECT_EQ(target.try_wait(), -1) << "the target still runs after the attach";
  EXPECT_TRUE(target.state() == 'R' || target.state() == 'S');

  const json j = harness::read_json(dir.file("a.json"));
  ASSERT_EQ(j["runs"].size(), 1U);
  const auto& run = j["runs"][0];
  EXPECT_NEAR(run["wall_ms"].get<double>(), 1000.0, 300.0);
  // Two threads spin: up to 2 CPUs (fewer on a loaded machine), and the counters of existing
  // threads agree with the kernel's own accounting of the same second.
  const double task_clock_ms = run["counters"]["task-clock"]["value"].get<double>() / 1e6;
  const double cpu_ms = run["user_ms"].get<double>() + run["sys_ms"].get<double>();
  EXPECT_GT(task_clock_ms, 300.0);
  EXPECT_LT(task_clock_ms, 2300.0);
  EXPECT_NEAR(task_clock_ms, cpu_ms, std::max(60.0, 0.25 * cpu_ms));
  EXPECT_FALSE(run["rss_samples"].empty());

  const auto rep = harness::run({perfprobe(), "report", "--json", dir.file("a.data")});
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  const json p = json::parse(rep.out);
  EXPECT_EQ(p["functions"][0]["name"], "thread_hot");
  EXPECT_GE(p["threads"].size(), 2U) << "samples from both existing threads";
  EXPECT_GT(p["samples"].get<int>(), 300);
}

TEST(Attach, CtrlCEndsTheAttachNotTheTarget) {
  Target target({fixture("spin"), "5000"});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  harness::TempDir dir;
  harness::RunOptions opt;
  opt.signal_after_ms = 500;
  opt.signal_once_file = dir.file("a.jsonl");  // counted from the window's start
  const auto r = harness::run({perfprobe(), "attach", "-p", std::to_string(target.pid()), "-q", "--json",
                               dir.file("a.json"), "--jsonl", dir.file("a.jsonl")},
                              opt);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(target.try_wait(), -1);
  const json j = harness::read_json(dir.file("a.json"));
  EXPECT_NEAR(j["runs"][0]["wall_ms"].get<double>(), 500.0, 300.0);
}

TEST(Attach, TargetThatExitsEndsTheAttachWithAWarning) {
  // The target outlives perfprobe's start (half a second for a sanitizer build) and ends long
  // before the 20 s duration.
  Target target({fixture("spin"), "1500"});
  harness::TempDir dir;
  const auto r = harness::run({perfprobe(), "attach", "-p", std::to_string(target.pid()), "--duration", "20s", "-q",
                               "--json", dir.file("a.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = harness::read_json(dir.file("a.json"));
  EXPECT_LT(j["runs"][0]["wall_ms"].get<double>(), 5000.0);
  bool warned = false;
  for (const auto& w : j["warnings"]) warned = warned || w.get<std::string>().find("exited") != std::string::npos;
  EXPECT_TRUE(warned) << j["warnings"].dump();
}

TEST(Attach, MissingProcessIsAUsageError) {
  const auto r = harness::run({perfprobe(), "attach", "-p", "999999999", "--duration", "1s"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no such process"), std::string::npos) << r.err;
  EXPECT_EQ(harness::run({perfprobe(), "attach", "--duration", "1s"}).exit_code, 2) << "-p is required";
}

TEST(Attach, UsdtProbesIncludingGatedOnesAndAChildForkedAfterTheAttach) {
  if (!harness::is_root()) GTEST_SKIP() << "uprobes need CAP_SYS_ADMIN";
  Target target({fixture("usdt_loop"), "2000"});
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  harness::TempDir dir;
  const auto r = harness::run({perfprobe(), "attach", "-p", std::to_string(target.pid()), "--duration", "1500ms", "-q",
                               "--usdt", "loop:tick", "--usdt", "loop:gated", "--json", dir.file("u.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = harness::read_json(dir.file("u.json"));
  ASSERT_TRUE(j["unavailable"].empty()) << j["unavailable"].dump();
  const auto& markers = j["runs"][0]["markers"];
  const auto gated = markers["loop:gated"]["count"].get<int>();
  const auto ticks = markers["loop:tick"]["count"].get<int>();
  // One tick and one gated hit per ~1 ms iteration of the main process while attached (the
  // semaphore is raised at the attach); the child forked at 1 s adds 100 ticks and no gated hits.
  EXPECT_GT(gated, 500);
  EXPECT_LE(gated, 1600);
  EXPECT_NEAR(ticks - gated, 100, 3) << "ticks of the child forked after the attach (± the attach boundaries)";
}

TEST(Attach, RssWarnWorksWhenAttachedToo) {
  // A process holding 64 MiB; attach with a 16 MiB warning threshold.
  harness::TempDir dir;
  const pid_t pid = fork();
  if (pid == 0) {
    execl(fixture("touch_memory").c_str(), "touch_memory", "64", "3000", nullptr);
    _exit(127);
  }
  usleep(500000);
  const auto r = harness::run({perfprobe(), "attach", "-p", std::to_string(pid), "--duration", "300ms", "-q",
                               "--rss-warn", "16MiB", "--jsonl", dir.file("a.jsonl")});
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("crossed --rss-warn"), std::string::npos) << r.err;
  bool warned = false;
  for (const auto& e : harness::read_jsonl(dir.file("a.jsonl"))) warned |= e["event"] == "warning";
  EXPECT_TRUE(warned);
}
