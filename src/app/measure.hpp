// One run of the target, measured: launch held at the gate, open the sources, release, drive the
// event loop until the target exits, collect. Shared by `run` (and later `check`, `record`).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "jsonl_stream.hpp"
#include "perfprobe/app/diag.hpp"
#include "perfprobe/counters/pfm.hpp"
#include "perfprobe/markers/analysis.hpp"
#include "perfprobe/model.hpp"
#include "perfprobe/sys/signals.hpp"
#include "source.hpp"

namespace perfprobe::app {

struct MeasurePlan {
  std::vector<std::string> command;
  std::vector<counters::EventSpec> events;  // encoded once, opened afresh for every run
  std::int64_t interval_ns = 0;             // RSS sampling; 0 = only the final rusage
  std::string prepare;                      // shell command before the run
  std::vector<SourceFactory> sources;       // made afresh for every run, in this order
  // Markers (issue #3): how the timeline is analysed, what to evict before each run (--cold),
  // the RSS that triggers a warning (0 = none).
  markers::AnalysisPlan analysis;
  std::vector<std::string> cold_files;
  std::uint64_t rss_warn_bytes = 0;
  std::vector<std::string> warnings;          // found while planning (e.g. --unbuffer cannot apply)
  std::vector<CounterReading> fake_counters;  // non-empty: read these instead of opening events
};

// State that outlives one run: signals and the interrupt flag, the JSONL stream.
struct Session {
  sys::SignalFd signals;
  const JsonlStream* jsonl = nullptr;
  bool interrupted = false;
  int interrupt_count = 0;
  std::vector<std::string> unavailable;  // "source: why", collected over the runs (deduplicated)
};

// Runs the target once. Throws LaunchError when it cannot start, Error when --prepare fails.
RunResult measure_once(const MeasurePlan& plan, Session& session, const Diag& diag, int run_index, bool warmup);

// Runs `command` through /bin/sh -c with its stdout sent to stderr; throws Error if it fails.
void run_prepare(const std::string& command, Session& session);

}  // namespace perfprobe::app
