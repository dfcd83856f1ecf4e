// The one catalogue of metrics: every figure perfprobe summarises over runs, gates, compares or
// exports, with its key, unit, direction, extractor and summary. Views iterate it instead of naming
// metrics themselves (docs/metrics.md lists the table).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perfprobe/model.hpp"
#include "perfprobe/stats/summary.hpp"

namespace perfprobe::metrics {

enum class Unit { ms, ns, bytes, per_s, count };
enum class Better { lower, higher };
// run: one value per run. phase: one per phase name (key "phases.NAME.FIELD"). counter: one per
// counter name (key "counters.NAME").
enum class Family { run, phase, counter };
// The statistic a check budget compares with its limit.
enum class BudgetStat { none, p95, max, median, pooled_p95 };

struct Metric {
  std::string_view field;  // "wall_ms"; for families the part after the member ("duration_ms")
  std::string_view group;  // "" (top level), "tokens"; families: "phases", "counters"
  std::string_view label;  // for people: "wall", "time to first token"
  Unit unit = Unit::ms;
  Better better = Better::lower;
  Family family = Family::run;
  double floor = 0;         // the smallest absolute change worth reporting, in `unit` (docs/check.md)
  std::string_view budget;  // check's budget key ("wall_p95"), empty when none
  BudgetStat budget_stat = BudgetStat::none;
  bool gated = false;  // check --baseline compares it (the rest are shown, compared, not gated)
  // One run's value; absent when the run has none (no ready marker, no tokens, no such phase).
  std::optional<double> (*extract)(const RunResult& run, const std::string& member) = nullptr;
  // For BudgetStat::pooled_p95: every value of one run (e.g. each inter-token latency).
  std::vector<double> (*pooled)(const RunResult& run) = nullptr;
};

// The table, in the order views print it.
[[nodiscard]] const std::vector<Metric>& catalogue();

// One concrete metric: a catalogue row, plus the phase or counter name for families.
struct MetricId {
  const Metric* metric = nullptr;
  std::string member;

  [[nodiscard]] std::string key() const;  // "wall_ms", "tokens.ttft_ms", "phases.load.duration_ms"
  [[nodiscard]] std::string label() const;
  [[nodiscard]] Unit unit() const;  // task-clock and cpu-clock counters count ns
  [[nodiscard]] std::optional<double> value(const RunResult& run) const { return metric->extract(run, member); }
  [[nodiscard]] bool higher_is_better() const { return metric->better == Better::higher; }
};

// A key back to its metric; also accepts the keys of schema_version 1 ("phase_ms.NAME",
// "phase.NAME.duration_ms", "tokens_per_s", "ttft_ms", "token_latency_p95_ms").
[[nodiscard]] std::optional<MetricId> find(const std::string& key);
// The metric a check budget key measures ("wall_p95" -> wall_ms), or nothing.
[[nodiscard]] const Metric* by_budget(std::string_view budget_key);

// Every metric present in at least one run: catalogue order, phases and counters in first-seen order.
[[nodiscard]] std::vector<MetricId> metrics_of(const std::vector<RunResult>& runs);
// The values of one metric over the runs that have it, in run order.
[[nodiscard]] std::vector<double> values_of(const MetricId& id, const std::vector<RunResult>& runs);

// Per-run values keyed by MetricId::key(): what check records, a baseline provides and compare reads.
using Samples = std::map<std::string, std::vector<double>>;
[[nodiscard]] Samples samples_of(const std::vector<RunResult>& runs);
// The metrics of some samples in catalogue order (a phase's figures together); unknown keys left out.
[[nodiscard]] std::vector<MetricId> ids_of(const Samples& samples);
// The statistics over runs of every metric, keyed like Samples.
[[nodiscard]] std::map<std::string, stats::Summary> summaries_of(const std::vector<RunResult>& runs);

[[nodiscard]] std::string_view unit_name(Unit unit);  // "ms", "ns", "bytes", "per_s", "count"

}  // namespace perfprobe::metrics
