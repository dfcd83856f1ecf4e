// `perfprobe report [FILE]`: options of the profile views.
#include "perfprobe/error.hpp"
#include "subcommands.hpp"

namespace perfprobe::cli {

void define_report(CLI::App& app, Options& options) {
  auto& o = options.report;
  CLI::App* sub = app.add_subcommand("report", "Show where the time went in a `perfprobe record` data file");
  sub->footer(
      "Usage: perfprobe report [FILE] [--json] [--folded FILE] [--trace FILE] [--pprof FILE] [--html FILE]\n"
      "       perfprobe report --diff OLD.data NEW.data [--json] [--folded FILE] [--html FILE]\n"
      "       perfprobe report [FILE] --annotate FUNC [--json] [--inline]\n"
      "The report goes to stdout: top functions (self, total), per phase, per thread, hints.");
  sub->add_option("file", o.path, "Data file written by record or attach -o (default perfprobe.data)")
      ->type_name("FILE");
  sub->add_flag("--json", o.json, "Print the report as JSON on stdout");
  sub->add_option("--folded", o.folded_path, "Write folded stacks to FILE (flamegraph.pl, inferno, speedscope)")
      ->type_name("FILE");
  sub->add_option("--trace", o.trace_path,
                  "Write a Chrome trace-event JSON to FILE (ui.perfetto.dev): phases, markers, RSS, counters, samples")
      ->type_name("FILE");
  sub->add_option("--pprof", o.pprof_path,
                  "Write the samples as a gzipped pprof profile to FILE (go tool pprof, Pyroscope, speedscope)")
      ->type_name("FILE");
  sub->add_option("--html", o.html_path,
                  "Write a self-contained HTML report to FILE: flame graph, top functions, hot lines, timeline")
      ->type_name("FILE");
  sub->add_option("--diff", o.diff_path,
                  "Differential profile of FILE against OLD: shares gained and lost per function and phase; "
                  "--folded writes two-column stacks, --html differential flame graphs")
      ->type_name("OLD");
  sub->add_flag("--inline", o.inline_apart,
                "List inlined functions on their own (default: their samples count in the function they were "
                "inlined into, on the line of the call)");
  sub->add_option("--annotate", o.annotate,
                  "Print FUNC's source lines with their samples (self and total, counts and shares) instead of "
                  "the report")
      ->type_name("FUNC");
  sub->add_option("--slow-tokens", o.slow_tokens,
                  "Slowest tokens explained with what the target did during each (default 5; every stall too)")
      ->transform(decimal_integer())
      ->check(CLI::Range(0, 100000))
      ->type_name("N");
  sub->add_flag("--no-progress", o.no_progress, "Draw no \"symbolizing N/M\" line on the terminal");
  sub->add_flag("--no-cache", o.no_cache,
                "Neither read nor write the symbol cache ($XDG_CACHE_HOME/perfprobe/symbols; PERFPROBE_CACHE=0 "
                "does the same)");
  sub->add_option("--top", o.top, "Functions listed per section (default 20)")
      ->transform(decimal_integer())
      ->check(CLI::Range(1, 100000))
      ->type_name("N");
}

void finalize_report(const Options& options) {
  if (options.has_separator)
    throw UsageError("`perfprobe report` takes no command after `--`", "usage: perfprobe report [FILE]");
  const auto& r = options.report;
  if (!r.diff_path.empty() && (!r.trace_path.empty() || !r.pprof_path.empty()))
    throw UsageError("--trace and --pprof show one recording, --diff compares two", "drop one of them");
  if (!r.annotate.empty() && (!r.diff_path.empty() || !r.folded_path.empty() || !r.trace_path.empty() ||
                              !r.pprof_path.empty() || !r.html_path.empty()))
    throw UsageError("--annotate prints one function's lines, not the other views",
                     "run report once with --annotate and once with the views");
}

}  // namespace perfprobe::cli
