// Descriptive statistics and outlier detection; no I/O, no syscalls.
#include "perfprobe/stats/summary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace perfprobe::stats {

double percentile_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  if (sorted.size() == 1) return sorted.front();
  const double rank = std::clamp(q, 0.0, 100.0) / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const auto hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = rank - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

// Two selections instead of a sort: the same interpolated value in linear time, which matters
// when every scrape of attach --serve takes several percentiles of a long window's latencies.
double percentile(std::vector<double> values, double q) {
  if (values.size() < 2) return values.empty() ? 0 : values.front();
  const double rank = std::clamp(q, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const auto at = values.begin() + static_cast<std::ptrdiff_t>(lo);
  std::nth_element(values.begin(), at, values.end());
  const double low = *at;
  // Everything after the lo-th is at least as large: the next order statistic is their minimum.
  const double high = lo + 1 < values.size() ? *std::min_element(at + 1, values.end()) : low;
  return low + (high - low) * (rank - static_cast<double>(lo));
}

Summary summarize(std::vector<double> values) {
  Summary s;
  s.n = values.size();
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  s.min = values.front();
  s.max = values.back();
  s.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(s.n);
  if (s.n > 1) {
    double ss = 0;
    for (const double v : values) ss += (v - s.mean) * (v - s.mean);
    s.stddev = std::sqrt(ss / static_cast<double>(s.n - 1));
  }
  s.median = percentile_sorted(values, 50);
  s.p90 = percentile_sorted(values, 90);
  s.p95 = percentile_sorted(values, 95);
  s.p99 = percentile_sorted(values, 99);
  return s;
}

std::vector<std::size_t> outliers(const std::vector<double>& values, double limit) {
  std::vector<std::size_t> result;
  if (values.size() < 3) return result;
  const double med = percentile(values, 50);
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (const double v : values) deviations.push_back(std::fabs(v - med));
  const double mad = percentile(deviations, 50);
  if (mad == 0) return result;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::fabs(0.6745 * (values[i] - med) / mad) > limit) result.push_back(i);
  }
  return result;
}

double coefficient_of_variation(const Summary& s) { return s.mean == 0 ? 0 : s.stddev / std::fabs(s.mean); }

}  // namespace perfprobe::stats
