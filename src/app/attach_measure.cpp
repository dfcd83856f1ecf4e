// Attach: the window opens once every source is open (the slow part: one counter per thread),
// right before the counters of every thread are enabled together, and closes when the duration
// ends, --until fires, the --drive client ends, the target exits, or Ctrl-C, right after they are
// disabled. The target is never stopped: perf events and /proc reads are all there is, and leaving
// only disables and closes them.
#include "attach_measure.hpp"

#include <cerrno>
#include <cstring>
#include <optional>

#include "perfprobe/error.hpp"
#include "perfprobe/sys/clock.hpp"
#include "perfprobe/sys/event_loop.hpp"
#include "perfprobe/sys/process.hpp"
#include "run_loop.hpp"

namespace perfprobe::app {

namespace {

sys::Fd open_target(pid_t pid) {
  int err = 0;
  sys::Fd fd = sys::open_pidfd(pid, err);
  if (!fd.valid()) {
    throw UsageError("cannot attach to pid " + std::to_string(pid) + ": " +
                         (err == ESRCH ? std::string("no such process") : std::strerror(err)),
                     "list candidates with `pgrep NAME` or `ps -ef`");
  }
  return fd;
}

class AttachedTarget final : public Target {
 public:
  AttachedTarget(pid_t pid, std::int64_t duration_ns)
      : pid_(pid), pidfd_(open_target(pid)), duration_ns_(duration_ns) {}
  [[nodiscard]] bool attached() const override { return true; }
  pid_t create(const std::vector<std::unique_ptr<RunSource>>& sources) override {
    (void)sources;
    return pid_;
  }
  std::int64_t begin() override {
    cpu_before_ = sys::cpu_times_of(pid_);
    return sys::monotonic_ns();
  }
  // Ctrl-C ends the attach and is never forwarded: the target is not ours to stop.
  void watch(sys::EventLoop& loop, Session& session, bool& ended) override {
    loop.add_fd(pidfd_.get(), [this, &ended] {
      exited_ = true;
      close_window("target_exit", ended);
    });
    loop.add_fd(session.signals.fd(), [this, &session, &ended] {
      while (session.signals.read()) session.interrupted = true;
      close_window("interrupt", ended);
    });
    if (duration_ns_ > 0) {
      loop.add_timer(std::chrono::nanoseconds(duration_ns_), [this, &ended] { close_window("duration", ended); });
    }
  }
  // Not our child: no exit status or rusage, but the growth of its CPU times over the window.
  void end(std::int64_t t0, RunResult& r) override { so_far(t0, r); }
  void so_far(std::int64_t t0, RunResult& r) const override {
    r.wall_ns = sys::monotonic_ns() - t0;
    r.ended_by = ended_by_;  // the run loop names a source that closed it (--until, --drive) instead
    if (const auto cpu_after = sys::cpu_times_of(pid_); cpu_before_ && cpu_after) {
      r.user_ns = cpu_after->user_ns - cpu_before_->user_ns;
      r.sys_ns = cpu_after->sys_ns - cpu_before_->sys_ns;
    }
  }
  [[nodiscard]] bool exited() const { return exited_; }

 private:
  void close_window(const char* why, bool& ended) {
    if (!ended) ended_by_ = why;  // the first reason wins
    ended = true;
  }

  pid_t pid_;
  sys::Fd pidfd_;
  std::int64_t duration_ns_;
  std::optional<sys::CpuTimes> cpu_before_;
  bool exited_ = false;
  std::string ended_by_;
};

}  // namespace

AttachOutcome measure_attached(const MeasurePlan& plan, pid_t pid, std::int64_t duration_ns, Session& session,
                               const Diag& diag, int run_index) {
  AttachedTarget target(pid, duration_ns);
  AttachOutcome out;
  if (session.progress) session.live = std::make_unique<LiveStatus>(1, 0);
  try {
    out.result = run_window(plan, target, session, diag, run_index, false);
  } catch (...) {
    session.live.reset();  // the error message must not land under a scroll region
    throw;
  }
  session.live.reset();  // the line is gone before the report
  out.target_exited = target.exited();
  return out;
}

}  // namespace perfprobe::app
