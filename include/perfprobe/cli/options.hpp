// The plain plan the CLI produces: one struct per subcommand. Nothing outside cli/ sees CLI11.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace perfprobe::cli {

enum class Command { none, run, events, record, report, attach, size, check, probes, completions, compare };

enum class ColorMode { automatic, always, never };

// How many times a command measures the target when not told (-r/--runs, -w/--warmup): `run` and
// `record` once; `check` enough runs for its statistics (a config file or the flags override it).
inline constexpr int kDefaultRuns = 1;
inline constexpr int kDefaultCheckRuns = 10;
inline constexpr int kDefaultCheckWarmup = 1;

// `perfprobe run [options] -- CMD [ARGS...]`
struct RunOptions {
  std::vector<std::string> command;
  // `run -- A ::: B [::: C...]`: every command, measured interleaved and compared (the first is also
  // `command`); empty for one command.
  std::vector<std::vector<std::string>> interleaved;
  std::vector<std::string> events;  // names after splitting commas; empty = default set
  bool no_counters = false;         // --no-counters: wall/rusage/RSS only
  int runs = kDefaultRuns;
  int warmup = 0;
  std::string prepare;  // shell command run before every run
  std::string interval_text = "100ms";
  std::int64_t interval_ns = 100'000'000;  // RSS sampling interval; 0 disables the timeline
  std::string json_path;                   // --json FILE
  std::string jsonl_path;                  // --jsonl FILE
  std::string html_path;                   // --html FILE: the self-contained HTML report
  bool quiet = false;                      // no human summary
  bool no_progress = false;                // --no-progress: no live status line (--quiet implies it)
  // Markers, phases and tokens. Specs are checked when the plan is built.
  std::vector<std::string> usdt;        // --usdt PROVIDER:NAME or PROVIDER:* (repeatable)
  std::vector<std::string> probes;      // --probe uprobe:[FILE:]FUNCTION or uretprobe:... (repeatable)
  std::string ready;                    // --ready SPEC
  std::vector<std::string> phases;      // --phase NAME=BEGIN..END (repeatable)
  std::string tokens;                   // --tokens SPEC
  std::string tokens_after;             // --tokens-after SPEC
  std::string request;                  // --request SPEC: where each request starts (TTFT per request)
  bool unbuffer = false;                // --unbuffer: the target's C stdio unbuffered (stdbuf -o0)
  bool pty = false;                     // --pty: the target's stdout on a pseudo-terminal
  bool cold = false;                    // --cold: evict binary, libraries, --cold-file from the page cache
  std::vector<std::string> cold_files;  // --cold-file PATH (repeatable)
  std::string rss_warn_text;            // --rss-warn SIZE
  std::uint64_t rss_warn_bytes = 0;     // 0 = no warning
  // Servers: end the target once a marker fired or time passed; run a client against it once ready.
  std::string stop_after;          // --stop-after SPEC|ready|tokens:N|DURATION
  std::int64_t stop_after_ns = 0;  // the DURATION form
  std::string timeout_text;        // --timeout DURATION
  std::int64_t timeout_ns = 0;     // 0 = none
  std::string drive;               // --drive CMD (/bin/sh -c)
  std::string until;               // attach --until SPEC|ready|tokens:N: end the window, never the target
  std::string trace_path;          // --trace FILE: Chrome trace-event JSON of the timeline
  std::string openmetrics_path;    // --openmetrics FILE: the figures as OpenMetrics text
  std::string textfile_dir;        // --textfile DIR: DIR/perfprobe.prom for node_exporter
  std::string bmf_path;            // --bmf FILE: Bencher Metric Format JSON
  std::string serve;               // --serve ADDR:PORT (attach only): /metrics for Prometheus
  std::string serve_host;          // parsed from `serve`: 127.0.0.1 unless an address is given
  int serve_port = -1;             // 0: the kernel picks one; -1: no --serve
  std::string fake_counters_path;  // hidden --fake-counters FILE: scripted readings (tests, docs/testing.md)
};

// Sampling of `record` and `attach -o`.
struct SamplingOptions {
  std::uint64_t frequency_hz = 999;  // -F HZ (used when period is 0)
  std::uint64_t period = 0;          // -c PERIOD
  std::string call_graph = "auto";   // --call-graph auto|fp|dwarf
  std::uint32_t stack_bytes = 0;     // --stack-size BYTES; 0 = the call graph's default
  std::uint32_t mmap_pages = 64;     // --mmap-pages N (data pages per CPU ring, a power of two)
  std::string off_cpu = "auto";      // --off-cpu auto|switches|none
};

// `perfprobe record [-o FILE] [options] -- CMD [ARGS...]`: run's options, plus sampling.
struct RecordOptions {
  RunOptions run;
  SamplingOptions sampling;
  std::string output = "perfprobe.data";
};

// `perfprobe report [FILE] [--json] [--folded FILE] [--trace FILE] [--pprof FILE]`
struct ReportOptions {
  std::string path = "perfprobe.data";
  bool json = false;
  std::string folded_path;
  std::string trace_path;
  std::string pprof_path;    // --pprof FILE: gzipped profile.proto
  std::string html_path;     // --html FILE
  bool no_progress = false;  // --no-progress: no "symbolizing N/M" line on the terminal
  bool no_cache = false;     // --no-cache: neither read nor write the symbol cache (docs/symbol-cache.md)
  int top = 20;
  std::string diff_path;      // --diff OLD: the differential profile of FILE against OLD
  bool inline_apart = false;  // --inline: inlined functions listed on their own, not inside their caller
  std::string annotate;       // --annotate FUNC: FUNC's source lines with their samples, instead of the report
  int slow_tokens = 5;        // --slow-tokens N: slowest tokens explained (every stall too)
};

// `perfprobe attach -p PID [--duration TIME] [--json FILE] [-o FILE]`
struct AttachOptions {
  int pid = 0;
  std::string duration_text;
  std::int64_t duration_ns = 0;  // 0: until Ctrl-C or the target exits
  RunOptions run;                // events, interval, --json, --jsonl, --usdt, --quiet
  SamplingOptions sampling;
  std::string output;  // -o FILE: samples for `report`; empty = no sampling
  std::string follow;  // --follow NAME: when the target exits, attach to the next process named NAME
};

// `perfprobe events [--json]`
struct EventsOptions {
  bool json = false;
};

// `perfprobe size FILE... [--diff OLD] [--json|--csv]`
struct SizeOptions {
  std::vector<std::string> files;
  std::string diff_path;  // --diff OLD: a binary or the JSON of an earlier `size --json`
  bool json = false;      // --json: JSON on stdout
  bool csv = false;       // --csv: CSV on stdout
  int top = 20;           // --top N largest symbols (0 = all)
  bool no_libs = false;   // --no-libs: skip the shared-library closure
};

// `perfprobe check [BUDGETS] [--config FILE] [--baseline FILE] [-- CMD [ARGS...]]`. Budget values stay
// text until the config file is merged in (app/), so an error names the flag or key it came from.
struct CheckOptions {
  RunOptions run;           // the target and its markers: run the same way as `run`
  bool runs_given = false;  // -r/--runs, -w/--warmup given on the command line (they beat the config)
  bool warmup_given = false;
  std::string config_path;             // --config FILE
  std::vector<std::string> binaries;   // --binary FILE (repeatable)
  std::string max_size;                // --max-size SIZE (each --binary)
  std::string max_stripped_size;       // --max-stripped-size SIZE (each --binary)
  std::string max_startup;             // --max-startup TIME (p95)
  std::string max_wall;                // --max-wall TIME (p95)
  std::string max_peak_rss;            // --max-peak-rss SIZE
  std::string max_token_p95;           // --max-token-p95 TIME
  std::string min_tokens_per_s;        // --min-tokens-per-s RATE
  std::vector<std::string> max_phase;  // --max-phase NAME=TIME (repeatable)
  std::string baseline_path;           // --baseline FILE
  std::string confidence_text;         // --confidence 0.99 (or 99%)
  std::string tolerance_text;          // --tolerance 5%
  bool fail_on_inconclusive = false;   // --fail-on-inconclusive
  int confirm = -1;                    // --confirm N: rounds that must repeat a regression (-1: unset)
  std::string json_path;               // --json FILE
  std::string junit_path;              // --junit FILE
  std::string markdown_path;           // --markdown FILE
  std::string html_path;               // --html FILE
};

// `perfprobe compare A.json B.json [C.json...]`: B (C, ...) against A, metric by metric.
struct CompareOptions {
  std::vector<std::string> files;  // run --json or check --json documents; the first is the reference
  std::string json_path;           // --json FILE
  std::string markdown_path;       // --markdown FILE
  std::string bmf_path;            // --bmf FILE: each file as one Bencher benchmark
  std::string confidence_text;     // --confidence 0.99 (or 99%)
  std::string tolerance_text;      // --tolerance 5%
};

// `perfprobe probes FILE [--json]`, `perfprobe probes -p PID [--json]`, or
// `perfprobe probes --functions FILE [PATTERN] [--json]`
struct ProbesOptions {
  std::string file;
  bool functions = false;  // --functions: the file's functions instead of its SDT probes
  std::string pattern;     // with --functions: a substring or a glob; empty = all
  int pid = 0;
  bool json = false;
};

// `perfprobe completions SHELL`: the script is generated from the CLI definition by cli/.
struct CompletionsOptions {
  std::string shell;   // bash, zsh or fish
  std::string script;  // what to print
};

struct Options {
  Command command = Command::none;
  ColorMode color = ColorMode::automatic;
  bool has_separator = false;       // argv had "--"
  std::vector<std::string> target;  // the words after "--"
  RunOptions run;
  EventsOptions events;
  ProbesOptions probes;
  SizeOptions size;
  CheckOptions check;
  CompareOptions compare;
  RecordOptions record;
  ReportOptions report;
  AttachOptions attach;
  CompletionsOptions completions;
};

}  // namespace perfprobe::cli
