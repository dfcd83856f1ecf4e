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
      "Usage: perfprobe attach -p PID [--duration TIME] [--json FILE] [-o FILE] [--serve [ADDR:]PORT]\n"
      "Until the duration ends, the target exits, or Ctrl-C. The target is never stopped or traced.");
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
}

void finalize_attach(const CLI::App& sub, const Options& options, AttachOptions& o) {
  if (options.has_separator || !options.target.empty()) {
    throw UsageError("`perfprobe attach` takes no command", "usage: perfprobe attach -p PID [--duration TIME]");
  }
  if (!o.duration_text.empty()) {
    o.duration_ns = parse_duration_ns(o.duration_text, "--duration", "s");
    if (o.duration_ns <= 0)
      throw UsageError("--duration " + o.duration_text + " must be positive", "e.g. --duration 10s");
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
