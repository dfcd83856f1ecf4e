// Checks on output paths made before any process starts, the views every run-shaped command writes,
// and small facts about this machine that the record data file keeps.
#pragma once

#include <string>

#include "perfprobe/app/diag.hpp"
#include "perfprobe/cli/options.hpp"
#include "perfprobe/report/html.hpp"
#include "perfprobe/report/run_report.hpp"
#include "perfprobe/sampling/data_file.hpp"

namespace perfprobe::app {

// Throws UsageError when `path`'s directory does not exist or is not writable. Empty path: no-op.
void check_output_writable(const std::string& path, const char* option);

// The output files of a run-shaped command (--json, --jsonl, --trace), checked before the target starts.
void check_run_outputs(const cli::RunOptions& o);

// The views of a run: --json, --trace and --html files (atomically), then the human summary on
// stderr. `kind` names the command in the HTML page.
void write_run_views(const cli::RunOptions& o, const report::RunReport& rep, const Diag& diag,
                     const char* kind = "run");

// The HTML page of a recording (record --html, attach -o --html, report --html): symbolized with
// the files on this machine, like `report`.
void write_profile_html(const std::string& path, const sampling::RecordData& data, const char* kind);
// The HTML header of a recording: the machine and date of the recording.
[[nodiscard]] report::HtmlMeta recording_meta(const sampling::RecordData& data, const char* kind);

// The header of an HTML report: this machine (host, kernel, CPU), now, the tool and the command.
[[nodiscard]] report::HtmlMeta html_meta(const std::string& kind, const std::vector<std::string>& command);

// Hostname and kernel release (for the data file's header), empty when unreadable.
[[nodiscard]] std::string host_name();
[[nodiscard]] std::string kernel_release();

}  // namespace perfprobe::app
