// Checks on output paths made before any process starts, the views every run-shaped command writes,
// and small facts about this machine that the record data file keeps.
#pragma once

#include <string>

#include "perfprobe/app/diag.hpp"
#include "perfprobe/cli/options.hpp"
#include "perfprobe/report/run_report.hpp"

namespace perfprobe::app {

// Throws UsageError when `path`'s directory does not exist or is not writable. Empty path: no-op.
void check_output_writable(const std::string& path, const char* option);

// The output files of a run-shaped command (--json, --jsonl, --trace), checked before the target starts.
void check_run_outputs(const cli::RunOptions& o);

// The views of a run: --json and --trace files (atomically), then the human summary on stderr.
void write_run_views(const cli::RunOptions& o, const report::RunReport& rep, const Diag& diag);

// Hostname and kernel release (for the data file's header), empty when unreadable.
[[nodiscard]] std::string host_name();
[[nodiscard]] std::string kernel_release();

}  // namespace perfprobe::app
