// An attach's window: the target's own CPU time (/proc) is read inside the window its sources were
// armed for, right after the arming and right before the disarming, so that both figures cover the
// same span however late perfprobe gets a CPU (docs/accuracy.md, "attach's window").
#include <gtest/gtest.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "app/attach_measure.hpp"
#include "perfprobe/sys/clock.hpp"

using perfprobe::RunResult;
using perfprobe::app::AttachedTarget;

namespace {

// Records when the run loop arms and disarms it.
class LoggingSource final : public perfprobe::app::RunSource {
 public:
  explicit LoggingSource(std::vector<std::string>& log) : log_(log) {}
  void open(pid_t pid, bool attached, std::vector<std::string>& unavailable) override {
    (void)pid;
    (void)attached;
    (void)unavailable;
  }
  void arm() override { log_.emplace_back("arm"); }
  void disarm() override { log_.emplace_back("disarm"); }
  void start(perfprobe::sys::EventLoop& loop, perfprobe::Timeline& timeline) override {
    (void)loop;
    (void)timeline;
  }
  void finish(perfprobe::Timeline& timeline, RunResult& result) override {
    (void)timeline;
    (void)result;
  }

 private:
  std::vector<std::string>& log_;
};

}  // namespace

TEST(AttachWindow, TheTargetsCpuTimeIsReadInsideTheArmedWindow) {
  std::vector<std::string> log;
  perfprobe::app::MeasurePlan plan;
  plan.target = perfprobe::app::TargetKind::attach;
  plan.sources.emplace_back([&log] { return std::make_unique<LoggingSource>(log); });
  std::int64_t user_ns = 0;
  const auto fake_proc = [&log, &user_ns](pid_t) {
    log.emplace_back("proc");
    user_ns += 1'000'000'000;  // one second of the target's CPU per reading
    return std::optional<perfprobe::sys::CpuTimes>(perfprobe::sys::CpuTimes{user_ns, 0, 'R'});
  };
  AttachedTarget target(::getpid(), 1'000'000, fake_proc);  // ourselves, for 1 ms
  perfprobe::app::Session session;
  const perfprobe::app::Diag diag(std::cerr, false);
  const std::int64_t before = perfprobe::sys::monotonic_ns();
  const RunResult r = perfprobe::app::run_window(plan, target, session, diag, 0, false);
  const std::int64_t after = perfprobe::sys::monotonic_ns();
  EXPECT_EQ(log, (std::vector<std::string>{"arm", "proc", "proc", "disarm"}));
  EXPECT_EQ(r.user_ns, 1'000'000'000) << "the growth between the two readings";
  EXPECT_GE(r.wall_ns, 1'000'000) << "the duration asked for";
  EXPECT_LE(r.wall_ns, after - before);
  EXPECT_EQ(r.ended_by, "duration");
}
