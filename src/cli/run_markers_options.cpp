// The options for markers, phases and tokens: those of every measuring command (run, check, record,
// attach) once, then those that only apply to a target perfprobe launches. The specs themselves are
// parsed when the plan is built (app/), before any process starts; here only units are checked.
#include "perfprobe/cli/units.hpp"
#include "perfprobe/error.hpp"
#include "subcommands.hpp"

namespace perfprobe::cli {

void define_marker_options(CLI::App& sub, RunOptions& o, Launch launch) {
  const bool launched = launch == Launch::launched;
  sub.add_option("--usdt", o.usdt,
                 "Attach to the SDT probe PROVIDER:NAME (or PROVIDER:*) of the target and its libraries "
                 "through uprobes (needs root); repeatable")
      ->type_name("PROVIDER:NAME")
      ->allow_extra_args(false);
  sub.add_option("--probe", o.probes,
                 "Count the calls (uprobe:[FILE:]FUNCTION) or returns (uretprobe:...) of a function and stream "
                 "each with its integer arguments to the event stream (needs root); repeatable")
      ->type_name("SPEC")
      ->allow_extra_args(false);
  sub.add_option("--ready", o.ready,
                 launched ? "When the target is ready (startup_ms): usdt:P:N, uprobe:[FILE:]FUNCTION, uretprobe:..., "
                            "mark:NAME, output:REGEX, first-output, listen[:PORT], tcp:PORT, http:PORT[/PATH] or "
                            "file:PATH (default: the marker API's PERFPROBE_READY)"
                          : "When the target is ready: usdt:P:N, uprobe:[FILE:]FUNCTION, uretprobe:..., listen[:PORT], "
                            "tcp:PORT, http:PORT[/PATH] or file:PATH (a running program's output and marker-API "
                            "marks are not seen)")
      ->type_name("SPEC");
  sub.add_option("--phase", o.phases,
                 "A named phase between two markers, e.g. load=mark:a..usdt:llm:loaded; repeatable")
      ->type_name("NAME=BEGIN..END")
      ->allow_extra_args(false);
  sub.add_option("--tokens", o.tokens,
                 launched
                     ? "What one token is: a marker spec (a /N suffix counts every Nth hit, e.g. "
                       "uretprobe:libllama.so:llama_decode), or output for each chunk the target writes to "
                       "stdout (default: the marker API's PERFPROBE_TOKEN)"
                     : "What one token is: a probe spec, e.g. usdt:llm:token or uretprobe:libllama.so:llama_decode "
                       "(a /N suffix counts every Nth hit)")
      ->type_name("SPEC");
  sub.add_option("--tokens-after", o.tokens_after,
                 "Count tokens only after the first event matching SPEC (where generation starts); tokens "
                 "before it are the prompt's echo, reported apart, and TTFT is the first token after it")
      ->type_name("SPEC");
  sub.add_option("--request", o.request,
                 "Where each request starts, as a marker spec (e.g. uprobe:handle_request or usdt:srv:request): "
                 "the time from each to the first token after it and before the next request (TTFT per request)")
      ->type_name("SPEC");
  sub.add_option("--rss-warn", o.rss_warn_text,
                 "Warn on stderr and in the event stream when RSS crosses SIZE (e.g. 2GiB)")
      ->type_name("SIZE");
}

void define_run_markers(CLI::App& sub, RunOptions& o) {
  define_marker_options(sub, o, Launch::launched);
  sub.add_option("--stop-after", o.stop_after,
                 "End the target (SIGTERM, SIGKILL after 3 s) once SPEC fired (a marker spec, ready, tokens:N) or "
                 "after a DURATION (e.g. 5s); the run still counts as passed")
      ->type_name("SPEC|DURATION");
  sub.add_option("--timeout", o.timeout_text,
                 "End the target (SIGTERM, SIGKILL after 3 s) if it still runs after DURATION; the run fails "
                 "with exit status 124")
      ->type_name("DURATION");
  sub.add_option("--drive", o.drive,
                 "Once the target is ready (--ready), run CMD with /bin/sh -c as its client, time it as the phase "
                 "drive, then end the target; a failing CMD fails the run")
      ->type_name("CMD");
  sub.add_flag("--unbuffer", o.unbuffer, "Make the target's C stdio unbuffered, as stdbuf -o0 does");
  sub.add_flag("--pty", o.pty, "Run the target with its stdout on a pseudo-terminal (terminal line buffering)");
  sub.add_flag("--cold", o.cold,
               "Evict the target binary, its libraries and --cold-file files from the page cache before each run");
  sub.add_option("--cold-file", o.cold_files,
                 "A file to evict before each run with --cold (e.g. model weights); repeatable")
      ->type_name("PATH")
      ->allow_extra_args(false);
}

void finalize_run_markers(RunOptions& o) {
  if (!o.rss_warn_text.empty()) {
    o.rss_warn_bytes = parse_size_bytes(o.rss_warn_text, "--rss-warn");
    if (o.rss_warn_bytes == 0) throw UsageError("--rss-warn must be larger than 0", "e.g. --rss-warn 2GiB");
  }
  if (!o.stop_after.empty() && o.stop_after[0] >= '0' && o.stop_after[0] <= '9') {
    o.stop_after_ns = parse_duration_ns(o.stop_after, "--stop-after", "s");
    if (o.stop_after_ns <= 0) throw UsageError("--stop-after " + o.stop_after + " must be positive", "e.g. 5s");
  }
  if (!o.timeout_text.empty()) {
    o.timeout_ns = parse_duration_ns(o.timeout_text, "--timeout", "s");
    if (o.timeout_ns <= 0) throw UsageError("--timeout " + o.timeout_text + " must be positive", "e.g. --timeout 30s");
  }
  if (!o.cold_files.empty() && !o.cold) {
    throw UsageError("--cold-file needs --cold", "add --cold to evict the files before each run");
  }
}

}  // namespace perfprobe::cli
