// A launched target for the run loop: --prepare and --cold before it, fork held at the gate,
// release at time zero, signals forwarded, reaped with its exit status and rusage at the end.
#include "measure.hpp"

#include <signal.h>

#include <algorithm>
#include <optional>

#include "perfprobe/error.hpp"
#include "perfprobe/launch/child.hpp"
#include "perfprobe/memory/page_cache.hpp"
#include "perfprobe/sys/clock.hpp"
#include "perfprobe/sys/event_loop.hpp"
#include "run_loop.hpp"

namespace perfprobe::app {

namespace {

std::int64_t timeval_ns(const timeval& tv) {
  return static_cast<std::int64_t>(tv.tv_sec) * 1000000000LL + static_cast<std::int64_t>(tv.tv_usec) * 1000;
}

// Ctrl-C from the terminal already reached the target (same process group); anything else
// (kill, a CI runner's SIGTERM) is forwarded. The third interrupt kills the target.
void on_signal(Session& session, launch::Child& child) {
  while (const auto sig = session.signals.read()) {
    session.interrupted = true;
    ++session.interrupt_count;
    if (!sig->from_terminal) child.signal(sig->signo);
    if (session.interrupt_count >= 3) child.signal(SIGKILL);
  }
}

void fill_from_exit(RunResult& r, const launch::ExitStatus& st) {
  r.exit_code = st.exit_code;
  r.signal = st.signal;
  r.core_dumped = st.core_dumped;
  r.user_ns = timeval_ns(st.usage.ru_utime);
  r.sys_ns = timeval_ns(st.usage.ru_stime);
  // ru_maxrss is in KiB and covers the child and its waited-for descendants.
  r.peak_rss_bytes = static_cast<std::uint64_t>(st.usage.ru_maxrss) * 1024;
  r.minor_faults = static_cast<std::uint64_t>(st.usage.ru_minflt);
  r.major_faults = static_cast<std::uint64_t>(st.usage.ru_majflt);
  r.voluntary_ctxt_switches = static_cast<std::uint64_t>(st.usage.ru_nvcsw);
  r.involuntary_ctxt_switches = static_cast<std::uint64_t>(st.usage.ru_nivcsw);
}

class LaunchedTarget final : public Target {
 public:
  explicit LaunchedTarget(const std::vector<std::string>& command) : command_(command) {}
  [[nodiscard]] bool attached() const override { return false; }
  pid_t create(const std::vector<std::unique_ptr<RunSource>>& sources) override {
    launch::LaunchSpec spec;
    spec.argv = command_;
    for (const auto& source : sources) source->prepare_launch(spec);
    child_.emplace(spec);
    return child_->pid();
  }
  // The exec follows the release within microseconds; enable_on_exec starts the counters there.
  std::int64_t begin() override { return child_->release(); }
  void watch(sys::EventLoop& loop, Session& session, bool& ended) override {
    loop.add_fd(child_->pidfd(), [&ended] { ended = true; });
    loop.add_fd(session.signals.fd(), [this, &session] { on_signal(session, *child_); });
  }
  // Children's counts are folded into the inherited parent events as they exit, so the sources
  // read final figures after this.
  void end(std::int64_t t0, RunResult& r) override {
    const auto st = child_->reap();
    r.wall_ns = sys::monotonic_ns() - t0;
    fill_from_exit(r, st);
  }

 private:
  const std::vector<std::string>& command_;
  std::optional<launch::Child> child_;
};

}  // namespace

void run_prepare(const std::string& command, Session& session) {
  launch::LaunchSpec spec;
  spec.argv = {"/bin/sh", "-c", command};
  spec.stdout_fd = 2;  // the target owns stdout; --prepare's chatter goes with perfprobe's
  launch::Child child(spec);
  child.release();
  sys::EventLoop loop;
  bool exited = false;
  loop.add_fd(child.pidfd(), [&] { exited = true; });
  loop.add_fd(session.signals.fd(), [&] { on_signal(session, child); });
  loop.run_until([&] { return exited; });
  const auto st = child.reap();
  if (st.exit_code != 0 && !session.interrupted) {
    throw Error("--prepare command failed with exit status " + std::to_string(st.exit_code) + ": " + command,
                "run it by hand to see why; perfprobe runs it with /bin/sh -c before every run");
  }
}

RunResult measure_once(const MeasurePlan& plan, Session& session, const Diag& diag, int run_index, bool warmup) {
  if (!plan.prepare.empty()) run_prepare(plan.prepare, session);
  if (session.interrupted) return RunResult{};
  std::optional<ColdStart> cold;
  if (!plan.cold_files.empty()) {
    const memory::Eviction ev = memory::evict_and_check(plan.cold_files);
    for (const auto& failed : ev.problems) {
      const std::string item = "--cold: " + failed;
      if (std::find(session.unavailable.begin(), session.unavailable.end(), item) == session.unavailable.end()) {
        session.unavailable.push_back(item);
      }
    }
    cold = ColdStart{ev.evicted_bytes, ev.still_cached_bytes};
  }
  LaunchedTarget target(plan.command);
  RunResult r = run_window(plan, target, session, diag, run_index, warmup);
  r.cold = cold;
  return r;
}

}  // namespace perfprobe::app
