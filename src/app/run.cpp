// `perfprobe run`: plan, warm-up runs, measured runs, then the views (stderr summary, JSON file).
#include <unistd.h>

#include <sstream>

#include "measure.hpp"
#include "perfprobe/app/app.hpp"
#include "perfprobe/error.hpp"
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

std::vector<counters::EventSpec> encode_events(const cli::RunOptions& o, const counters::PfmLibrary& pfm) {
  std::vector<counters::EventSpec> specs;
  if (o.no_counters) return specs;
  const auto names = o.events.empty() ? counters::default_events() : o.events;
  for (const auto& name : names) specs.push_back(pfm.encode(name));  // unknown name: UsageError, exit 2
  return specs;
}

int overall_exit_code(const std::vector<RunResult>& runs) {
  for (const auto& r : runs) {
    if (r.exit_code != 0) return r.exit_code;
  }
  return 0;
}

}  // namespace

int run_command(const cli::RunOptions& o, const Diag& diag) {
  // Plan: every check of user input before any process starts.
  check_writable(o.json_path, "--json");
  check_writable(o.jsonl_path, "--jsonl");
  const counters::PfmLibrary pfm;
  MeasurePlan plan;
  plan.command = o.command;
  plan.events = encode_events(o, pfm);
  plan.interval_ns = o.interval_ns;
  plan.prepare = o.prepare;

  const JsonlStream jsonl = o.jsonl_path.empty() ? JsonlStream() : JsonlStream(o.jsonl_path);
  Session session;
  session.jsonl = jsonl.enabled() ? &jsonl : nullptr;

  report::RunReport rep;
  rep.tool = "perfprobe " PERFPROBE_VERSION;
  rep.command = o.command;
  rep.warmup = o.warmup;
  rep.interval_ms = static_cast<double>(o.interval_ns) / 1e6;

  // Warm-up runs are measured the same way and thrown away; then the measured runs.
  int last_exit = 0;
  for (int i = 0; i < o.warmup + o.runs && !session.interrupted; ++i) {
    const bool warmup = i < o.warmup;
    RunResult r = measure_once(plan, session, diag, i, warmup);
    last_exit = r.exit_code;
    if (!warmup && (!session.interrupted || r.wall_ns > 0)) rep.runs.push_back(std::move(r));
  }
  rep.interrupted = session.interrupted;
  rep.unavailable = session.unavailable;
  rep.warnings = report::consistency_warnings(rep.runs);
  if (rep.interrupted) rep.warnings.emplace_back("interrupted: the report covers the runs up to the interruption");

  // Views: the JSON file first (atomically), then the human summary.
  if (!o.json_path.empty()) sys::write_file_atomic(o.json_path, report::to_json_text(rep));
  if (!o.quiet) {
    std::ostringstream text;
    report::write_text(text, rep, report::TextOptions{diag.color()});
    diag.stream() << text.str();
    diag.stream().flush();
  }
  if (rep.runs.empty()) return last_exit != 0 ? last_exit : 130;
  return overall_exit_code(rep.runs);
}

int run(const cli::Options& options, const Diag& diag) {
  switch (options.command) {
    case cli::Command::run:
      return run_command(options.run, diag);
    case cli::Command::events:
      return events_command(options.events, diag);
    case cli::Command::none:
      break;
  }
  throw UsageError("no subcommand given", "try `perfprobe --help`");
}

}  // namespace perfprobe::app
