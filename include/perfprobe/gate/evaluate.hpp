// Analysis of `perfprobe check`: per-run samples of the runs, budgets checked against them and
// against binary sizes, and the baseline comparison. Pure functions (no syscalls).
#pragma once

#include <vector>

#include "perfprobe/elf/binary_size.hpp"
#include "perfprobe/gate/verdict.hpp"
#include "perfprobe/model.hpp"
#include "perfprobe/stats/mann_whitney.hpp"

namespace perfprobe::gate {

// Per-run values of every metric the runs have (the catalogue's; startup only for runs that got ready).
[[nodiscard]] inline Samples samples_of(const std::vector<RunResult>& runs) { return metrics::samples_of(runs); }

// Checks each budget: run budgets against `runs`, size budgets against the binary of the same path.
[[nodiscard]] std::vector<BudgetResult> check_budgets(const std::vector<Budget>& budgets,
                                                      const std::vector<RunResult>& runs,
                                                      const std::vector<elf::BinarySize>& binaries);

// One metric's two sets of per-run values compared (the rule in docs/check.md); any sizes.
[[nodiscard]] RegressionResult compare_metric(const metrics::MetricId& id, const std::vector<double>& baseline,
                                              const std::vector<double>& current, const BaselineSettings& settings);

// Compares every gated metric present in both with at least 2 values on each side.
[[nodiscard]] std::vector<RegressionResult> compare_to_baseline(const Samples& baseline, const Samples& current,
                                                                const BaselineSettings& settings);

}  // namespace perfprobe::gate
