// Views of a check's Verdict: the human pass/fail table (stderr), JSON (--json, also a later
// --baseline), JUnit XML (--junit: one testcase per budget and per baseline metric) and Markdown
// (--markdown: CI job summaries and pull-request comments).
#pragma once

#include <ostream>
#include <string>

#include "perfprobe/gate/verdict.hpp"
#include "perfprobe/report/html.hpp"

namespace perfprobe::gate {

void write_text(std::ostream& out, const Verdict& verdict, bool color);
[[nodiscard]] std::string to_json_text(const Verdict& verdict);
[[nodiscard]] std::string to_junit_xml(const Verdict& verdict);
[[nodiscard]] std::string to_markdown(const Verdict& verdict);
// --html FILE: the verdict and, when a command ran, its runs (`runs` may be null).
[[nodiscard]] std::string to_html(const Verdict& verdict, const report::RunReport* runs, report::HtmlMeta meta);

// Shared by the views: a budget's name ("stripped_size build/llm"), a value in the budget's unit,
// a metric's value by its key suffix (_ms, _bytes), a signed relative change ("+30.2%").
[[nodiscard]] std::string budget_name(const Budget& budget);
[[nodiscard]] std::string format_budget_value(BudgetKind kind, double value);
[[nodiscard]] std::string format_margin(BudgetKind kind, double margin);
[[nodiscard]] std::string format_metric_value(const std::string& metric, double value);
[[nodiscard]] std::string format_change(double change);
// "REGRESSION", "improved", "inconclusive", "same".
[[nodiscard]] std::string outcome_word(Outcome outcome);
[[nodiscard]] std::string format_p_value(double p);

}  // namespace perfprobe::gate
