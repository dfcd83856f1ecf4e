// The JSON of `perfprobe check --json FILE` (schema_version 2, docs/json-schema.md). Its "samples"
// make it usable as a later --baseline.
#include <nlohmann/json.hpp>

#include "perfprobe/gate/views.hpp"
#include "perfprobe/report/json_text.hpp"
#include "perfprobe/report/run_report.hpp"

namespace perfprobe::gate {

using nlohmann::json;

namespace {

json budget_json(const BudgetResult& b) {
  json j{{"key", budget_key(b.budget.kind)},
         {"name", budget_name(b.budget)},
         {"subject", b.budget.subject},
         {"origin", b.budget.origin},
         {"unit", budget_unit(b.budget.kind)},
         {"kind", is_maximum(b.budget.kind) ? "max" : "min"},
         {"limit", b.budget.limit},
         {"measured", b.measured ? json(*b.measured) : json(nullptr)},
         {"margin", b.measured ? json(b.margin) : json(nullptr)},
         {"passed", b.passed}};
  if (!b.note.empty()) j["note"] = b.note;
  return j;
}

std::string outcome_name(Outcome o) {
  switch (o) {
    case Outcome::regressed:
      return "regressed";
    case Outcome::improved:
      return "improved";
    case Outcome::inconclusive:
      return "inconclusive";
    case Outcome::same:
      break;
  }
  return "same";
}

json regression_json(const RegressionResult& r) {
  json j{{"metric", r.metric},
         {"higher_is_worse", r.higher_is_worse},
         {"baseline_n", r.baseline_n},
         {"current_n", r.current_n},
         {"baseline_median", r.baseline_median},
         {"current_median", r.current_median},
         {"label", r.label},
         {"unit", metrics::unit_name(r.unit)},
         {"change_pct", r.change * 100},
         {"worse_pct", r.worse_by * 100},
         {"floor", r.floor},
         {"spread", r.spread},
         {"p_value", r.p_value},
         {"p_value_better", r.p_better},
         {"method", r.method},
         {"significant", r.significant},
         {"regressed", r.regressed},
         {"outcome", outcome_name(r.outcome)}};
  if (!r.note.empty()) j["note"] = r.note;
  return j;
}

}  // namespace

std::string to_json_text(const Verdict& v) {
  json doc{{"schema_version", report::kRunSchemaVersion},
           {"tool", v.tool},
           {"passed", v.passed()},
           {"command", v.command},
           {"runs", v.runs},
           {"warmup_runs", v.warmup},
           {"cold", v.cold}};
  json budgets = json::array();
  for (const auto& b : v.budgets) budgets.push_back(budget_json(b));
  doc["budgets"] = std::move(budgets);
  if (v.baseline) {
    doc["baseline"] = {{"path", v.baseline->path},
                       {"test", "mann-whitney-u-one-sided"},
                       {"confidence", v.baseline->confidence},
                       {"tolerance_pct", v.baseline->tolerance * 100},
                       {"fail_on_inconclusive", v.baseline->fail_on_inconclusive},
                       {"confirm", v.baseline->confirm},
                       {"confirmation_rounds", v.confirmation_rounds},
                       {"confirmation_runs", v.confirmation_runs}};
  } else {
    doc["baseline"] = nullptr;
  }
  json regressions = json::array();
  for (const auto& r : v.regressions) regressions.push_back(regression_json(r));
  doc["regressions"] = std::move(regressions);
  json samples = json::object();
  for (const auto& [k, values] : v.samples) samples[k] = values;
  doc["samples"] = std::move(samples);
  doc["warnings"] = v.warnings;
  return perfprobe::report::dump_json(doc, 2) + "\n";
}

}  // namespace perfprobe::gate
