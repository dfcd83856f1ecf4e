// Derived counter figures (pure).
#include "perfprobe/report/derived.hpp"

#include <optional>

namespace perfprobe::report {

namespace {
// Matches "cycles" as well as PMU-qualified spellings such as "perf::cycles" or "cycles:u".
std::optional<double> find(const std::vector<CounterReading>& counters, const std::string& base) {
  for (const auto& c : counters) {
    if (!c.supported) continue;
    std::string name = c.name;
    if (const auto pos = name.rfind("::"); pos != std::string::npos) name = name.substr(pos + 2);
    if (const auto colon = name.find(':'); colon != std::string::npos) name = name.substr(0, colon);
    if (name == base) return c.value;
  }
  return std::nullopt;
}
}  // namespace

std::map<std::string, double> derived_metrics(const std::vector<CounterReading>& counters, std::int64_t wall_ns) {
  std::map<std::string, double> out;
  const auto cycles = find(counters, "cycles");
  const auto instructions = find(counters, "instructions");
  if (cycles && instructions && *cycles > 0) out["ipc"] = *instructions / *cycles;
  const auto refs = find(counters, "cache-references");
  const auto misses = find(counters, "cache-misses");
  if (refs && misses && *refs > 0) out["cache_miss_pct"] = 100.0 * *misses / *refs;
  const auto branches = find(counters, "branches");
  const auto branch_misses = find(counters, "branch-misses");
  if (branches && branch_misses && *branches > 0) out["branch_miss_pct"] = 100.0 * *branch_misses / *branches;
  const auto task_clock = find(counters, "task-clock");
  if (task_clock && wall_ns > 0) out["cpus_utilized"] = *task_clock / static_cast<double>(wall_ns);
  return out;
}

}  // namespace perfprobe::report
