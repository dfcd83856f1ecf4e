// Pure statistics over a set of measurements: descriptive summary, percentiles, outliers.
#pragma once

#include <cstddef>
#include <vector>

namespace perfprobe::stats {

// Descriptive statistics of one metric over n runs. stddev is the sample standard deviation (n-1).
struct Summary {
  std::size_t n = 0;
  double mean = 0, stddev = 0, min = 0, max = 0, median = 0, p90 = 0, p95 = 0, p99 = 0;
};

// Percentile q in [0,100] by linear interpolation between closest ranks (Hyndman-Fan type 7, the
// default of numpy and R). `sorted` must be ascending and non-empty.
[[nodiscard]] double percentile_sorted(const std::vector<double>& sorted, double q);
[[nodiscard]] double percentile(std::vector<double> values, double q);

[[nodiscard]] Summary summarize(std::vector<double> values);

// Indices of outliers by the modified Z-score (Iglewicz and Hoaglin): |0.6745 (x - median) / MAD| > limit.
// 3.5 is their recommended limit. Returns none when MAD is 0 or fewer than 3 values.
[[nodiscard]] std::vector<std::size_t> outliers(const std::vector<double>& values, double limit = 3.5);

// Coefficient of variation, stddev / |mean| (0 when the mean is 0).
[[nodiscard]] double coefficient_of_variation(const Summary& s);

}  // namespace perfprobe::stats
