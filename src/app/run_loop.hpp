// The one run loop of launch and attach: every source (counters, RSS, markers, samples...) is
// opened, armed, driven by one event loop, snapshotted at boundaries and collected the same way.
// What differs is a Target strategy: how the target starts and how its window ends. A figure
// therefore cannot exist for `run` and silently be zero for `attach` (docs/architecture.md).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "measure.hpp"

namespace perfprobe::app {

class Target {
 public:
  Target() = default;
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;
  virtual ~Target() = default;
  [[nodiscard]] virtual bool attached() const = 0;
  // Before the sources open. A launch forks the target, held at its gate, with what the sources
  // added to the launch spec; an attach has nothing to do. Returns the target's pid.
  virtual pid_t create(const std::vector<std::unique_ptr<RunSource>>& sources) = 0;
  // Just before the sources are armed: a launch releases the target (its counters start at exec)
  // and returns time zero; an attach makes ready to take its own figures right after the arming.
  virtual std::int64_t begin() = 0;
  // Every source is armed: returns time zero, `t0` from begin() or (an attach) the instant the
  // counters started, when it takes the target's CPU time (/proc) at the window's start.
  virtual std::int64_t opened(std::int64_t t0) { return t0; }
  // What ends the window: the target's exit, signals (a launch forwards them to the target; they
  // end an attach), an attach's duration. Sets `ended`.
  virtual void watch(sys::EventLoop& loop, Session& session, bool& ended) = 0;
  // The window is about to close, before the sources are disarmed: an attach takes the target's
  // CPU time at the window's end.
  virtual void closing() {}
  // The window has closed (the sources are disarmed): the wall time since `t0`, and what the
  // target's own accounting says (a launch: exit status and rusage; an attach: CPU time growth).
  virtual void end(std::int64_t t0, RunResult& result) = 0;
  // The same figures while the window is still open (a scrape of `attach --serve`).
  virtual void so_far(std::int64_t t0, RunResult& result) const;
};

// One measured window of `target`: the JSONL stream gets run_start, the events, run_end. With
// session.scrape, the loop also answers scrapes with the figures so far (scrape_exchange.hpp).
[[nodiscard]] RunResult run_window(const MeasurePlan& plan, Target& target, Session& session, const Diag& diag,
                                   int run_index, bool warmup);

}  // namespace perfprobe::app
