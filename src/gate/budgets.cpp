// Budgets of `perfprobe check` checked against the measured runs and the binaries' sizes. Pure.
// Run budgets measure catalogue metrics (the statistic is the catalogue's); p95 is the type-7
// percentile of stats (numpy's default); see docs/check.md for each metric.
#include <algorithm>

#include "perfprobe/gate/evaluate.hpp"
#include "perfprobe/stats/summary.hpp"

namespace perfprobe::gate {

std::string budget_key(BudgetKind kind) {
  switch (kind) {
    case BudgetKind::file_size:
      return "file_size";
    case BudgetKind::stripped_size:
      return "stripped_size";
    case BudgetKind::startup_p95:
      return "startup_p95";
    case BudgetKind::wall_p95:
      return "wall_p95";
    case BudgetKind::peak_rss:
      return "peak_rss";
    case BudgetKind::token_latency_p95:
      return "token_latency_p95";
    case BudgetKind::tokens_per_s_min:
      return "tokens_per_s_min";
    case BudgetKind::phase_p95:
      return "phase_p95";
  }
  return "?";
}

std::string budget_unit(BudgetKind kind) {
  switch (kind) {
    case BudgetKind::file_size:
    case BudgetKind::stripped_size:
    case BudgetKind::peak_rss:
      return "bytes";
    case BudgetKind::tokens_per_s_min:
      return "tokens/s";
    default:
      return "ns";
  }
}

bool is_maximum(BudgetKind kind) { return kind != BudgetKind::tokens_per_s_min; }

namespace {

// Why a run budget has nothing to measure, in words that name the fix.
std::string missing_note(const Budget& b, std::size_t runs) {
  if (runs == 0) return "no runs";
  switch (b.kind) {
    case BudgetKind::startup_p95:
      return "no run reported ready: give a ready marker (--ready)";
    case BudgetKind::token_latency_p95:
      return "no token latencies: give a token marker (--tokens) and at least 2 tokens";
    case BudgetKind::tokens_per_s_min:
      return "no token rate: give a token marker (--tokens) and at least 2 tokens";
    case BudgetKind::phase_p95:
      return "phase '" + b.subject + "' never completed: check its --phase markers";
    default:
      return "no runs";
  }
}

// The value a run budget is checked against: the catalogue metric its key names, summarised by the
// statistic the catalogue gives it, in the budget's unit (ns for times).
std::optional<double> measure_runs(const Budget& b, const std::vector<RunResult>& runs, std::string& note) {
  const metrics::Metric* m = metrics::by_budget(budget_key(b.kind));
  if (m == nullptr) return std::nullopt;
  const metrics::MetricId id{m, b.subject};
  std::vector<double> values;
  if (m->budget_stat == metrics::BudgetStat::pooled_p95) {
    for (const auto& r : runs) {
      for (const double v : m->pooled(r)) values.push_back(v);
    }
  } else {
    values = metrics::values_of(id, runs);
  }
  if (values.empty()) {
    note = missing_note(b, runs.size());
    return std::nullopt;
  }
  if (b.kind == BudgetKind::startup_p95 && values.size() < runs.size())
    note = std::to_string(runs.size() - values.size()) + " run(s) never got ready";
  const double scale = m->unit == metrics::Unit::ms ? 1e6 : 1;  // budgets hold times in ns
  switch (m->budget_stat) {
    case metrics::BudgetStat::max:
      return *std::max_element(values.begin(), values.end()) * scale;
    case metrics::BudgetStat::median:
      return stats::percentile(values, 50) * scale;
    default:
      return stats::percentile(values, 95) * scale;
  }
}

std::optional<double> measure(const Budget& b, const std::vector<RunResult>& runs,
                              const std::vector<elf::BinarySize>& binaries, std::string& note) {
  if (b.kind != BudgetKind::file_size && b.kind != BudgetKind::stripped_size) return measure_runs(b, runs, note);
  for (const auto& bin : binaries) {
    if (bin.path == b.subject)
      return static_cast<double>(b.kind == BudgetKind::file_size ? bin.file_bytes : bin.stripped_bytes);
  }
  note = "binary not measured";
  return std::nullopt;
}

}  // namespace

std::vector<BudgetResult> check_budgets(const std::vector<Budget>& budgets, const std::vector<RunResult>& runs,
                                        const std::vector<elf::BinarySize>& binaries) {
  std::vector<BudgetResult> results;
  for (const auto& b : budgets) {
    BudgetResult r;
    r.budget = b;
    r.measured = measure(b, runs, binaries, r.note);
    if (r.measured) {
      r.margin = is_maximum(b.kind) ? b.limit - *r.measured : *r.measured - b.limit;
      r.passed = r.margin >= 0;
    }
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace perfprobe::gate
