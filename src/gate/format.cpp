// Formatting shared by the gate's views: budget names, values in their units, changes, p-values.
#include <cmath>
#include <cstdio>

#include "perfprobe/gate/views.hpp"
#include "perfprobe/report/views.hpp"

namespace perfprobe::gate {

std::string budget_name(const Budget& b) {
  return b.subject.empty() ? budget_key(b.kind) : budget_key(b.kind) + " " + b.subject;
}

std::string format_budget_value(BudgetKind kind, double v) {
  const std::string unit = budget_unit(kind);
  if (unit == "bytes") return report::format_bytes(v);
  if (unit == "ns") return report::format_duration_ns(v);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f tok/s", v);
  return buf;
}

std::string format_margin(BudgetKind kind, double margin) {
  // The margin is the room left: shown with its sign, "+" is under budget.
  // Sign inserted in place: `"+" + string` trips gcc 12's false -Wrestrict in Release (PR 105329).
  std::string out = format_budget_value(kind, std::fabs(margin));
  out.insert(out.begin(), margin >= 0 ? '+' : '-');
  return out;
}

std::string format_metric_value(const std::string& metric, double v) {
  if (const auto id = metrics::find(metric)) return report::format_metric(id->unit(), v);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string outcome_word(Outcome outcome) {
  switch (outcome) {
    case Outcome::regressed:
      return "REGRESSION";
    case Outcome::improved:
      return "improved";
    case Outcome::inconclusive:
      return "inconclusive";
    case Outcome::same:
      break;
  }
  return "same";
}

std::string format_change(double change) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f%%", change * 100);
  return buf;
}

std::string format_p_value(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, p < 1e-4 ? "%.1e" : "%.4f", p);
  return buf;
}

}  // namespace perfprobe::gate
