// Statistics over runs and the warnings that say when they cannot be trusted (pure).
#include <cmath>
#include <cstdio>
#include <string>

#include "perfprobe/report/run_report.hpp"

namespace perfprobe::report {

namespace {

std::vector<double> collect(const std::vector<RunResult>& runs, double (*get)(const RunResult&)) {
  std::vector<double> values;
  values.reserve(runs.size());
  for (const auto& r : runs) values.push_back(get(r));
  return values;
}

// Startup, tokens and phases, over the runs that have them; n says how many.
void add_marker_summaries(const std::vector<RunResult>& runs, MetricSummaries& out) {
  std::map<std::string, std::vector<double>> values;
  for (const auto& r : runs) {
    if (r.startup_ns) values["startup_ms"].push_back(static_cast<double>(*r.startup_ns) / 1e6);
    if (r.tokens && r.tokens->ttft_ns) {
      values["ttft_ms"].push_back(static_cast<double>(*r.tokens->ttft_ns) / 1e6);
      values["tokens_per_s"].push_back(r.tokens->tokens_per_s);
    }
    if (r.tokens && !r.tokens->latency_ms.empty()) {
      values["token_latency_p50_ms"].push_back(stats::percentile(r.tokens->latency_ms, 50));
      values["token_latency_p95_ms"].push_back(stats::percentile(r.tokens->latency_ms, 95));
      values["token_latency_p99_ms"].push_back(stats::percentile(r.tokens->latency_ms, 99));
    }
    std::map<std::string, double> first_of;  // a phase that repeats within a run: its total
    for (const auto& p : r.phases) first_of[p.name] += static_cast<double>(p.end_ns - p.start_ns) / 1e6;
    for (const auto& [name, ms] : first_of) values["phase." + name + ".duration_ms"].push_back(ms);
  }
  for (auto& [name, v] : values) out.metrics[name] = stats::summarize(std::move(v));
}

}  // namespace

MetricSummaries summarize_runs(const std::vector<RunResult>& runs) {
  MetricSummaries out;
  if (runs.empty()) return out;
  out.metrics["wall_ms"] =
      stats::summarize(collect(runs, [](const RunResult& r) { return static_cast<double>(r.wall_ns) / 1e6; }));
  out.metrics["user_ms"] =
      stats::summarize(collect(runs, [](const RunResult& r) { return static_cast<double>(r.user_ns) / 1e6; }));
  out.metrics["sys_ms"] =
      stats::summarize(collect(runs, [](const RunResult& r) { return static_cast<double>(r.sys_ns) / 1e6; }));
  out.metrics["peak_rss_bytes"] =
      stats::summarize(collect(runs, [](const RunResult& r) { return static_cast<double>(r.peak_rss_bytes); }));
  out.metrics["peak_tree_rss_bytes"] =
      stats::summarize(collect(runs, [](const RunResult& r) { return static_cast<double>(r.peak_tree_rss_bytes); }));
  // A counter gets a summary only over the runs where it was supported; n says how many.
  std::map<std::string, std::vector<double>> counter_values;
  for (const auto& r : runs) {
    for (const auto& c : r.counters) {
      if (c.supported) counter_values[c.name].push_back(c.value);
    }
  }
  for (auto& [name, values] : counter_values) out.counters[name] = stats::summarize(std::move(values));
  add_marker_summaries(runs, out);
  return out;
}

std::vector<std::string> consistency_warnings(const std::vector<RunResult>& runs) {
  std::vector<std::string> warnings;
  if (runs.size() < 2) return warnings;
  std::vector<double> wall;
  for (const auto& r : runs) wall.push_back(static_cast<double>(r.wall_ns) / 1e6);
  const auto s = stats::summarize(wall);
  const auto outlier_idx = stats::outliers(wall);
  char buf[256];
  if (!outlier_idx.empty()) {
    std::snprintf(buf, sizeof buf,
                  "%zu of %zu runs are statistical outliers in wall time (modified Z-score > 3.5): another "
                  "program or caches interfered; try --warmup or --prepare, and a quiet machine",
                  outlier_idx.size(), runs.size());
    warnings.emplace_back(buf);
  }
  const double cv = stats::coefficient_of_variation(s);
  if (cv > 0.10) {
    std::snprintf(buf, sizeof buf,
                  "wall time varies by %.0f%% (stddev/mean) over %zu runs: the figures are not precise enough to "
                  "compare small differences",
                  cv * 100, runs.size());
    warnings.emplace_back(buf);
  }
  if (runs.size() >= 3 && wall.front() > s.median * 1.5) {
    warnings.emplace_back("the first run was much slower than the rest (cold caches?); try --warmup 1 or --prepare");
  }
  std::size_t failed = 0;
  for (const auto& r : runs) failed += (r.exit_code != 0) ? 1 : 0;
  if (failed > 0) {
    std::snprintf(buf, sizeof buf, "%zu of %zu runs exited with a non-zero status", failed, runs.size());
    warnings.emplace_back(buf);
  }
  return warnings;
}

}  // namespace perfprobe::report
