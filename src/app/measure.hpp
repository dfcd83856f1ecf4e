// The plan of a measurement, built once from the CLI (plan.hpp) and consumed by the run loop
// (run_loop.hpp), and the state that outlives one run. measure_once is one launched run.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "jsonl_stream.hpp"
#include "live.hpp"
#include "perfprobe/app/diag.hpp"
#include "perfprobe/counters/pfm.hpp"
#include "perfprobe/counters/scripted.hpp"
#include "perfprobe/markers/analysis.hpp"
#include "perfprobe/model.hpp"
#include "perfprobe/sys/signals.hpp"
#include "scrape_exchange.hpp"
#include "source.hpp"

namespace perfprobe::app {

// How the target comes to be measured: launched by perfprobe, or already running.
enum class TargetKind { launch, attach };

struct MeasurePlan {
  TargetKind target = TargetKind::launch;
  std::vector<std::string> command;         // attach: the running program's command line
  int runs = 1;                             // measured runs (attach: one window)
  int warmup = 0;                           // runs measured the same way and thrown away
  std::vector<counters::EventSpec> events;  // encoded once, opened afresh for every run
  std::int64_t interval_ns = 0;             // RSS sampling; 0 = only the final rusage
  std::string prepare;                      // shell command before the run
  std::vector<SourceFactory> sources;       // made afresh for every run, in this order
  // Markers: how the timeline is analysed, what to evict before each run (--cold), the RSS that
  // triggers a warning (0 = none).
  markers::AnalysisPlan analysis;
  std::vector<std::string> cold_files;
  std::uint64_t rss_warn_bytes = 0;
  std::vector<std::string> warnings;                     // found while planning (e.g. --unbuffer cannot apply)
  std::vector<counters::ScriptedCounter> fake_counters;  // non-empty: the scripted fake, not perf events
};

// State that outlives one run: signals and the interrupt flag, the JSONL stream.
struct Session {
  sys::SignalFd signals;
  const JsonlStream* jsonl = nullptr;
  bool interrupted = false;
  int interrupt_count = 0;
  std::vector<std::string> unavailable;  // "source: why", collected over the runs (deduplicated)
  bool progress = false;                 // the live status line is wanted (progress_wanted)
  std::unique_ptr<LiveStatus> live;      // made by measure_runs when `progress`
  ScrapeExchange* scrape = nullptr;      // attach --serve: answer scrapes with the figures so far
};

// Launches the target once and measures it. Throws LaunchError when it cannot start, Error when
// --prepare fails.
RunResult measure_once(const MeasurePlan& plan, Session& session, const Diag& diag, int run_index, bool warmup);

// Runs `command` through /bin/sh -c with its stdout sent to stderr; throws Error if it fails.
void run_prepare(const std::string& command, Session& session);

}  // namespace perfprobe::app
