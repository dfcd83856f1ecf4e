// The pipeline of each subcommand: plan -> launch/attach -> sources -> timeline -> analysis -> views.
#pragma once

#include "perfprobe/app/diag.hpp"
#include "perfprobe/cli/options.hpp"

namespace perfprobe::app {

// Runs the chosen subcommand and returns perfprobe's exit code. Throws perfprobe::Error on failures
// that end the command; main maps them to exit codes.
int run(const cli::Options& options, const Diag& diag);

int run_command(const cli::RunOptions& options, const Diag& diag);
// `run -- A ::: B`: the commands interleaved, their reports, then the comparison (run_command calls it).
int interleaved_command(const cli::RunOptions& options, const Diag& diag);
int events_command(const cli::EventsOptions& options, const Diag& diag);
int record_command(const cli::RecordOptions& options, const Diag& diag);
int report_command(const cli::ReportOptions& options, const Diag& diag);
int attach_command(const cli::AttachOptions& options, const Diag& diag);
int size_command(const cli::SizeOptions& options, const Diag& diag);
int check_command(const cli::CheckOptions& options, const Diag& diag);
int compare_command(const cli::CompareOptions& options, const Diag& diag);
int probes_command(const cli::ProbesOptions& options, const Diag& diag);

}  // namespace perfprobe::app
