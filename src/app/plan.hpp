// Turning the options of run (and check, which runs the target the same way) into a MeasurePlan,
// and the warm-up + measured runs loop that produces a RunReport.
#pragma once

#include "measure.hpp"
#include "perfprobe/cli/options.hpp"
#include "perfprobe/report/run_report.hpp"

namespace perfprobe::app {

// Encodes events (unknown name: UsageError) and adds every source the options ask for.
[[nodiscard]] MeasurePlan build_plan(const cli::RunOptions& options, const counters::PfmLibrary& pfm);

// Runs `warmup` + `runs` times (stopping at an interruption) and returns the report of the
// measured runs. Throws LaunchError when the target cannot start.
[[nodiscard]] report::RunReport measure_runs(const MeasurePlan& plan, const cli::RunOptions& options, Session& session,
                                             const Diag& diag);

// perfprobe's exit code for a set of runs: the first non-zero status of a target, else 0.
[[nodiscard]] int exit_code_of(const report::RunReport& report);

}  // namespace perfprobe::app
