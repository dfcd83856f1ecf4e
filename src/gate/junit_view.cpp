// JUnit XML of `perfprobe check --junit FILE`: one testsuite, one testcase per budget and per
// baseline metric, a <failure> for each that failed. The shape CI systems (GitHub, GitLab, Jenkins)
// read: testsuites > testsuite > testcase > failure.
#include <sstream>

#include "perfprobe/gate/views.hpp"
#include "perfprobe/report/markup.hpp"

namespace perfprobe::gate {

namespace {

std::string xml(const std::string& s) { return report::markup_escape(s, report::Markup::xml); }

struct Case {
  std::string classname;
  std::string name;
  bool failed = false;
  std::string message;
  std::string detail;
};

std::vector<Case> cases_of(const Verdict& v) {
  std::vector<Case> cases;
  for (const auto& b : v.budgets) {
    const auto kind = b.budget.kind;
    std::string detail =
        budget_name(b.budget) + (is_maximum(kind) ? " <= " : " >= ") + format_budget_value(kind, b.budget.limit) +
        ": measured " + (b.measured ? format_budget_value(kind, *b.measured) : "nothing") +
        (b.measured ? ", margin " + format_margin(kind, b.margin) : "") + (b.note.empty() ? "" : " (" + b.note + ")");
    cases.push_back({"perfprobe.check.budget", budget_name(b.budget), !b.passed, detail, detail});
  }
  for (const auto& r : v.regressions) {
    const std::string detail = r.metric + ": baseline median " + format_metric_value(r.metric, r.baseline_median) +
                               ", current median " + format_metric_value(r.metric, r.current_median) + " (" +
                               format_change(r.change) + "), p = " + format_p_value(r.p_value) +
                               (r.note.empty() ? "" : " (" + r.note + ")");
    const bool strict = v.baseline && v.baseline->fail_on_inconclusive;
    const bool failed = r.regressed || (strict && r.outcome == Outcome::inconclusive && r.worse_by > 0);
    cases.push_back({"perfprobe.check.baseline", r.metric, failed, outcome_word(r.outcome) + ": " + detail, detail});
  }
  return cases;
}

}  // namespace

std::string to_junit_xml(const Verdict& v) {
  const auto cases = cases_of(v);
  std::size_t failures = 0;
  for (const auto& c : cases) failures += c.failed ? 1 : 0;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"perfprobe check\" tests=\"" << cases.size() << "\" failures=\"" << failures
      << "\" errors=\"0\">\n";
  out << "  <testsuite name=\"perfprobe check\" tests=\"" << cases.size() << "\" failures=\"" << failures
      << "\" errors=\"0\" skipped=\"0\">\n";
  for (const auto& c : cases) {
    out << "    <testcase classname=\"" << xml(c.classname) << "\" name=\"" << xml(c.name) << "\" time=\"0\">\n";
    if (c.failed) {
      out << "      <failure message=\"" << xml(c.message) << "\" type=\""
          << (c.classname.find("baseline") != std::string::npos ? "regression" : "budget") << "\">" << xml(c.detail)
          << "</failure>\n";
    } else {
      out << "      <system-out>" << xml(c.detail) << "</system-out>\n";
    }
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace perfprobe::gate
