// The human pass/fail table of `perfprobe check` (stderr: stdout is the target's): each budget with its limit, the
// measured value and the margin, then the baseline comparison.
#include <algorithm>
#include <cstdio>

#include "perfprobe/gate/views.hpp"
#include "perfprobe/report/views.hpp"

namespace perfprobe::gate {

namespace {

std::string pad(std::string s, std::size_t w) { return report::pad_right(std::move(s), w) + " "; }

std::string paint(const std::string& s, const char* code, bool color) {
  return color ? std::string("\033[") + code + "m" + s + "\033[0m" : s;
}

void write_budgets(std::ostream& out, const Verdict& v, bool color) {
  if (v.budgets.empty()) return;
  std::size_t width = 24;
  for (const auto& b : v.budgets) width = std::max(width, budget_name(b.budget).size());
  out << "  " << pad("budget", width) << pad("limit", 14) << pad("measured", 12) << pad("margin", 13) << "result\n";
  for (const auto& b : v.budgets) {
    const auto kind = b.budget.kind;
    std::string limit = (is_maximum(kind) ? "<= " : ">= ") + format_budget_value(kind, b.budget.limit);
    out << "  " << pad(budget_name(b.budget), width) << pad(limit, 14)
        << pad(b.measured ? format_budget_value(kind, *b.measured) : "-", 12)
        << pad(b.measured ? format_margin(kind, b.margin) : "-", 13)
        << (b.passed ? paint("pass", "32", color) : paint("FAIL", "31", color));
    if (!b.note.empty()) out << "  (" << b.note << ")";
    out << "\n";
  }
}

void write_regressions(std::ostream& out, const Verdict& v, bool color) {
  if (!v.baseline) return;
  char head[256];
  std::snprintf(head, sizeof head,
                "baseline %s: Mann-Whitney U test (one-sided), %.3g%% confidence, tolerance %.3g%%, each metric's "
                "floor and the runs' spread%s\n",
                v.baseline->path.c_str(), v.baseline->confidence * 100, v.baseline->tolerance * 100,
                v.baseline->fail_on_inconclusive ? ", inconclusive fails" : "");
  out << "\n" << head;
  if (v.confirmation_rounds > 0) {
    out << "  a regression was measured again: " << v.confirmation_rounds << " confirmation round"
        << (v.confirmation_rounds == 1 ? "" : "s") << ", " << v.confirmation_runs
        << " runs (--confirm); it fails only where every round found it\n";
  }
  if (v.regressions.empty()) {
    out << "  no metric in common with the baseline (each side needs 2 runs or more)\n";
    return;
  }
  std::size_t width = 24;
  for (const auto& r : v.regressions) width = std::max(width, r.metric.size() + 1);
  out << "  " << pad("metric", width) << pad("baseline", 11) << pad("current", 11) << pad("change", 9)
      << pad("p-value", 9) << "result\n";
  bool inconclusive = false;
  for (const auto& r : v.regressions) {
    const char* code = r.regressed ? "31" : r.outcome == Outcome::inconclusive ? "33" : "32";
    out << "  " << pad(r.metric, width) << pad(format_metric_value(r.metric, r.baseline_median), 11)
        << pad(format_metric_value(r.metric, r.current_median), 11) << pad(format_change(r.change), 9)
        << pad(format_p_value(r.p_value), 9) << paint(outcome_word(r.outcome), code, color);
    if (!r.note.empty()) out << "  (" << r.note << ")";
    out << "\n";
    inconclusive = inconclusive || r.outcome == Outcome::inconclusive;
  }
  if (inconclusive)
    out << "  hint: inconclusive means a change beyond the tolerance that the runs cannot confirm; add runs "
           "(--runs), or fail on it with --fail-on-inconclusive\n";
}

}  // namespace

void write_text(std::ostream& out, const Verdict& v, bool color) {
  out << "perfprobe check: " << (v.passed() ? paint("PASS", "1;32", color) : paint("FAIL", "1;31", color));
  if (!v.command.empty()) {
    out << "  (" << v.runs << " run" << (v.runs == 1 ? "" : "s") << ", " << v.warmup << " warm-up"
        << (v.cold ? ", cold" : "") << ")";
  }
  out << "\n";
  write_budgets(out, v, color);
  write_regressions(out, v, color);
  for (const auto& w : v.warnings) out << "  warning: " << w << "\n";
}

}  // namespace perfprobe::gate
