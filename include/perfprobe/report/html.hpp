// The self-contained HTML report of run, check, report and attach (docs/html.md): one file with inline
// SVG charts drawn here, a little inline JavaScript for zoom, hover and search, and no network. Pure:
// fed with the analysed reports. A page is made of sections; each kind of report picks its own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "perfprobe/profile.hpp"
#include "perfprobe/report/profile_diff.hpp"
#include "perfprobe/report/profile_report.hpp"
#include "perfprobe/report/run_report.hpp"

namespace perfprobe::report {

// Where and when the figures were taken: the page's header.
struct HtmlMeta {
  std::string kind;  // "run", "check", "record", "attach": the page title
  std::string tool;  // "perfprobe X.Y.Z"
  std::vector<std::string> command;
  std::string hostname;
  std::string kernel;
  std::string cpu;          // model name, empty when unknown
  std::int64_t unix_s = 0;  // when it was measured
  std::vector<std::string> warnings;
};

// Text made safe for HTML element content and quoted attribute values (& < > " ').
[[nodiscard]] std::string html_escape(std::string_view text);

// Assembles the page: the header ("at a glance" facts plus `facts`), then the sections in order.
class HtmlPage {
 public:
  explicit HtmlPage(HtmlMeta meta) : meta_(std::move(meta)) {}
  // A row of the "at a glance" table; both strings are escaped here.
  void fact(std::string name, std::string value) { facts_.emplace_back(std::move(name), std::move(value)); }
  // A section of trusted HTML made by the html_* functions below.
  void add(std::string section_html) { sections_.push_back(std::move(section_html)); }
  [[nodiscard]] std::string str() const;

 private:
  HtmlMeta meta_;
  std::vector<std::pair<std::string, std::string>> facts_;
  std::vector<std::string> sections_;
};

// The sections of a run: timeline, token latency, distributions over runs, counters per phase.
// `focus` is the run whose timeline and tokens are drawn (the median run by wall time).
[[nodiscard]] std::size_t html_focus_run(const RunReport& report);
[[nodiscard]] std::string html_timeline(const RunResult& run, const std::string& caption);
[[nodiscard]] std::string html_tokens(const RunReport& report, std::size_t focus);
[[nodiscard]] std::string html_distributions(const RunReport& report);
[[nodiscard]] std::string html_counters(const RunReport& report, std::size_t focus);

// The sections of a recording: flame graph (all, per phase, per thread), top functions, hot lines.
[[nodiscard]] std::string html_flame_graphs(const ResolvedProfile& profile, const ProfileReport& report);
[[nodiscard]] std::string html_top_functions(const ProfileReport& report, const ResolvedProfile& profile);

// Whole pages.
[[nodiscard]] std::string run_to_html(const RunReport& report, HtmlMeta meta);
[[nodiscard]] std::string profile_to_html(const ProfileReport& report, const ResolvedProfile& profile,
                                          const RunResult& run, HtmlMeta meta);

// One recording of `report --diff`, analysed with every function kept.
struct DiffSide {
  const ProfileReport* report = nullptr;
  const ResolvedProfile* profile = nullptr;
};
// The page of `report --diff OLD NEW --html FILE`: differential flame graphs and the share tables.
[[nodiscard]] std::string profile_diff_to_html(const ProfileDiff& diff, const DiffSide& old_side,
                                               const DiffSide& new_side, HtmlMeta meta);

// Formatting shared with the gate's HTML view: a number with its unit in a cell that carries the
// raw value for tests and hover ("<td data-metric=NAME data-value=RAW>TEXT</td>").
[[nodiscard]] std::string html_value_cell(const std::string& metric, double raw, const std::string& text);

}  // namespace perfprobe::report
