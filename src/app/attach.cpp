// `perfprobe attach -p PID`: what run and record give, for a process that is already running, for
// a duration or until Ctrl-C, without stopping it. --json follows the run schema (one run per
// target, wall_ms the time attached); -o FILE holds the samples for `report`; --serve serves the
// figures so far; --follow NAME attaches to the next process named NAME when the target exits.
#include <algorithm>
#include <optional>
#include <set>

#include "attach_measure.hpp"
#include "follow.hpp"
#include "metrics_server.hpp"
#include "output_files.hpp"
#include "perfprobe/app/app.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/report/views.hpp"
#include "perfprobe/sampling/data_file.hpp"
#include "perfprobe/sys/clock.hpp"
#include "perfprobe/sys/process.hpp"
#include "plan.hpp"
#include "record_data.hpp"
#include "sample_source.hpp"

namespace perfprobe::app {

namespace {

// The process can be measured by this user: it exists, is no kernel thread, and file capabilities
// do not reach past the real user's own processes. Returns its command line.
std::vector<std::string> attachable_command(pid_t pid) {
  auto cmdline = sys::cmdline_of(pid);
  if (sys::raised_privileges() && !sys::real_user_may_read(pid)) {
    throw UsageError("refusing to attach to pid " + std::to_string(pid) +
                         ": perfprobe runs with file capabilities (or set-id), and the process is not yours",
                     "attach only to your own processes, or run perfprobe as root or as the process's owner");
  }
  if (cmdline.empty() && sys::is_kernel_thread(pid)) {
    throw UsageError(
        "cannot attach to pid " + std::to_string(pid) + ": it is a kernel thread, with no program to measure",
        "give the pid of a user-space process (`ps -ef`; kernel threads show in [brackets])");
  }
  if (cmdline.empty()) {
    throw UsageError("cannot attach to pid " + std::to_string(pid) + ": no such process (or not readable)",
                     "list candidates with `pgrep NAME` or `ps -ef`");
  }
  return cmdline;
}

// --follow: the next process named `name` that can be attached to; nothing once a signal or the
// deadline ends the wait. One that cannot (another user's, gone already) is skipped with a warning.
std::optional<pid_t> next_target(const std::string& name, Session& session, std::int64_t deadline_ns,
                                 const Diag& diag) {
  std::set<pid_t> skip;
  while (const auto pid = wait_for_process_named(name, skip, session, deadline_ns)) {
    if (session.interrupted) return std::nullopt;
    try {
      (void)attachable_command(*pid);
      return pid;
    } catch (const UsageError& e) {
      diag.warning(std::string(e.what()) + "; still waiting for a process named " + name);
      skip.insert(*pid);
    }
  }
  return std::nullopt;
}

}  // namespace

int attach_command(const cli::AttachOptions& o, const Diag& diag) {
  // Plan: outputs writable, the process there, its executable known (SDT probes are found in it).
  check_output_writable(o.output, "-o");
  pid_t pid = o.pid;
  cli::RunOptions run = o.run;
  run.command = attachable_command(pid);
  if (const auto exe = sys::executable_of(pid); !exe.empty()) run.command.front() = exe;
  // --serve binds before any work, so that a port in use is the first thing said.
  std::unique_ptr<ScrapeExchange> exchange;
  std::unique_ptr<MetricsServer> server;
  if (run.serve_port >= 0) {
    exchange = std::make_unique<ScrapeExchange>();
    server = std::make_unique<MetricsServer>(run.serve_host, run.serve_port, *exchange, export_labels(run.command));
  }
  Measurement m(run, TargetKind::attach);
  if (server) {
    server->start(m.plan.analysis);  // after Measurement: its Session has blocked the signals
    m.session.scrape = exchange.get();
    diag.note("serving the live figures at http://" + server->address() + "/metrics");
    m.jsonl.write_line(report::jsonl_serve(server->address()));
  }
  std::shared_ptr<ProfileSink> sink;
  std::optional<sampling::DataFileWriter> writer;
  if (!o.output.empty()) {
    writer.emplace(o.output);  // samples stream into its temporary as they come
    sink = std::make_shared<ProfileSink>();
    sink->writer = &*writer;
    m.plan.sources.push_back(sample_source(sampler_options(o.sampling), sink));
  }
  if (!run.quiet) {
    std::string until =
        o.duration_ns > 0 ? " for " + report::format_duration_ns(static_cast<double>(o.duration_ns)) : std::string();
    if (!run.until.empty()) until += (until.empty() ? " until --until " : " or until --until ") + run.until;
    if (!run.drive.empty()) until += (until.empty() ? " until" : " or until") + std::string(" the --drive client ends");
    diag.note("attached to pid " + std::to_string(pid) + " (" + run.command.front() + ")" +
              (until.empty() ? ": Ctrl-C to stop" : until));
  }

  // Measure while it runs; with --follow, each process named NAME in turn, the duration over all.
  const std::int64_t deadline_ns = o.duration_ns > 0 ? sys::monotonic_ns() + o.duration_ns : 0;
  std::vector<RunResult> runs;
  std::vector<std::string> exits;
  int status = 0;
  for (;;) {
    const std::int64_t left = deadline_ns > 0 ? std::max<std::int64_t>(1, deadline_ns - sys::monotonic_ns()) : 0;
    if (server && !runs.empty()) server->target_attached();
    AttachOutcome out = measure_attached(m.plan, pid, left, m.session, diag, static_cast<int>(runs.size()));
    if (server) server->target_ended(out.result);
    out.result.interrupted = false;                  // Ctrl-C is the ordinary way to end an attach
    if (status == 0) status = out.result.exit_code;  // 0, or a failing --drive client's status
    const std::string lasted = report::format_duration_ns(static_cast<double>(out.result.wall_ns));
    runs.push_back(std::move(out.result));
    if (!out.target_exited) break;
    exits.push_back(o.follow.empty()
                        ? "the target exited " + lasted + " after the attach: the figures cover that time only"
                        : "pid " + std::to_string(pid) + " exited " + lasted + " after the attach (run " +
                              std::to_string(runs.size()) + ")");
    if (o.follow.empty() || m.session.interrupted) break;
    if (!run.quiet) {
      diag.note("pid " + std::to_string(pid) + " exited; waiting for a process named " + o.follow +
                " (/proc scanned every " + std::to_string(kFollowScan.count()) + " ms; Ctrl-C to stop)");
    }
    const auto next = next_target(o.follow, m.session, deadline_ns, diag);
    if (!next) break;
    pid = *next;
    if (!run.quiet) diag.note("following " + o.follow + ": attached to pid " + std::to_string(pid));
  }
  server.reset();  // the last window has closed: nothing more to serve
  report::RunReport rep = report_of(m.plan);
  rep.unavailable = m.session.unavailable;
  rep.warnings = m.plan.warnings;
  rep.warnings.insert(rep.warnings.end(), exits.begin(), exits.end());
  rep.runs = std::move(runs);

  // Views: the data file, --json, --trace, the summary.
  if (sink) {
    const auto data = make_record_data(rep, std::move(*sink), o.pid);
    writer->finish(data);
    // The page shows the profile, read back from the file the samples streamed into.
    if (!run.html_path.empty())
      (void)write_profile_html(run.html_path, sampling::read_data_file(o.output), "attach", diag,
                               run.quiet || run.no_progress);
    run.html_path.clear();  // written above, with the profile
    if (!run.quiet) diag.note(recorded_line(data, writer->samples(), o.output));
  }
  (void)m.jsonl.finish(diag);
  write_run_views(run, rep, diag, "attach");
  return status;
}

}  // namespace perfprobe::app
