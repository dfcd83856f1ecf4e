// `perfprobe check`: budgets, baseline and outputs; the target's options are run's (markers, cold).
#include "perfprobe/error.hpp"
#include "subcommands.hpp"

namespace perfprobe::cli {

namespace {

void define_budgets(CLI::App* sub, CheckOptions& o) {
  sub->add_option("--binary", o.binaries, "An ELF file whose size budgets are checked (repeatable)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  sub->add_option("--max-size", o.max_size, "Budget: file size of each --binary (e.g. 40MiB)")->type_name("SIZE");
  sub->add_option("--max-stripped-size", o.max_stripped_size, "Budget: size after strip of each --binary (e.g. 15MiB)")
      ->type_name("SIZE");
  sub->add_option("--max-startup", o.max_startup, "Budget: p95 over the runs of exec -> ready (needs --ready)")
      ->type_name("TIME");
  sub->add_option("--max-wall", o.max_wall, "Budget: p95 over the runs of exec -> exit")->type_name("TIME");
  sub->add_option("--max-peak-rss", o.max_peak_rss, "Budget: the largest peak RSS of any run")->type_name("SIZE");
  sub->add_option("--max-token-p95", o.max_token_p95, "Budget: p95 of the inter-token latency (needs --tokens)")
      ->type_name("TIME");
  sub->add_option("--min-tokens-per-s", o.min_tokens_per_s,
                  "Budget: the median run's decode rate in tokens/s (needs --tokens)")
      ->type_name("RATE");
  sub->add_option("--max-phase", o.max_phase, "Budget: p95 duration of phase NAME (needs --phase); repeatable")
      ->type_name("NAME=TIME")
      ->allow_extra_args(false);
}

}  // namespace

void define_check(CLI::App& app, Options& options) {
  auto& o = options.check;
  CLI::App* sub =
      app.add_subcommand("check", "CI gate: size, startup, memory and token budgets, and a statistical baseline")
          ->allow_extras();
  sub->footer(
      "Usage: perfprobe check [OPTIONS] [--binary FILE]... [-- CMD [ARGS...]]\n"
      "Exit status: 0 all budgets pass, 1 a budget failed or a regression was found, 2 usage or config error,\n"
      "3 the target could not run or failed.");
  sub->add_option("command", o.run.command, "The command to run and its arguments (after --)")->expected(0, -1);
  sub->add_option("--config", o.config_path,
                  "JSON config with binary, command, runs, warmup, ready, tokens, cold, budgets")
      ->type_name("FILE");
  define_budgets(sub, o);
  sub->add_option("-r,--runs", o.run.runs, "Measured runs (default " + std::to_string(kDefaultCheckRuns) + ")")
      ->transform(decimal_integer())
      ->check(CLI::Range(1, 100000));
  sub->add_option("-w,--warmup", o.run.warmup,
                  "Warm-up runs before the measured ones (default " + std::to_string(kDefaultCheckWarmup) + ")")
      ->transform(decimal_integer())
      ->check(CLI::Range(0, 100000));
  sub->add_option("--baseline", o.baseline_path,
                  "Compare with the JSON of an earlier check or run (Mann-Whitney U test)")
      ->type_name("FILE");
  sub->add_option("--confidence", o.confidence_text, "Confidence of the baseline test (default 0.99, or 99%)")
      ->type_name("LEVEL");
  sub->add_option("--tolerance", o.tolerance_text,
                  "Smallest relative change against the baseline that fails (default 5%; each metric also has "
                  "an absolute floor)")
      ->type_name("PCT");
  sub->add_flag("--fail-on-inconclusive", o.fail_on_inconclusive,
                "Fail when a metric got worse beyond the tolerance but the runs cannot confirm it");
  sub->add_option("--confirm", o.confirm,
                  "When the baseline test finds a regression, measure N more rounds of --runs runs and fail only "
                  "for a metric that regressed in every round: a busy moment of the machine rarely lasts that "
                  "long (default 1; 0 fails on the first round)")
      ->transform(decimal_integer())
      ->check(CLI::Range(0, 5))
      ->type_name("N");
  sub->add_option("--json", o.json_path,
                  "Write the verdict as JSON to FILE (usable as a later --baseline; with no budget and no "
                  "--baseline, check only records it)")
      ->type_name("FILE");
  sub->add_option("--junit", o.junit_path, "Write JUnit XML to FILE: one testcase per budget")->type_name("FILE");
  sub->add_option("--markdown", o.markdown_path, "Write a Markdown summary to FILE (CI job summary, PR comment)")
      ->type_name("FILE");
  sub->add_option("--html", o.html_path,
                  "Write a self-contained HTML report to FILE: budgets, baseline, timeline, distributions")
      ->type_name("FILE");
  define_export_options(*sub, o.run);
  sub->add_option("--prepare", o.run.prepare, "Shell command run before every run")->type_name("CMD");
  sub->add_flag("--no-progress", o.run.no_progress, "Draw no live progress line on the terminal during the runs");
  define_run_markers(*sub, o.run);
}

void finalize_check(const CLI::App& sub, const Options& options, CheckOptions& check) {
  reject_serve(check.run, "check");
  check.run.command = target_command(sub, options, check.run.command);
  check.runs_given = sub.get_option("--runs")->count() > 0;
  check.warmup_given = sub.get_option("--warmup")->count() > 0;
  if (!check.runs_given) check.run.runs = kDefaultCheckRuns;
  if (!check.warmup_given) check.run.warmup = kDefaultCheckWarmup;
  // check measures time and memory, not counters: counting would only add noise and privilege needs.
  check.run.no_counters = true;
  check.run.quiet = true;
  finalize_run_markers(check.run);
}

}  // namespace perfprobe::cli
