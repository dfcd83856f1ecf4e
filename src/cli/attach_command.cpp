// `perfprobe attach -p PID`: the measurement options of run that make sense on a running process,
// plus a duration, plus sampling with -o.
#include "perfprobe/cli/units.hpp"
#include "perfprobe/error.hpp"
#include "subcommands.hpp"

namespace perfprobe::cli {

void define_attach(CLI::App& app, Options& options) {
  auto& o = options.attach;
  CLI::App* sub =
      app.add_subcommand("attach", "Measure a running process without stopping it: counters, RSS, USDT, samples");
  sub->footer(
      "Usage: perfprobe attach -p PID [--duration TIME] [--until SPEC] [--drive CMD] [--json FILE] [-o FILE]\n"
      "                        [--serve [ADDR:]PORT] [--follow NAME]\n"
      "Until the duration ends, --until fires, the --drive client ends, the target exits (with --follow:\n"
      "until Ctrl-C or the duration; each process named NAME is attached to in turn), or Ctrl-C.\n"
      "The target is never stopped or traced.");
  sub->add_option("-p,--pid", o.pid, "The process to attach to (its threads and the children it starts)")
      ->transform(decimal_integer())
      ->required()
      ->check(CLI::Range(1, 1 << 30))
      ->type_name("PID");
  sub->add_option("-d,--duration", o.duration_text, "How long to stay attached (e.g. 10s; default: until Ctrl-C)")
      ->type_name("TIME");
  sub->add_option("-o,--output", o.output, "Also sample, and write the data file for `perfprobe report` to FILE")
      ->type_name("FILE");
  define_sampling(*sub, o.sampling);
  define_measure_basics(*sub, o.run);
  define_marker_options(*sub, o.run, Launch::attached);
  sub->get_option("--serve")->group(sub->option_defaults()->get_group());  // hidden on run, record, check
  sub->add_option("--until", o.run.until,
                  "End the attach (never the target) once SPEC fired: a probe spec (its Nth hit with /N, e.g. "
                  "usdt:burn:token/100), ready, or tokens:N; with --duration, whichever comes first")
      ->type_name("SPEC");
  sub->add_option("--follow", o.follow,
                  "When the target exits, wait for a process named NAME (its comm, as ps shows it; /proc is scanned "
                  "every 250 ms) and attach to it with the same options, until Ctrl-C or --duration; one run per "
                  "target in the report, counters of --serve carried across targets")
      ->type_name("NAME");
  sub->add_option("--drive", o.run.drive,
                  "Once attached (and ready, with --ready), run CMD with /bin/sh -c as a client of the target, time "
                  "it as the phase drive, and end the attach when it ends; a failing CMD fails the attach")
      ->type_name("CMD");
}

void finalize_attach(const CLI::App& sub, const Options& options, AttachOptions& o) {
  if (has_interleave_separator(options.target)) {
    throw UsageError(
        "`perfprobe attach` measures one running process: `:::` (commands compared interleaved) is for "
        "`perfprobe run`",
        "usage: perfprobe attach -p PID [--duration TIME]");
  }
  if (options.has_separator || !options.target.empty()) {
    throw UsageError("`perfprobe attach` takes no command", "usage: perfprobe attach -p PID [--duration TIME]");
  }
  if (!o.duration_text.empty()) {
    o.duration_ns = parse_duration_ns(o.duration_text, "--duration", "s");
    if (o.duration_ns <= 0)
      throw UsageError("--duration " + o.duration_text + " must be positive", "e.g. --duration 10s");
  }
  if (!o.run.until.empty() && o.run.until[0] >= '0' && o.run.until[0] <= '9') {
    throw UsageError("--until " + o.run.until + " is not a marker spec",
                     "for a time use --duration " + o.run.until + "; --until takes SPEC, SPEC/N, ready or tokens:N");
  }
  if (!o.follow.empty() && o.follow.find('/') != std::string::npos) {
    throw UsageError("--follow " + o.follow + " is a path: it takes a process name",
                     "give the name ps and pgrep show, e.g. --follow llama-server");
  }
  if (!o.follow.empty() && !o.output.empty()) {
    throw UsageError("--follow attaches to one process after another, and -o FILE holds the samples of one process",
                     "drop -o, or record each process with its own `perfprobe attach -p PID -o FILE`");
  }
  finalize_sampling(sub, o.sampling);
  finalize_measure_basics(o.run);
  finalize_run_markers(o.run);
  if (!o.run.serve.empty()) {
    const auto address = parse_listen_address(o.run.serve, "--serve");
    o.run.serve_host = address.host;
    o.run.serve_port = address.port;
  }
}

}  // namespace perfprobe::cli
