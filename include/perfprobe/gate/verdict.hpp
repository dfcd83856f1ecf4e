// The gate's model: budgets, what was measured against them, baseline comparisons, and the verdict
// of `perfprobe check`. Plain data; gate/ computes and renders it (see docs/check.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "perfprobe/metrics/catalogue.hpp"

namespace perfprobe::gate {

enum class BudgetKind {
  file_size,          // bytes of a --binary file
  stripped_size,      // bytes of a --binary file after strip
  startup_p95,        // ns, p95 over the runs of exec -> ready (needs a ready marker)
  wall_p95,           // ns, p95 over the runs of exec -> exit
  peak_rss,           // bytes, the largest peak RSS of any run
  token_latency_p95,  // ns, p95 of every inter-token latency of every run
  tokens_per_s_min,   // tokens/s, the median run's decode rate must reach it
  phase_p95,          // ns, p95 over the runs of the duration of phase `subject`
};

struct Budget {
  BudgetKind kind = BudgetKind::wall_p95;
  std::string subject;  // the binary (sizes) or the phase name; empty otherwise
  double limit = 0;     // bytes, ns or tokens/s
  std::string origin;   // where it was set: "--max-size" or "config budgets.file_size"
};

// The config key of a budget kind ("stripped_size", "startup_p95", ...).
[[nodiscard]] std::string budget_key(BudgetKind kind);
// "bytes", "ns" or "tokens/s".
[[nodiscard]] std::string budget_unit(BudgetKind kind);
// True when the measured value must stay at or below the limit (false: at or above).
[[nodiscard]] bool is_maximum(BudgetKind kind);

struct BudgetResult {
  Budget budget;
  std::optional<double> measured;  // absent when nothing measured it (e.g. no ready marker)
  bool passed = false;
  double margin = 0;  // room left in the budget's unit; negative when over
  std::string note;   // why it is absent, or how it was computed
};

// Per-run values of each metric, keyed by the catalogue's keys ("wall_ms", "startup_ms",
// "tokens.tokens_per_s", "phases.NAME.duration_ms"). What a baseline file provides and a check records.
using Samples = metrics::Samples;

// What a comparison concluded about one metric (docs/check.md):
// regressed/improved: significant AND beyond the tolerance AND beyond the metric's absolute floor AND
// beyond the runs' spread (either side's interquartile range);
// inconclusive: beyond all three, but the test cannot confirm it (add runs); same: within one.
enum class Outcome { same, improved, regressed, inconclusive };

struct RegressionResult {
  std::string metric;  // a Samples key
  std::string label;   // for people: "wall", "load duration"
  metrics::Unit unit = metrics::Unit::ms;
  bool higher_is_worse = true;
  std::size_t baseline_n = 0;
  std::size_t current_n = 0;
  double baseline_median = 0;
  double current_median = 0;
  double change = 0;         // current/baseline - 1, signed as the figure moved (-0.627: it fell by 62.7%)
  double worse_by = 0;       // the change in the worse direction (0.3 = 30% worse, negative = better)
  double floor = 0;          // the metric's absolute floor, in its unit
  double spread = 0;         // the larger interquartile range of the two sides, in its unit
  double p_value = 1;        // one-sided, H1: current is worse
  double p_better = 1;       // one-sided, H1: current is better
  std::string method;        // "exact", "normal approximation", or "none" (fewer than 2 runs a side)
  bool significant = false;  // p_value < 1 - confidence
  bool regressed = false;    // outcome == regressed
  Outcome outcome = Outcome::same;
  std::string note;  // e.g. "add runs: 3 vs 3 cannot reach 99% confidence"
};

struct BaselineSettings {
  std::string path;
  double confidence = 0.99;  // the test's confidence level
  double tolerance = 0.05;   // the smallest relative change worth failing for
  bool fail_on_inconclusive = false;
  int confirm = 1;  // rounds of runs that must each find a regression before it fails (docs/check.md)
};

struct Verdict {
  std::string tool;
  std::vector<std::string> command;  // empty when only binaries were checked
  std::size_t runs = 0;              // measured runs
  int warmup = 0;
  bool cold = false;
  std::vector<BudgetResult> budgets;
  std::optional<BaselineSettings> baseline;
  std::vector<RegressionResult> regressions;  // one per metric compared, on the first round of runs
  std::size_t confirmation_rounds = 0;        // rounds measured again to confirm a regression
  std::size_t confirmation_runs = 0;          // the runs of those rounds (also in `samples`)
  Samples samples;                            // this check's per-run values (a later --baseline reads them)
  std::vector<std::string> warnings;

  [[nodiscard]] bool passed() const {
    for (const auto& b : budgets) {
      if (!b.passed) return false;
    }
    const bool strict = baseline && baseline->fail_on_inconclusive;
    for (const auto& r : regressions) {
      if (r.regressed) return false;
      if (strict && r.outcome == Outcome::inconclusive && r.worse_by > 0) return false;
    }
    return true;
  }
};

}  // namespace perfprobe::gate
