// The analysed result of `run`, `record`, `attach` and `check`: what every view renders.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "perfprobe/model.hpp"
#include "perfprobe/stats/summary.hpp"

namespace perfprobe::report {

inline constexpr int kSchemaVersion = 1;

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

// Statistics over runs for every numeric metric, keyed by metric name (e.g. "wall_ms").
struct MetricSummaries {
  std::map<std::string, stats::Summary> metrics;
  std::map<std::string, stats::Summary> counters;  // scaled values
};

[[nodiscard]] MetricSummaries summarize_runs(const std::vector<RunResult>& runs);

// Warnings about the trustworthiness of the figures (outliers, high variation, failed runs).
[[nodiscard]] std::vector<std::string> consistency_warnings(const std::vector<RunResult>& runs);

}  // namespace perfprobe::report
