// `perfprobe record`: the run pipeline with one more source (sampling), then the data file that
// `report` reads. The target is launched exactly as `run` launches it.
#include <ctime>
#include <sstream>

#include "output_files.hpp"
#include "perfprobe/app/app.hpp"
#include "perfprobe/report/profile_report.hpp"
#include "perfprobe/report/views.hpp"
#include "perfprobe/sampling/data_file.hpp"
#include "perfprobe/sys/fd.hpp"
#include "plan.hpp"
#include "record_data.hpp"
#include "sample_source.hpp"

namespace perfprobe::app {

int record_command(const cli::RecordOptions& o, const Diag& diag) {
  // Plan: every check before the target starts.
  check_output_writable(o.output, "-o");
  Measurement m(o.run, TargetKind::launch);
  // The data file's temporary exists from now on: samples stream into it as they come.
  sampling::DataFileWriter writer(o.output);
  auto sink = std::make_shared<ProfileSink>();
  sink->writer = &writer;
  m.plan.sources.push_back(sample_source(sampler_options(o.sampling), sink));

  // One measured run, like `run -r 1`.
  m.plan.runs = 1;
  m.plan.warmup = 0;
  const report::RunReport rep = measure_runs(m.plan, m.session, diag);
  (void)m.jsonl.finish(diag);  // the exit status is the target's; the warning says what was lost
  if (rep.runs.empty()) return exit_code_of(rep);

  // The data file, then the views of the run.
  const auto data = make_record_data(rep, std::move(*sink), 0);
  writer.finish(data);
  cli::RunOptions views = o.run;
  views.html_path.clear();  // the HTML page of a recording shows its profile too, read back from the file
  if (!o.run.html_path.empty())
    (void)write_profile_html(o.run.html_path, sampling::read_data_file(o.output), "record", diag,
                             o.run.quiet || o.run.no_progress);
  write_run_views(views, rep, diag, "record");
  if (!o.run.quiet) diag.note(recorded_line(data, writer.samples(), o.output));
  return exit_code_of(rep);
}

}  // namespace perfprobe::app
