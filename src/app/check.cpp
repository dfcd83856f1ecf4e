// `perfprobe check`: the CI gate. Plan (flags over config), baseline and binaries read first so bad
// input fails before anything runs, then the runs (exactly as `run` does them), then the verdict and
// its views. Exit 0 pass, 1 budget failed or regression, 2 usage/config error, 3 target failed.
#include <unistd.h>

#include <iostream>
#include <sstream>

#include "check_plan.hpp"
#include "output_files.hpp"
#include "perfprobe/app/app.hpp"
#include "perfprobe/elf/binary_size.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/gate/evaluate.hpp"
#include "perfprobe/gate/files.hpp"
#include "perfprobe/gate/views.hpp"
#include "perfprobe/sys/input_file.hpp"
#include "plan.hpp"

namespace perfprobe::app {

namespace {

constexpr int kTargetFailed = 3;
constexpr std::uint64_t kMaxTextInput = 64ULL << 20;  // a baseline or config file is a few KiB

gate::Samples read_baseline(const std::string& path) {
  return gate::parse_baseline(sys::read_input(path, "--baseline file", kMaxTextInput), path);
}

std::vector<elf::BinarySize> measure_binaries(const std::vector<std::string>& paths) {
  elf::SizeOptions s;
  s.top_symbols = 1;
  s.libraries = false;
  std::vector<elf::BinarySize> out;
  out.reserve(paths.size());
  for (const auto& p : paths) out.push_back(elf::measure_file(p, s));
  return out;
}

// The runs, or the exit code 3 with the reason on stderr when the target cannot run or fails.
std::optional<report::RunReport> measure(const CheckPlan& plan, const Diag& diag) {
  const counters::PfmLibrary pfm;
  const MeasurePlan mplan = build_plan(plan.run, pfm);
  Session session;
  session.progress = progress_wanted(plan.run.no_progress);  // check is always --quiet: it prints a verdict
  report::RunReport rep;
  try {
    rep = measure_runs(mplan, session, diag);
  } catch (const LaunchError& e) {
    diag.error(std::string(e.what()));
    if (!e.hint().empty()) diag.hint(e.hint());
    return std::nullopt;
  }
  if (rep.interrupted) {
    diag.error("interrupted: the check did not complete");
    return std::nullopt;
  }
  for (std::size_t i = 0; i < rep.runs.size(); ++i) {
    if (rep.runs[i].exit_code != 0) {
      diag.error("the target failed in run " + std::to_string(i + 1) + " with exit status " +
                 std::to_string(rep.runs[i].exit_code) + ": nothing to check");
      return std::nullopt;
    }
  }
  return rep;
}

void write_views(const cli::CheckOptions& o, const gate::Verdict& v, const report::RunReport* runs, const Diag& diag) {
  if (!o.html_path.empty())
    (void)write_output(o.html_path, "--html", gate::to_html(v, runs, html_meta("check", v.command)), diag);
  if (!o.json_path.empty()) (void)write_output(o.json_path, "--json", gate::to_json_text(v), diag);
  if (!o.junit_path.empty()) (void)write_output(o.junit_path, "--junit", gate::to_junit_xml(v), diag);
  if (!o.markdown_path.empty()) (void)write_output(o.markdown_path, "--markdown", gate::to_markdown(v), diag);
  // The target owns stdout (its output passes through byte-exact), so the table goes with
  // perfprobe's other reports, to stderr.
  std::ostringstream table;
  gate::write_text(table, v, diag.color());
  diag.stream() << table.str();
  diag.stream().flush();
}

// The verdict for Prometheus: 1 when every budget and the baseline pass.
report::MetricFamily verdict_family(const gate::Verdict& v) {
  std::string line;
  for (const auto& a : v.command) line += (line.empty() ? "" : " ") + a;
  return {"perfprobe_check_passed",
          report::MetricType::gauge,
          "",
          "1 when check passed (budgets and baseline), else 0.",
          {{"", {{"command", line}, {"host", host_name()}}, v.passed() ? 1.0 : 0.0}}};
}

// Measures up to `confirm` more rounds while a regression stands, each compared with the baseline on
// its own: a regression fails only when every round finds it (docs/check.md, "Confirmation"). The
// last round's runs become the recorded samples, the next baseline. False when the target failed.
bool confirm(const CheckPlan& plan, const gate::Samples& baseline, gate::Verdict& v, const Diag& diag) {
  for (std::size_t round = 1;
       round <= static_cast<std::size_t>(plan.baseline->confirm) && gate::any_regressed(v.regressions); ++round) {
    std::string which;
    for (const auto& r : v.regressions) {
      if (r.regressed) which += (which.empty() ? "" : ", ") + r.label;
    }
    diag.note("regressed: " + which + "; confirming with " + std::to_string(plan.run.runs) + " more runs (round " +
              std::to_string(round) + " of " + std::to_string(plan.baseline->confirm) + ", --confirm)");
    const auto again = measure(plan, diag);
    if (!again) return false;
    v.samples = gate::samples_of(again->runs);
    gate::confirm_regressions(v.regressions, gate::compare_to_baseline(baseline, v.samples, *plan.baseline), round);
    ++v.confirmation_rounds;
    v.confirmation_runs += again->runs.size();
  }
  return true;
}

}  // namespace

int check_command(const cli::CheckOptions& o, const Diag& diag) {
  // Plan: every check of user input before any process starts.
  const CheckPlan plan = make_check_plan(o);
  check_output_writable(o.json_path, "--json");
  check_output_writable(o.junit_path, "--junit");
  check_output_writable(o.markdown_path, "--markdown");
  check_output_writable(o.html_path, "--html");
  check_output_writable(o.run.openmetrics_path, "--openmetrics");
  check_output_writable(o.run.bmf_path, "--bmf");
  if (!o.run.textfile_dir.empty()) check_output_writable(textfile_path(o.run.textfile_dir), "--textfile");
  const gate::Samples baseline = plan.baseline ? read_baseline(plan.baseline->path) : gate::Samples{};
  const std::vector<elf::BinarySize> binaries = measure_binaries(plan.binaries);

  gate::Verdict v;
  v.tool = "perfprobe " PERFPROBE_VERSION;
  v.baseline = plan.baseline;
  std::vector<RunResult> runs;
  std::optional<report::RunReport> rep;
  if (!plan.run.command.empty()) {
    rep = measure(plan, diag);
    if (!rep) return kTargetFailed;
    runs = rep->runs;
    v.command = plan.run.command;
    v.runs = runs.size();
    v.warmup = plan.run.warmup;
    v.cold = plan.run.cold;
    v.samples = gate::samples_of(runs);
    v.warnings = rep->warnings;
    for (const auto& u : rep->unavailable) v.warnings.push_back("unavailable: " + u);
  }
  for (const auto& w : plan.warnings) v.warnings.push_back(w);
  if (plan.record_only) v.warnings.push_back("no budget and no --baseline: recorded " + o.json_path + " as a baseline");
  v.budgets = gate::check_budgets(plan.budgets, runs, binaries);
  if (plan.baseline) {
    v.regressions = gate::compare_to_baseline(baseline, v.samples, *plan.baseline);
    if (!confirm(plan, baseline, v, diag)) return kTargetFailed;
  }
  (void)write_export_views(o.run, runs, v.command, {verdict_family(v)}, diag);
  write_views(o, v, rep ? &*rep : nullptr, diag);
  return v.passed() ? 0 : 1;
}

}  // namespace perfprobe::app
