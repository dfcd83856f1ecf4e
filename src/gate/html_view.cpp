// The HTML page of `perfprobe check --html FILE`: the verdict, the budget table (pass/fail, margin),
// the baseline comparison with p-values, then the run sections of the report (timeline, tokens,
// distributions over the runs) when a command was run.
#include <cstdio>
#include "perfprobe/gate/views.hpp"

#include "perfprobe/report/html.hpp"

namespace perfprobe::gate {

namespace {

using report::html_escape;

std::string result_cell(bool passed, const std::string& fail_word) {
  return passed ? "<td class=\"pass\">pass</td>" : "<td class=\"fail\">" + html_escape(fail_word) + "</td>";
}

std::string budget_table(const Verdict& v) {
  if (v.budgets.empty()) return {};
  std::string out =
      "<section id=\"budgets\"><h2>Budgets</h2><table><thead><tr><th>budget</th><th class=\"num\">limit</th><th "
      "class=\"num\">measured</th><th class=\"num\">margin</th><th>result</th><th>note</th></tr></thead><tbody>";
  for (const auto& b : v.budgets) {
    const auto kind = b.budget.kind;
    out += "<tr><td>" + html_escape(budget_name(b.budget)) + "</td><td class=\"num\">" +
           html_escape((is_maximum(kind) ? "≤ " : "≥ ") + format_budget_value(kind, b.budget.limit)) + "</td>" +
           (b.measured ? report::html_value_cell("budget." + budget_name(b.budget), *b.measured,
                                                 format_budget_value(kind, *b.measured))
                       : "<td class=\"num dim\">–</td>") +
           "<td class=\"num\">" + html_escape(b.measured ? format_margin(kind, b.margin) : "–") + "</td>" +
           result_cell(b.passed, "fail") + "<td class=\"dim\">" + html_escape(b.note) + "</td></tr>";
  }
  return out + "</tbody></table></section>";
}

std::string baseline_table(const Verdict& v) {
  if (!v.baseline) return {};
  char settings[160];
  std::snprintf(settings, sizeof settings, "%g%% confidence, tolerance %g%%", v.baseline->confidence * 100,
                v.baseline->tolerance * 100);
  std::string out =
      "<section id=\"baseline\"><h2>Baseline comparison</h2><p class=\"note\">Against <code>" +
      html_escape(v.baseline->path) + "</code>: Mann-Whitney U test, one-sided (is the current build worse?), " +
      settings +
      ". A metric regressed only when the change is significant, beyond the tolerance, beyond the metric's "
      "absolute floor and beyond the runs' spread; a change beyond all three that the runs cannot confirm is "
      "inconclusive" +
      (v.baseline->fail_on_inconclusive ? " (and fails: --fail-on-inconclusive)" : "") + ".</p>";
  out +=
      "<table><thead><tr><th>metric</th><th class=\"num\">baseline median</th><th class=\"num\">current "
      "median</th><th class=\"num\">change</th><th class=\"num\">p-value</th><th class=\"num\">runs</th><th>result"
      "</th><th>note</th></tr></thead><tbody>";
  for (const auto& r : v.regressions) {
    out += "<tr><td title=\"" + html_escape(r.metric) + "\">" + html_escape(r.label.empty() ? r.metric : r.label) +
           "</td><td class=\"num\">" + html_escape(format_metric_value(r.metric, r.baseline_median)) + "</td>" +
           report::html_value_cell("current." + r.metric, r.current_median,
                                   format_metric_value(r.metric, r.current_median)) +
           "<td class=\"num\">" + html_escape(format_change(r.change)) + "</td>" +
           report::html_value_cell("p_value." + r.metric, r.p_value, format_p_value(r.p_value)) + "<td class=\"num\">" +
           std::to_string(r.baseline_n) + " / " + std::to_string(r.current_n) + "</td>" +
           (r.regressed ? std::string("<td class=\"fail\">regression</td>")
                        : "<td" + std::string(r.outcome == Outcome::inconclusive ? " class=\"warn\"" : "") + ">" +
                              html_escape(outcome_word(r.outcome)) + "</td>") +
           "<td class=\"dim\">" + html_escape(r.note) + "</td></tr>";
  }
  return out + "</tbody></table></section>";
}

}  // namespace

std::string to_html(const Verdict& v, const report::RunReport* runs, report::HtmlMeta meta) {
  for (const auto& w : v.warnings) meta.warnings.push_back(w);
  meta.command = v.command;
  report::HtmlPage page(std::move(meta));
  page.fact("verdict", v.passed() ? "pass" : "fail");
  if (!v.command.empty())
    page.fact("runs",
              std::to_string(v.runs) + " (after " + std::to_string(v.warmup) + " warm-up)" + (v.cold ? ", cold" : ""));
  page.add(budget_table(v));
  page.add(baseline_table(v));
  if (runs != nullptr && !runs->runs.empty()) {
    const std::size_t focus = report::html_focus_run(*runs);
    page.add(report::html_timeline(runs->runs[focus], "Run " + std::to_string(focus + 1) + " of " +
                                                          std::to_string(runs->runs.size()) +
                                                          ", the median by wall time."));
    page.add(report::html_tokens(*runs, focus));
    page.add(report::html_distributions(*runs));
  }
  return page.str();
}

}  // namespace perfprobe::gate
