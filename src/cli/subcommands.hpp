// One define_/finalize_ pair per subcommand; each lives in <name>_command.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include "perfprobe/cli/options.hpp"

namespace perfprobe::cli {

void define_run(CLI::App& app, Options& options);
void finalize_run(const CLI::App& sub, const Options& options, RunOptions& run);

void define_events(CLI::App& app, Options& options);

void define_probes(CLI::App& app, Options& options);
void finalize_probes(ProbesOptions& probes);

// The marker options of run (--usdt, --ready, --phase, --tokens, ...), in run_markers_options.cpp.
// Markers, phases and tokens: the options every measuring command has (a launched target's help also
// names the specs on its output).
enum class Launch { launched, attached };
void define_marker_options(CLI::App& sub, RunOptions& run, Launch launch);
// Those plus the options only a launched target has (--stop-after, --drive, --pty, --cold...).
void define_run_markers(CLI::App& sub, RunOptions& run);
void finalize_run_markers(RunOptions& run);

void define_size(CLI::App& app, Options& options);
void finalize_size(const Options& options);

void define_check(CLI::App& app, Options& options);
void define_compare(CLI::App& app, Options& options);
void finalize_compare(const Options& options);
void finalize_check(const CLI::App& sub, const Options& options, CheckOptions& check);

// `A ::: B ::: C` -> {A, B, C}: the commands `run` compares interleaved, or the one command when no
// word is `:::`. An empty command before, between or after the separators is a UsageError.
[[nodiscard]] std::vector<std::vector<std::string>> split_interleaved(const std::vector<std::string>& words);
[[nodiscard]] bool has_interleave_separator(const std::vector<std::string>& words);

// record, report, attach. Sampling and the basic measurement options are shared by
// record and attach; they live in record_command.cpp.
void define_record(CLI::App& app, Options& options);
void finalize_record(const CLI::App& sub, const Options& options, RecordOptions& record);
void define_report(CLI::App& app, Options& options);
void finalize_report(const Options& options);
void define_attach(CLI::App& app, Options& options);
void finalize_attach(const CLI::App& sub, const Options& options, AttachOptions& attach);
void define_sampling(CLI::App& sub, SamplingOptions& sampling);
void finalize_sampling(const CLI::App& sub, SamplingOptions& sampling);
void define_measure_basics(CLI::App& sub, RunOptions& run);  // -e --no-counters -i --json --jsonl --trace -q
void define_export_options(CLI::App& sub, RunOptions& run);  // --openmetrics --textfile --bmf
void finalize_measure_basics(RunOptions& run);
// --serve is defined with the exports, shown by attach only; the others refuse it by name.
void reject_serve(const RunOptions& run, const std::string& command);

// `perfprobe completions SHELL`: the script is made from `app` (every subcommand and option).
void define_completions(CLI::App& app, Options& options);
void finalize_completions(const CLI::App& app, Options& options);

// Integer options are plain decimal: CLI11 alone reads 0x10 as 16 (a pid!) and may read 010 as 8.
// Leading zeros are dropped; a sign, hex, octal or binary prefix is a usage error.
[[nodiscard]] CLI::Validator decimal_integer();

// "a,b" "c" -> a, b, c; an empty element is a UsageError naming the option.
[[nodiscard]] std::vector<std::string> split_comma_list(const std::vector<std::string>& specs,
                                                        const std::string& option);

// The target command: the words after "--", or (without "--") the first positional word and
// everything CLI11 left after it.
[[nodiscard]] std::vector<std::string> target_command(const CLI::App& sub, const Options& options,
                                                      std::vector<std::string> positional);

}  // namespace perfprobe::cli
