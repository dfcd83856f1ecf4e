// Metrics for Prometheus: the families of a run report (and of a live attach window), and their two
// text expositions, OpenMetrics 1.0 and Prometheus text 0.0.4. Names, labels, version: docs/exports.md.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "perfprobe/model.hpp"

namespace perfprobe::report {

using Labels = std::vector<std::pair<std::string, std::string>>;

struct MetricPoint {
  std::string suffix;  // "" for gauges and quantiles, "_total", "_sum", "_count"
  Labels labels;
  double value = 0;
};

enum class MetricType { gauge, counter, summary };

// One family: `name` is the OpenMetrics family name (a counter's without its "_total").
struct MetricFamily {
  std::string name;
  MetricType type = MetricType::gauge;
  std::string unit;  // "seconds", "bytes" or empty; when set, `name` ends with it
  std::string help;
  std::vector<MetricPoint> points;
};

enum class Exposition { openmetrics, prometheus_text };

// The version of the families' names, types and labels (docs/exports.md), in perfprobe_export_info:
// bumped when a name, type or label changes meaning or goes; new families and labels keep it.
inline constexpr int kExportSchemaVersion = 1;

// The content types a scrape negotiates between.
inline constexpr const char* kOpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";
inline constexpr const char* kPrometheusTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// The exposition text. `timestamp_s` (OpenMetrics only) stamps every point, as a finished run's
// file wants (backfilling with promtool); families without points are left out.
[[nodiscard]] std::string render_metrics(const std::vector<MetricFamily>& families, Exposition format,
                                         std::optional<double> timestamp_s = std::nullopt);

// The labels every point of a run carries besides run, phase, counter, marker and quantile.
struct ExportLabels {
  std::string command;  // the target's command line
  std::string host;
};

// A run's inter-token latency summary, already taken (a live window keeps its latencies in a form
// that answers quantiles without a pass over all of them).
struct LatencySummary {
  std::vector<std::pair<double, double>> quantiles;  // (quantile, seconds) for kLatencyQuantiles
  double sum_s = 0;
  double count = 0;
};
inline constexpr double kLatencyQuantiles[] = {0.5, 0.9, 0.95, 0.99};

// The families of some runs (one point per run, label run="1".."N"), named from the metrics
// catalogue: seconds and bytes as base units, counts as counters (_total), inter-token latency
// as a summary with quantiles 0.5, 0.9, 0.95, 0.99, plus marker counts, led by
// perfprobe_export_info{schema_version, version} 1. `latency[i]`, when given, is run i's summary
// instead of one taken from its tokens->latency_ms.
[[nodiscard]] std::vector<MetricFamily> run_families(const std::vector<RunResult>& runs, const ExportLabels& labels,
                                                     const std::vector<std::optional<LatencySummary>>& latency = {});

// "llm:token/s" -> "llm_token_s": what a metric name or label name may hold.
[[nodiscard]] std::string metric_name_part(const std::string& text);

}  // namespace perfprobe::report
