// `perfprobe run -- A ::: B [::: C...]`: one plan per command, their runs interleaved (A B A B ...,
// so the machine's drift hits each alike), each command's report as `run` prints it, then each
// command against the first by compare's rule and views (docs/check.md, "Interleaved").
#include <algorithm>
#include <sstream>

#include "output_files.hpp"
#include "perfprobe/app/app.hpp"
#include "perfprobe/gate/compare.hpp"
#include "perfprobe/report/bmf.hpp"
#include "perfprobe/report/views.hpp"
#include "plan.hpp"

namespace perfprobe::app {

namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

// "A", "B", ... "Z", then "27", "28"...: the names the comparison table gives the commands.
std::string side_name(std::size_t i) {
  if (i < 26) return std::string(1, static_cast<char>('A' + i));
  return std::to_string(i + 1);
}

// The first non-zero exit status in the order the runs ran (round by round), as `run -r N` returns the
// first of its runs; 130 when interrupted before any run ended.
int interleaved_exit_code(const std::vector<report::RunReport>& reports) {
  std::size_t rounds = 0;
  for (const auto& rep : reports) rounds = std::max(rounds, rep.runs.size());
  for (std::size_t i = 0; i < rounds; ++i) {
    for (const auto& rep : reports) {
      if (i < rep.runs.size() && rep.runs[i].exit_code != 0) return rep.runs[i].exit_code;
    }
  }
  return exit_code_of(reports.front());
}

}  // namespace

int interleaved_command(const cli::RunOptions& o, const Diag& diag) {
  // Plan every command before any process starts: a bad spec or event fails before the first run.
  Measurement m(o, TargetKind::launch);
  std::vector<MeasurePlan> plans{m.plan};
  for (std::size_t i = 1; i < o.interleaved.size(); ++i) {
    cli::RunOptions each = o;
    each.command = o.interleaved[i];
    plans.push_back(build_plan(each, m.pfm));
  }
  const std::vector<report::RunReport> reports = measure_interleaved(plans, m.session, diag);
  (void)m.jsonl.finish(diag);

  std::vector<gate::Side> sides;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    gate::Side s{side_name(i), reports[i].command, reports[i].runs.size(), metrics::samples_of(reports[i].runs)};
    sides.push_back(std::move(s));
  }
  const gate::BaselineSettings settings;  // compare's defaults: 99% confidence, 5% tolerance
  const auto comparisons = gate::compare_sides(sides, settings);

  bool written = true;
  if (!o.json_path.empty()) {
    std::vector<std::string> documents;
    for (const auto& rep : reports) documents.push_back(report::to_json_text(rep));
    written &= write_output(o.json_path, "--json", gate::interleaved_to_json(documents, comparisons, settings), diag);
  }
  if (!o.bmf_path.empty()) {
    std::vector<report::BmfBenchmark> benchmarks;
    for (const auto& s : sides) benchmarks.emplace_back(joined(s.command), s.samples);
    written &= write_output(o.bmf_path, "--bmf", report::to_bmf(benchmarks), diag);
  }
  if (!o.quiet) {
    std::ostringstream text;
    for (const auto& rep : reports) report::write_text(text, rep, report::TextOptions{diag.color()});
    gate::write_compare_text(text, comparisons, settings, diag.color());
    diag.stream() << text.str();
    diag.stream().flush();
  }
  (void)written;  // like run: the exit status is the targets'; a warning says which file was lost
  return interleaved_exit_code(reports);
}

}  // namespace perfprobe::app
