// `perfprobe compare`: read every side before printing anything, compare each with the first, write
// the table to stderr and the --json/--markdown files.
#include <cstdint>
#include <sstream>

#include "check_plan.hpp"
#include "output_files.hpp"
#include "perfprobe/app/app.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/gate/compare.hpp"
#include "perfprobe/report/bmf.hpp"
#include "perfprobe/sys/input_file.hpp"

namespace perfprobe::app {

int compare_command(const cli::CompareOptions& o, const Diag& diag) {
  gate::BaselineSettings settings;
  if (!o.confidence_text.empty()) settings.confidence = parse_fraction(o.confidence_text, "--confidence");
  if (!(settings.confidence > 0.5 && settings.confidence < 1))
    throw UsageError("the confidence must lie between 0.5 and 1 (exclusive)", "e.g. 0.99 or 99%");
  if (!o.tolerance_text.empty()) settings.tolerance = parse_fraction(o.tolerance_text, "--tolerance");
  check_output_writable(o.json_path, "--json");
  check_output_writable(o.markdown_path, "--markdown");
  check_output_writable(o.bmf_path, "--bmf");
  std::vector<gate::Side> sides;
  for (const auto& path : o.files) {
    constexpr std::uint64_t kMaxDocument = 256ULL << 20;  // a run --json of many long runs stays far below
    sides.push_back(gate::parse_side(sys::read_input(path, "compare file", kMaxDocument), path));
  }
  const auto comparisons = gate::compare_sides(sides, settings);
  bool written = true;
  if (!o.json_path.empty())
    written &= write_output(o.json_path, "--json", gate::compare_to_json(comparisons, settings), diag);
  if (!o.markdown_path.empty())
    written &= write_output(o.markdown_path, "--markdown", gate::compare_to_markdown(comparisons, settings), diag);
  if (!o.bmf_path.empty()) {
    std::vector<report::BmfBenchmark> benchmarks;
    benchmarks.reserve(sides.size());
    for (const auto& s : sides) benchmarks.emplace_back(s.name, s.samples);
    written &= write_output(o.bmf_path, "--bmf", report::to_bmf(benchmarks), diag);
  }
  std::ostringstream table;
  gate::write_compare_text(table, comparisons, settings, diag.color());
  diag.stream() << table.str();
  diag.stream().flush();
  return written ? 0 : 1;
}

}  // namespace perfprobe::app
