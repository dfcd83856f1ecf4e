// Checks on output paths made before any process starts, the views every run-shaped command writes,
// and small facts about this machine that the record data file keeps.
#pragma once

#include <string>

#include "perfprobe/app/diag.hpp"
#include "perfprobe/cli/options.hpp"
#include "perfprobe/report/html.hpp"
#include "perfprobe/report/openmetrics.hpp"
#include "perfprobe/report/run_report.hpp"
#include "perfprobe/sampling/data_file.hpp"

namespace perfprobe::app {

// Throws UsageError when `path` cannot be created (see sys/output_file.hpp). Empty path: no-op.
void check_output_writable(const std::string& path, const char* option);

// Writes one output file atomically. On failure (a full disk, a directory removed meanwhile) the content
// is saved in $TMPDIR and a warning says where; returns false then.
bool write_output(const std::string& path, const char* option, std::string_view content, const Diag& diag);

// The output files of a run-shaped command (--json, --jsonl, --trace, --html, --openmetrics, --textfile,
// --bmf), checked before the target starts.
void check_run_outputs(const cli::RunOptions& o);

// DIR/perfprobe.prom, the file --textfile DIR writes, with DIR checked like an output file's directory
// (a link to it owned by someone else in a shared directory is refused). Throws UsageError.
[[nodiscard]] std::string textfile_path(const std::string& dir);

// The labels of every exported point: the command line, this host. The files and --serve share them.
[[nodiscard]] report::ExportLabels export_labels(const std::vector<std::string>& command);

// --openmetrics, --textfile and --bmf of some runs (atomically), with `extra` families (check's verdict).
// Returns false when a file could not be written (the warning is on stderr).
bool write_export_views(const cli::RunOptions& o, const std::vector<RunResult>& runs,
                        const std::vector<std::string>& command, const std::vector<report::MetricFamily>& extra,
                        const Diag& diag);

// The views of a run: --json, --trace, --html and the export files (atomically), then the human summary
// on stderr. `kind` names the command in the HTML page. Returns false when a file could not be written
// (the warning is on stderr).
bool write_run_views(const cli::RunOptions& o, const report::RunReport& rep, const Diag& diag,
                     const char* kind = "run");

// The HTML page of a recording (record --html, attach -o --html, report --html): symbolized with
// the files on this machine, like `report`. Written like write_output; returns false on failure.
// `quiet`: no "symbolizing N/M" line on the terminal.
bool write_profile_html(const std::string& path, const sampling::RecordData& data, const char* kind, const Diag& diag,
                        bool quiet);
// The HTML header of a recording: the machine and date of the recording.
[[nodiscard]] report::HtmlMeta recording_meta(const sampling::RecordData& data, const char* kind);

// The header of an HTML report: this machine (host, kernel, CPU), now, the tool and the command.
[[nodiscard]] report::HtmlMeta html_meta(const std::string& kind, const std::vector<std::string>& command);

// Hostname and kernel release (for the data file's header), empty when unreadable.
[[nodiscard]] std::string host_name();
[[nodiscard]] std::string kernel_release();

}  // namespace perfprobe::app
