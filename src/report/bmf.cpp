// Bencher Metric Format: one object per benchmark, one per measure, the median as the value and
// the range over the runs as its bounds (a single run has all three equal).
#include "perfprobe/report/bmf.hpp"

#include <nlohmann/json.hpp>

#include "perfprobe/stats/summary.hpp"

namespace perfprobe::report {

std::string to_bmf(const std::vector<BmfBenchmark>& benchmarks) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  for (const auto& [name, samples] : benchmarks) {
    nlohmann::ordered_json measures = nlohmann::ordered_json::object();
    for (const auto& id : metrics::ids_of(samples)) {
      const auto it = samples.find(id.key());
      if (it == samples.end() || it->second.empty()) continue;
      const stats::Summary s = stats::summarize(it->second);
      measures[id.key()] = {{"value", s.median}, {"lower_value", s.min}, {"upper_value", s.max}};
    }
    doc[name] = std::move(measures);
  }
  return doc.dump(2) + "\n";
}

}  // namespace perfprobe::report
