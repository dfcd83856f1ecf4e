// The options of run, record, attach and check turned once into the MeasurePlan the run loop
// consumes; the warm-up + measured runs loop that produces a RunReport; and the startup that run,
// record and attach share.
#pragma once

#include "measure.hpp"
#include "perfprobe/cli/options.hpp"
#include "perfprobe/report/run_report.hpp"

namespace perfprobe::app {

// Encodes events (unknown name: UsageError), parses every marker spec (a spec the target kind
// cannot see: UsageError) and adds every source the options ask for.
[[nodiscard]] MeasurePlan build_plan(const cli::RunOptions& options, const counters::PfmLibrary& pfm,
                                     TargetKind target = TargetKind::launch);

// Launches the target plan.warmup + plan.runs times (stopping at an interruption) and returns the
// report of the measured runs. Throws LaunchError when the target cannot start.
[[nodiscard]] report::RunReport measure_runs(const MeasurePlan& plan, Session& session, const Diag& diag);

// The runs of several plans interleaved (`run -- A ::: B`): warm-ups, then round after round each
// plan's next run in order (A B A B ...), so a drift of the machine hits every command alike. One
// report per plan; the plans share the session (signals, JSONL stream) and the run counts.
[[nodiscard]] std::vector<report::RunReport> measure_interleaved(const std::vector<MeasurePlan>& plans,
                                                                 Session& session, const Diag& diag);

// The header of a report of `plan`'s runs: tool, command, warm-up count, sampling interval.
[[nodiscard]] report::RunReport report_of(const MeasurePlan& plan);

// perfprobe's exit code for a set of runs: the first non-zero status of a target, else 0.
[[nodiscard]] int exit_code_of(const report::RunReport& report);

// What run, record and attach do before the target starts: every output checked, the plan built
// (every check of user input before any process starts), the --jsonl stream open, signals taken.
struct Measurement {
  Measurement(const cli::RunOptions& options, TargetKind target);
  counters::PfmLibrary pfm;
  MeasurePlan plan;
  JsonlStream jsonl;
  Session session;
};

}  // namespace perfprobe::app
