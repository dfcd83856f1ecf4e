// Plan building, the runs loop shared by `run`, `record` and `check`, and the shared startup.
#include "plan.hpp"

#include "marker_plan.hpp"
#include "output_files.hpp"
#include "perfprobe/counters/scripted.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/report/run_report.hpp"
#include "perfprobe/sys/input_file.hpp"

namespace perfprobe::app {

MeasurePlan build_plan(const cli::RunOptions& o, const counters::PfmLibrary& pfm, TargetKind target) {
  MeasurePlan plan;
  plan.target = target;
  plan.command = o.command;
  plan.runs = target == TargetKind::attach ? 1 : o.runs;
  plan.warmup = target == TargetKind::attach ? 0 : o.warmup;
  if (!o.no_counters) {
    const auto names = o.events.empty() ? counters::default_events() : o.events;
    for (const auto& name : names) plan.events.push_back(pfm.encode(name));  // unknown name: exit 2
  }
  plan.interval_ns = o.interval_ns;
  plan.prepare = o.prepare;
  if (!o.fake_counters_path.empty()) {
    plan.fake_counters = counters::parse_counter_script(sys::read_input(o.fake_counters_path, "--fake-counters file"),
                                                        o.fake_counters_path);
  }
  add_marker_plan(o, plan);  // --ready/--phase/--tokens/--usdt...: their sources and analysis
  return plan;
}

report::RunReport report_of(const MeasurePlan& plan) {
  report::RunReport rep;
  rep.tool = "perfprobe " PERFPROBE_VERSION;
  rep.command = plan.command;
  rep.warmup = plan.warmup;
  rep.interval_ms = static_cast<double>(plan.interval_ns) / 1e6;
  rep.attached = plan.target == TargetKind::attach;
  return rep;
}

std::vector<report::RunReport> measure_interleaved(const std::vector<MeasurePlan>& plans, Session& session,
                                                   const Diag& diag) {
  std::vector<report::RunReport> reports;
  for (const auto& plan : plans) reports.push_back(report_of(plan));
  const MeasurePlan& first = plans.front();  // every plan has the same run and warm-up counts
  if (session.progress) session.live = std::make_unique<LiveStatus>(first.runs, first.warmup);
  try {
    // Warm-up runs are measured the same way and thrown away; then the measured runs. Round i runs
    // each plan's i-th run in turn.
    for (int i = 0; i < first.warmup + first.runs && !session.interrupted; ++i) {
      const bool warmup = i < first.warmup;
      for (std::size_t k = 0; k < plans.size() && !session.interrupted; ++k) {
        RunResult r = measure_once(plans[k], session, diag, i, warmup);
        // A run cut short by Ctrl-C during --prepare never started: it has nothing to report.
        if (!warmup && r.wall_ns > 0) reports[k].runs.push_back(std::move(r));
      }
    }
  } catch (...) {
    session.live.reset();  // the error message must not land under a scroll region
    throw;
  }
  session.live.reset();  // the line is gone before anything reports
  for (std::size_t k = 0; k < plans.size(); ++k) {
    auto& rep = reports[k];
    rep.interrupted = session.interrupted;
    rep.unavailable = session.unavailable;
    rep.warnings = report::consistency_warnings(rep.runs);
    rep.warnings.insert(rep.warnings.end(), plans[k].warnings.begin(), plans[k].warnings.end());
    if (rep.interrupted) rep.warnings.emplace_back("interrupted: the report covers the runs up to the interruption");
  }
  return reports;
}

report::RunReport measure_runs(const MeasurePlan& plan, Session& session, const Diag& diag) {
  return std::move(measure_interleaved({plan}, session, diag).front());
}

int exit_code_of(const report::RunReport& rep) {
  for (const auto& r : rep.runs) {
    if (r.exit_code != 0) return r.exit_code;
  }
  return rep.runs.empty() && rep.interrupted ? 130 : 0;  // interrupted before any run ended
}

Measurement::Measurement(const cli::RunOptions& options, TargetKind target) {
  check_run_outputs(options);
  plan = build_plan(options, pfm, target);
  if (!options.jsonl_path.empty()) jsonl = JsonlStream(options.jsonl_path);
  session.jsonl = jsonl.enabled() ? &jsonl : nullptr;
  session.progress = progress_wanted(options.quiet || options.no_progress);
}

}  // namespace perfprobe::app
