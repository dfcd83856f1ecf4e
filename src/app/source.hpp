// A source of one run's timeline (DESIGN.md step 3): counters, markers, output matches, samples...
// measure_once drives every source through the same four steps, so adding a source touches only
// its own file and the plan that asks for it.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "perfprobe/launch/child.hpp"
#include "perfprobe/model.hpp"
#include "perfprobe/sys/event_loop.hpp"
#include "perfprobe/timeline.hpp"

namespace perfprobe::app {

class RunSource {
 public:
  virtual ~RunSource() = default;
  // Before fork: add environment, fds to inherit, stdio redirections to the launch.
  virtual void prepare_launch(launch::LaunchSpec& spec) { (void)spec; }
  // The target exists but is held at the gate (launched), or is already running (attached):
  // open perf events and the like. Failures that only lose this source go into `unavailable`
  // as "what: why" instead of throwing.
  virtual void open(pid_t pid, bool attached, std::vector<std::string>& unavailable) = 0;
  // The target runs: register fds and timers. Events go to `timeline` with absolute
  // CLOCK_MONOTONIC times.
  virtual void start(sys::EventLoop& loop, Timeline& timeline) = 0;
  // The target has exited (or the attach ended): drain what is left, fill in the result.
  virtual void finish(Timeline& timeline, RunResult& result) = 0;
};

using SourceFactory = std::function<std::unique_ptr<RunSource>()>;

}  // namespace perfprobe::app
