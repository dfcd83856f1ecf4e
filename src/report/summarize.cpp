// Statistics over runs (the catalogue's) and the warnings that say when they cannot be trusted (pure).
#include <cmath>
#include <cstdio>
#include <string>

#include "perfprobe/metrics/catalogue.hpp"
#include "perfprobe/report/run_report.hpp"

namespace perfprobe::report {

MetricSummaries summarize_runs(const std::vector<RunResult>& runs) { return metrics::summaries_of(runs); }

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
