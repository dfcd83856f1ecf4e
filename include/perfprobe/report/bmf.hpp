// Bencher Metric Format (https://bencher.dev/docs/reference/bencher-metric-format/): what
// `bencher run --file` reads to keep history and thresholds across CI runs. Layout in docs/exports.md.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "perfprobe/metrics/catalogue.hpp"

namespace perfprobe::report {

// One benchmark: its name and the per-run values of its metrics (metrics::samples_of).
using BmfBenchmark = std::pair<std::string, metrics::Samples>;

// {"BENCHMARK": {"MEASURE": {"value": median, "lower_value": min, "upper_value": max}}}, measures
// named by catalogue key ("wall_ms", "tokens.ttft_ms", "phases.load.duration_ms").
[[nodiscard]] std::string to_bmf(const std::vector<BmfBenchmark>& benchmarks);

}  // namespace perfprobe::report
