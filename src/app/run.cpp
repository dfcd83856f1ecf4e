// `perfprobe run`: plan, warm-up runs, measured runs, then the views (stderr summary, JSON file).
#include <unistd.h>

#include <sstream>

#include "plan.hpp"
#include "perfprobe/app/app.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/report/profile_report.hpp"
#include "perfprobe/report/run_report.hpp"
#include "perfprobe/report/views.hpp"
#include "perfprobe/sys/fd.hpp"

namespace perfprobe::app {

namespace {

// Fail before the target runs, not after, when an output file cannot be written.
void check_writable(const std::string& path, const char* option) {
  if (path.empty()) return;
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  if (::access(dir.c_str(), W_OK) != 0) {
    throw UsageError(std::string("cannot write ") + option + " file '" + path + "': directory '" + dir +
                     "' does not exist or is not writable");
  }
}

}  // namespace

int run_command(const cli::RunOptions& o, const Diag& diag) {
  // Plan: every check of user input before any process starts.
  check_writable(o.json_path, "--json");
  check_writable(o.jsonl_path, "--jsonl");
  check_writable(o.trace_path, "--trace");
  const counters::PfmLibrary pfm;
  const MeasurePlan plan = build_plan(o, pfm);
  const JsonlStream jsonl = o.jsonl_path.empty() ? JsonlStream() : JsonlStream(o.jsonl_path);
  Session session;
  session.jsonl = jsonl.enabled() ? &jsonl : nullptr;
  const report::RunReport rep = measure_runs(plan, o, session, diag);

  // Views: the JSON file first (atomically), then the human summary.
  if (!o.json_path.empty()) sys::write_file_atomic(o.json_path, report::to_json_text(rep));
  if (!o.trace_path.empty()) sys::write_file_atomic(o.trace_path, report::to_trace_json(rep.runs, rep.command));
  if (!o.quiet) {
    std::ostringstream text;
    report::write_text(text, rep, report::TextOptions{diag.color()});
    diag.stream() << text.str();
    diag.stream().flush();
  }
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
    case cli::Command::record:
      return record_command(options.record, diag);  // run + sampling -> data file (issue #5)
    case cli::Command::report:
      return report_command(options.report, diag);
    case cli::Command::attach:
      return attach_command(options.attach, diag);
    case cli::Command::none:
      break;
  }
  throw UsageError("no subcommand given", "try `perfprobe --help`");
}

}  // namespace perfprobe::app
