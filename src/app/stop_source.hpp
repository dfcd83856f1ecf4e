// Ending a server under `run`: --stop-after SPEC|DURATION, --timeout DURATION and --drive CMD, as a
// run source. It watches the timeline, sends SIGTERM and, after a grace period, SIGKILL, and runs the
// --drive client once the target is ready, timed as the phase "drive". Under `attach` the same
// conditions (--until SPEC, --drive CMD) end the window instead: an attached target is never signalled.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "perfprobe/markers/stop.hpp"
#include "source.hpp"

namespace perfprobe::app {

struct StopPlan {
  std::optional<markers::StopSpec> after;  // --stop-after SPEC (run), --until SPEC (attach)
  std::string after_option = "--stop-after";
  std::int64_t after_ns = 0;  // --stop-after DURATION
  std::string after_text;
  std::int64_t timeout_ns = 0;  // --timeout: 0 = none
  std::string timeout_text;
  std::string drive;  // --drive CMD (/bin/sh -c)
  std::int64_t grace_ns = 3'000'000'000;
  markers::AnalysisPlan analysis;  // what ready and a token are
  [[nodiscard]] bool empty() const { return !after && after_ns == 0 && timeout_ns == 0 && drive.empty(); }
};

[[nodiscard]] std::unique_ptr<RunSource> make_stop_source(const StopPlan& plan);

}  // namespace perfprobe::app
