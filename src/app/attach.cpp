// `perfprobe attach -p PID`: what run and record give, for a process that is already running, for
// a duration or until Ctrl-C, without stopping it. --json follows the run schema (one run, wall_ms
// the time attached); -o FILE holds the samples for `report`; --serve serves the figures so far.
#include <optional>

#include "attach_measure.hpp"
#include "metrics_server.hpp"
#include "output_files.hpp"
#include "perfprobe/app/app.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/report/views.hpp"
#include "perfprobe/sampling/data_file.hpp"
#include "perfprobe/sys/process.hpp"
#include "plan.hpp"
#include "record_data.hpp"
#include "sample_source.hpp"

namespace perfprobe::app {

int attach_command(const cli::AttachOptions& o, const Diag& diag) {
  // Plan: outputs writable, the process there, its executable known (SDT probes are found in it).
  check_output_writable(o.output, "-o");
  const pid_t pid = o.pid;
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
  cli::RunOptions run = o.run;
  run.command = cmdline;
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

  // Measure while it runs.
  AttachOutcome out = measure_attached(m.plan, pid, o.duration_ns, m.session, diag);
  server.reset();  // the window has closed: nothing more to serve
  report::RunReport rep = report_of(m.plan);
  rep.unavailable = m.session.unavailable;
  rep.warnings = m.plan.warnings;
  if (out.target_exited) {
    rep.warnings.push_back("the target exited " + report::format_duration_ns(static_cast<double>(out.result.wall_ns)) +
                           " after the attach: the figures cover that time only");
  }
  out.result.interrupted = false;           // Ctrl-C is the ordinary way to end an attach
  const int status = out.result.exit_code;  // 0, or a failing --drive client's status
  rep.runs.push_back(std::move(out.result));

  // Views: the data file, --json, --trace, the summary.
  if (sink) {
    const auto data = make_record_data(rep, std::move(*sink), pid);
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
