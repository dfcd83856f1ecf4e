// An attached target for the run loop: a process that is already running. The same sources,
// snapshots and analysis as a launch; nothing is launched, reaped or signalled.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "measure.hpp"
#include "perfprobe/sys/fd.hpp"
#include "perfprobe/sys/process.hpp"
#include "perfprobe/sys/sched.hpp"
#include "run_loop.hpp"

namespace perfprobe::app {

// The target's CPU time so far (/proc/PID/stat; a test's fake).
using CpuTimesReader = std::function<std::optional<sys::CpuTimes>(pid_t)>;

// The window is what the counters cover: from right after every source is armed (the counters
// enabled) to right before they are disarmed. The target's own CPU time (/proc) is read at both
// ends, inside the window, at real-time priority where allowed, so that both figures are of the
// same span even when the target's threads keep every CPU busy (docs/accuracy.md).
class AttachedTarget final : public Target {
 public:
  // Throws UsageError when there is no such process.
  AttachedTarget(pid_t pid, std::int64_t duration_ns, CpuTimesReader cpu_times = sys::cpu_times_of);
  [[nodiscard]] bool attached() const override { return true; }
  pid_t create(const std::vector<std::unique_ptr<RunSource>>& sources) override;
  std::int64_t begin() override;
  std::int64_t opened(std::int64_t t0) override;
  void watch(sys::EventLoop& loop, Session& session, bool& ended) override;
  void closing() override;
  void end(std::int64_t t0, RunResult& r) override;
  void so_far(std::int64_t t0, RunResult& r) const override;
  [[nodiscard]] bool exited() const { return exited_; }

 private:
  void close_window(const char* why, bool& ended);

  pid_t pid_;
  sys::Fd pidfd_;
  std::int64_t duration_ns_;
  CpuTimesReader cpu_times_;
  std::optional<sys::RealtimeScope> urgent_;  // held across the few calls at each end of the window
  std::optional<sys::CpuTimes> cpu_before_;
  std::optional<sys::CpuTimes> cpu_after_;
  std::int64_t closed_ns_ = 0;
  bool exited_ = false;
  std::string ended_by_;
};

struct AttachOutcome {
  RunResult result;
  bool target_exited = false;  // the target ended while perfprobe was attached
};

// Measures `pid` (its threads, its children, those they start later) for `duration_ns`, or until
// Ctrl-C or its exit when 0, as run `run_index` of the JSONL stream (--follow: one per target).
// Throws UsageError when there is no such process.
AttachOutcome measure_attached(const MeasurePlan& plan, pid_t pid, std::int64_t duration_ns, Session& session,
                               const Diag& diag, int run_index = 0);

}  // namespace perfprobe::app
