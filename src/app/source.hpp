// A source of one run's timeline (docs/architecture.md): counters, RSS, markers, output matches,
// samples... The run loop (run_loop.hpp) drives every source through the same steps, for a launched
// and an attached target alike, so adding a source touches only its own file and the plan that asks
// for it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "perfprobe/launch/child.hpp"
#include "perfprobe/model.hpp"
#include "perfprobe/sys/event_loop.hpp"
#include "perfprobe/timeline.hpp"

namespace perfprobe::app {

// A source ended an attach's window (--until fired, the --drive client ended): when (CLOCK_MONOTONIC)
// and why ("until", "drive"). Events after `t_ns` are not counted.
struct WindowEnd {
  std::int64_t t_ns = 0;
  std::string by;
};

class RunSource {
 public:
  RunSource() = default;
  RunSource(const RunSource&) = delete;
  RunSource& operator=(const RunSource&) = delete;
  virtual ~RunSource() = default;
  // Before fork (launch only): add environment, fds to inherit, stdio redirections to the launch.
  virtual void prepare_launch(launch::LaunchSpec& spec) { (void)spec; }
  // The target exists but is held at the gate (launched), or is already running (attached):
  // open perf events and the like. Failures that only lose this source go into `unavailable`
  // as "what: why" instead of throwing.
  virtual void open(pid_t pid, bool attached, std::vector<std::string>& unavailable) = 0;
  // The measured window opens (just after time zero) and closes (just before the end is taken). A
  // launched target's perf events start at exec by themselves; an attached target's start here.
  virtual void arm() {}
  virtual void disarm() {}
  // The target runs: register fds and timers. Events go to `timeline` with absolute
  // CLOCK_MONOTONIC times.
  virtual void start(sys::EventLoop& loop, Timeline& timeline) = 0;
  // A boundary (a phase begins or ends, the target is ready, the first token): record the state
  // now, so per-phase and per-token figures do not wait for the next sampling interval.
  virtual void snapshot(Timeline& timeline) { (void)timeline; }
  // Every source has taken its snapshot: a source whose target waits for it (the marker API's
  // ready/phase handshake) lets it go on.
  virtual void after_snapshot() {}
  // An attach only: set once this source wants the window closed (never the target stopped).
  [[nodiscard]] virtual std::optional<WindowEnd> window_end() const { return std::nullopt; }
  // The window has closed (the target exited, or the attach ended): drain what is left, fill in
  // the result.
  virtual void finish(Timeline& timeline, RunResult& result) = 0;
  // A scrape of `attach --serve` while the window is open: fill in what finish() would, as it
  // stands now (counters read now, a sample taken now), ending nothing. What accumulates (RSS
  // samples, like the timeline's events) is handed over once: only what is new since the last call.
  virtual void so_far(Timeline& timeline, RunResult& result) {
    (void)timeline;
    (void)result;
  }
};

using SourceFactory = std::function<std::unique_ptr<RunSource>()>;

}  // namespace perfprobe::app
