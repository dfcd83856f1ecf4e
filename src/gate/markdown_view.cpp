// Markdown of `perfprobe check --markdown FILE`: for $GITHUB_STEP_SUMMARY and pull-request comments.
#include <sstream>

#include "perfprobe/gate/views.hpp"

namespace perfprobe::gate {

namespace {

// A table cell: '|' would end it and a newline would end the table.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string to_markdown(const Verdict& v) {
  std::ostringstream out;
  out << "### perfprobe check: " << (v.passed() ? "✅ pass" : "❌ fail") << "\n\n";
  if (!v.command.empty()) {
    std::string cmd;
    for (const auto& w : v.command) cmd += (cmd.empty() ? "" : " ") + w;
    out << "`" << cell(cmd) << "`: " << v.runs << " runs, " << v.warmup << " warm-up" << (v.cold ? ", cold" : "")
        << "\n\n";
  }
  if (!v.budgets.empty()) {
    out << "| budget | limit | measured | margin | result |\n|---|---:|---:|---:|---|\n";
    for (const auto& b : v.budgets) {
      const auto kind = b.budget.kind;
      out << "| " << cell(budget_name(b.budget)) << " | " << (is_maximum(kind) ? "≤ " : "≥ ")
          << format_budget_value(kind, b.budget.limit) << " | "
          << (b.measured ? format_budget_value(kind, *b.measured) : "–") << " | "
          << (b.measured ? format_margin(kind, b.margin) : "–") << " | " << (b.passed ? "✅ pass" : "❌ **fail**")
          << (b.note.empty() ? "" : " (" + cell(b.note) + ")") << " |\n";
    }
    out << "\n";
  }
  if (v.baseline) {
    out << "Baseline `" << cell(v.baseline->path) << "`: Mann-Whitney U test (one-sided), "
        << v.baseline->confidence * 100 << "% confidence, tolerance " << v.baseline->tolerance * 100 << "%";
    if (v.confirmation_rounds > 0) {
      out << "; a regression was measured again in " << v.confirmation_rounds << " confirmation round"
          << (v.confirmation_rounds == 1 ? "" : "s") << " (" << v.confirmation_runs
          << " runs) and fails only where every round found it";
    }
    out << "\n\n";
    out << "| metric | baseline median | current median | change | p-value | result |\n|---|---:|---:|---:|---:|---|\n";
    for (const auto& r : v.regressions) {
      out << "| " << cell(r.metric) << " | " << format_metric_value(r.metric, r.baseline_median) << " | "
          << format_metric_value(r.metric, r.current_median) << " | " << format_change(r.change) << " | "
          << format_p_value(r.p_value) << " | "
          << (r.regressed                          ? "❌ **regression**"
              : r.outcome == Outcome::inconclusive ? "⚠️ inconclusive"
              : r.outcome == Outcome::improved     ? "improved"
                                                   : "same")
          << (r.note.empty() ? "" : " (" + cell(r.note) + ")") << " |\n";
    }
    out << "\n";
  }
  for (const auto& w : v.warnings) out << "> ⚠️ " << cell(w) << "\n";
  return out.str();
}

}  // namespace perfprobe::gate
