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

// True when some metric of `results` regressed.
[[nodiscard]] bool any_regressed(const std::vector<RegressionResult>& results);

// Holds each regression of the first round against a confirmation round (the same baseline, fresh
// runs): one that did not regress there too becomes inconclusive, with the round's figures in its
// note. `round_number` counts from 1 (docs/check.md, "Confirmation").
void confirm_regressions(std::vector<RegressionResult>& first, const std::vector<RegressionResult>& round,
                         std::size_t round_number);

}  // namespace perfprobe::gate
