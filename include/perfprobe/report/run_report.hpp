// The analysed result of `run`, `record`, `attach` and `check`: what every view renders.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "perfprobe/model.hpp"
#include "perfprobe/stats/summary.hpp"

namespace perfprobe::report {

// Documents that have not changed shape (size, probes).
inline constexpr int kSchemaVersion = 1;
// run, attach and check: 2 since summary.tokens and summary.phases.NAME hold statistics over runs and
// "samples" holds the per-run values (docs/json-schema.md).
inline constexpr int kRunSchemaVersion = 2;

struct RunReport {
  std::string tool;  // "perfprobe X.Y.Z"
  std::vector<std::string> command;
  int warmup = 0;
  bool interrupted = false;
  std::vector<RunResult> runs;           // measured runs only (warm-up runs are not reported)
  std::vector<std::string> warnings;     // also printed on stderr
  std::vector<std::string> unavailable;  // sources that could not be used, each "what: why"
  double interval_ms = 0;                // RSS sampling interval
  bool attached = false;                 // `attach`: the target was running before and after
};

// Statistics over runs of every metric of the catalogue the runs have, keyed by the metric's key
// ("wall_ms", "tokens.ttft_ms", "phases.load.duration_ms", "counters.task-clock").
using MetricSummaries = std::map<std::string, stats::Summary>;

[[nodiscard]] MetricSummaries summarize_runs(const std::vector<RunResult>& runs);

// Warnings about the trustworthiness of the figures (outliers, high variation, failed runs).
[[nodiscard]] std::vector<std::string> consistency_warnings(const std::vector<RunResult>& runs);

}  // namespace perfprobe::report
