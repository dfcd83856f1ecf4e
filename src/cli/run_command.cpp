// `perfprobe run`: options and their checks.
#include <algorithm>
#include <utility>

#include "perfprobe/cli/units.hpp"
#include "perfprobe/error.hpp"
#include "subcommands.hpp"

namespace perfprobe::cli {

CLI::Validator decimal_integer() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
          return "'" + text + "' is not a decimal number (digits only, no sign, no 0x)";
        }
        if (text.size() > 18) return "'" + text + "' is out of range";
        const auto first = text.find_first_not_of('0');
        text = first == std::string::npos ? "0" : text.substr(first);
        return {};
      },
      "");
}

std::vector<std::string> split_comma_list(const std::vector<std::string>& specs, const std::string& option) {
  std::vector<std::string> names;
  for (const auto& spec : specs) {
    std::size_t start = 0;
    for (;;) {
      const auto comma = spec.find(',', start);
      std::string name = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (name.empty())
        throw UsageError("empty name in '" + option + " " + spec + "'", "separate names with single commas");
      names.push_back(std::move(name));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return names;
}

std::vector<std::string> target_command(const CLI::App& sub, const Options& options,
                                        std::vector<std::string> positional) {
  if (options.has_separator) {
    if (!sub.remaining().empty()) {
      throw UsageError("unknown option '" + sub.remaining().front() + "' for perfprobe " + sub.get_name(),
                       "see `perfprobe " + sub.get_name() + " --help`");
    }
    if (!positional.empty()) {
      throw UsageError("unexpected argument '" + positional.front() + "' before `--`",
                       "put the whole command after `--`");
    }
    return options.target;
  }
  // Without "--" only a bare command is accepted: CLI11 cannot tell the target's options from ours.
  if (!sub.remaining().empty()) {
    throw UsageError("the command and its arguments must follow `--`",
                     "write: perfprobe " + sub.get_name() + " [OPTIONS] -- CMD [ARGS...]");
  }
  return positional;
}

bool has_interleave_separator(const std::vector<std::string>& words) {
  return std::find(words.begin(), words.end(), ":::") != words.end();
}

std::vector<std::vector<std::string>> split_interleaved(const std::vector<std::string>& words) {
  std::vector<std::vector<std::string>> commands(1);
  for (const auto& w : words) {
    if (w != ":::") {
      commands.back().push_back(w);
      continue;
    }
    if (commands.back().empty()) {
      throw UsageError(commands.size() == 1 ? "`:::` with no command before it" : "`::: :::` with no command between",
                       "write: perfprobe run [OPTIONS] -- CMD_A [ARGS...] ::: CMD_B [ARGS...]");
    }
    commands.emplace_back();
  }
  if (commands.back().empty()) {
    throw UsageError("`:::` with no command after it",
                     "write: perfprobe run [OPTIONS] -- CMD_A [ARGS...] ::: CMD_B [ARGS...]");
  }
  return commands;
}

namespace {

// The outputs that hold one run report: with `:::` there are several, so they are refused rather than
// silently holding the first command's.
void check_interleaved_outputs(const RunOptions& o) {
  const std::pair<const std::string*, const char*> single[] = {{&o.trace_path, "--trace"},
                                                               {&o.html_path, "--html"},
                                                               {&o.openmetrics_path, "--openmetrics"},
                                                               {&o.textfile_dir, "--textfile"}};
  for (const auto& [value, name] : single) {
    if (!value->empty()) {
      throw UsageError(std::string(name) + " holds one command's report, and `:::` runs several",
                       "run each command on its own with " + std::string(name) +
                           "; with `:::`, --json, --jsonl and --bmf hold every command");
    }
  }
}

}  // namespace

// Where the figures go beyond perfprobe: Prometheus (a file, node_exporter's textfile directory)
// and Bencher (docs/exports.md).
void define_export_options(CLI::App& sub, RunOptions& o) {
  sub.add_option("--openmetrics", o.openmetrics_path, "Write the figures as OpenMetrics text to FILE (atomically)")
      ->type_name("FILE");
  sub.add_option("--textfile", o.textfile_dir,
                 "Write the figures to DIR/perfprobe.prom, atomically, for node_exporter's textfile collector")
      ->type_name("DIR");
  sub.add_option("--bmf", o.bmf_path, "Write the figures as Bencher Metric Format JSON to FILE (for bencher run)")
      ->type_name("FILE");
  // Live figures need a target that keeps running: attach shows this option, the others refuse it
  // with a message (reject_serve) rather than CLI11's "unknown option".
  sub.add_option("--serve", o.serve,
                 "Serve the live figures at http://ADDR:PORT/metrics for Prometheus while attached "
                 "(ADDR defaults to 127.0.0.1; port 0 picks a free one, printed on stderr)")
      ->type_name("[ADDR:]PORT")
      ->group("");
}

void reject_serve(const RunOptions& o, const std::string& command) {
  if (o.serve.empty()) return;
  throw UsageError("--serve is for `perfprobe attach` only, not `perfprobe " + command + "`",
                   "serve a running process's live figures with: perfprobe attach -p PID --serve " + o.serve +
                       "; a finished run's go to --openmetrics FILE or --textfile DIR");
}

// The options every run-shaped command (run, record, attach) shares, spelled the same everywhere.
void define_measure_basics(CLI::App& sub, RunOptions& o) {
  sub.add_option("-e,--event", o.events,
                 "Events to count, comma-separated or repeated (perf names or libpfm4 names; "
                 "default: cycles,instructions,cache-references,cache-misses,branches,branch-misses,"
                 "task-clock,page-faults,major-faults,minor-faults,context-switches,cpu-migrations)")
      ->allow_extra_args(false)
      ->type_name("EVENTS");
  sub.add_flag("--no-counters", o.no_counters, "Count nothing: wall time, rusage and RSS only");
  sub.add_option("-i,--interval", o.interval_text, "RSS sampling interval (e.g. 100ms; 0 disables the timeline)")
      ->default_str("100ms")
      ->type_name("TIME");
  sub.add_option("--json", o.json_path, "Write the report as JSON to FILE (the run schema; atomically)")
      ->type_name("FILE");
  sub.add_option("--jsonl", o.jsonl_path, "Stream events as JSON lines to FILE while the target runs")
      ->type_name("FILE");
  sub.add_option("--trace", o.trace_path, "Write the timeline as Chrome trace-event JSON (ui.perfetto.dev) to FILE")
      ->type_name("FILE");
  sub.add_option(
         "--html", o.html_path,
         "Write a self-contained HTML report to FILE: timeline, tokens, counters (and flame graph with samples)")
      ->type_name("FILE");
  define_export_options(sub, o);
  sub.add_flag("-q,--quiet", o.quiet, "Print no human summary on stderr (and no live status line)");
  sub.add_flag("--no-progress", o.no_progress, "Draw no live status line on the terminal while the target runs");
}

void finalize_measure_basics(RunOptions& o) {
  o.interval_ns = parse_duration_ns(o.interval_text, "--interval");
  if (o.interval_ns != 0 && o.interval_ns < 1'000'000) {
    throw UsageError("--interval " + o.interval_text + " is too short",
                     "use at least 1ms (or 0 to disable RSS sampling)");
  }
  o.events = split_comma_list(o.events, "-e");
  if (o.no_counters && !o.events.empty()) throw UsageError("--no-counters and -e/--event contradict each other");
}

void define_run(CLI::App& app, Options& options) {
  auto& o = options.run;
  CLI::App* sub = app.add_subcommand("run", "Run a command and measure it: counters, time, RSS")->allow_extras();
  sub->footer(
      "Usage: perfprobe run [OPTIONS] -- CMD [ARGS...]\n"
      "       perfprobe run -r N [OPTIONS] -- CMD_A [ARGS...] ::: CMD_B [ARGS...] [::: ...]\n"
      "The target's stdin, stdout and stderr pass through untouched; the report goes to stderr.\n"
      "With `:::` the commands run interleaved (warm-ups, then A B A B ...), every option applies to each,\n"
      "and a comparison of each command with the first follows their reports (as `perfprobe compare`).");
  sub->add_option("command", o.command, "The command to run and its arguments (after --)")->expected(0, -1);
  define_measure_basics(*sub, o);
  sub->add_option("-r,--runs", o.runs, "Number of measured runs (default " + std::to_string(kDefaultRuns) + ")")
      ->transform(decimal_integer())
      ->check(CLI::Range(1, 100000));
  sub->add_option("-w,--warmup", o.warmup, "Warm-up runs before the measured ones (not reported)")
      ->transform(decimal_integer())
      ->check(CLI::Range(0, 100000));
  // Hidden: scripted counter readings instead of perf_event_open (tests and docs on PMU-less machines).
  sub->add_option("--fake-counters", o.fake_counters_path, "Scripted counter readings (testing)")->group("");
  sub->add_option("--prepare", o.prepare, "Shell command run before every run (e.g. to clear caches)")
      ->type_name("CMD");
  define_run_markers(*sub, o);
}

void finalize_run(const CLI::App& sub, const Options& options, RunOptions& run) {
  reject_serve(run, "run");
  run.command = target_command(sub, options, run.command);
  if (run.command.empty()) {
    throw UsageError("`perfprobe run` needs a command to run", "usage: perfprobe run [OPTIONS] -- CMD [ARGS...]");
  }
  if (has_interleave_separator(run.command)) {
    run.interleaved = split_interleaved(run.command);
    run.command = run.interleaved.front();
    check_interleaved_outputs(run);
  }
  finalize_measure_basics(run);
  finalize_run_markers(run);
}

}  // namespace perfprobe::cli
