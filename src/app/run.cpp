// `perfprobe run`: plan, warm-up runs, measured runs, then the views (stderr summary, JSON file).
#include <iostream>

#include "output_files.hpp"
#include "perfprobe/app/app.hpp"
#include "perfprobe/error.hpp"
#include "plan.hpp"

namespace perfprobe::app {

int run_command(const cli::RunOptions& o, const Diag& diag) {
  if (!o.interleaved.empty()) return interleaved_command(o, diag);
  // Plan: every check of user input before any process starts.
  Measurement m(o, TargetKind::launch);
  const report::RunReport rep = measure_runs(m.plan, m.session, diag);
  (void)m.jsonl.finish(diag);  // the exit status is the target's; the warning says what was lost

  // Views: the JSON and trace files first (atomically), then the human summary.
  write_run_views(o, rep, diag);
  return exit_code_of(rep);
}

int run(const cli::Options& options, const Diag& diag) {
  switch (options.command) {
    case cli::Command::run:
      return run_command(options.run, diag);
    case cli::Command::events:
      return events_command(options.events, diag);
    case cli::Command::probes:
      return probes_command(options.probes, diag);
    case cli::Command::size:
      return size_command(options.size, diag);
    case cli::Command::check:
      return check_command(options.check, diag);
    case cli::Command::compare:
      return compare_command(options.compare, diag);
    case cli::Command::record:
      return record_command(options.record, diag);  // run + sampling -> data file
    case cli::Command::report:
      return report_command(options.report, diag);
    case cli::Command::attach:
      return attach_command(options.attach, diag);
    case cli::Command::completions:
      std::cout << options.completions.script;
      std::cout.flush();
      return 0;
    case cli::Command::none:
      break;
  }
  throw UsageError("no subcommand given", "try `perfprobe --help`");
}

}  // namespace perfprobe::app
