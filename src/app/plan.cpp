// Plan building and the runs loop shared by `run` and `check`.
#include "plan.hpp"

#include "perfprobe/error.hpp"
#include "perfprobe/report/counter_script.hpp"
#include "perfprobe/sys/fd.hpp"

#include "marker_plan.hpp"

#include "perfprobe/report/run_report.hpp"

namespace perfprobe::app {

MeasurePlan build_plan(const cli::RunOptions& o, const counters::PfmLibrary& pfm) {
  MeasurePlan plan;
  plan.command = o.command;
  if (!o.no_counters) {
    const auto names = o.events.empty() ? counters::default_events() : o.events;
    for (const auto& name : names) plan.events.push_back(pfm.encode(name));  // unknown name: exit 2
  }
  plan.interval_ns = o.interval_ns;
  plan.prepare = o.prepare;
  if (!o.fake_counters_path.empty()) {
    std::string text;
    if (!sys::read_file(o.fake_counters_path, text)) {
      throw UsageError("cannot read --fake-counters file '" + o.fake_counters_path + "'");
    }
    plan.fake_counters = report::parse_counter_script(text, o.fake_counters_path);
  }
  add_marker_plan(o, plan);  // --ready/--phase/--tokens/--usdt...: their sources and analysis
  return plan;
}

report::RunReport measure_runs(const MeasurePlan& plan, const cli::RunOptions& o, Session& session, const Diag& diag) {
  report::RunReport rep;
  rep.tool = "perfprobe " PERFPROBE_VERSION;
  rep.command = o.command;
  rep.warmup = o.warmup;
  rep.interval_ms = static_cast<double>(o.interval_ns) / 1e6;
  // Warm-up runs are measured the same way and thrown away; then the measured runs.
  for (int i = 0; i < o.warmup + o.runs && !session.interrupted; ++i) {
    const bool warmup = i < o.warmup;
    RunResult r = measure_once(plan, session, diag, i, warmup);
    // A run cut short by Ctrl-C during --prepare never started: it has nothing to report.
    if (!warmup && r.wall_ns > 0) rep.runs.push_back(std::move(r));
  }
  rep.interrupted = session.interrupted;
  rep.unavailable = session.unavailable;
  rep.warnings = report::consistency_warnings(rep.runs);
  rep.warnings.insert(rep.warnings.end(), plan.warnings.begin(), plan.warnings.end());
  if (rep.interrupted) rep.warnings.emplace_back("interrupted: the report covers the runs up to the interruption");
  return rep;
}

int exit_code_of(const report::RunReport& rep) {
  for (const auto& r : rep.runs) {
    if (r.exit_code != 0) return r.exit_code;
  }
  return rep.runs.empty() && rep.interrupted ? 130 : 0;  // interrupted before any run ended
}

}  // namespace perfprobe::app
