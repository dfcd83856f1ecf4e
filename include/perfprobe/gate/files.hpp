// The files `perfprobe check` reads: the JSON config (--config) and the baseline (--baseline: the
// JSON of an earlier `check` or `run`). Both throw UsageError naming the file and the key at fault.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "perfprobe/gate/verdict.hpp"

namespace perfprobe::gate {

// The config file as written, values still as text (units are parsed with the flags' parser).
struct CheckConfig {
  std::vector<std::string> binaries;
  std::vector<std::string> command;
  std::optional<int> runs;
  std::optional<int> warmup;
  std::optional<std::string> ready;
  std::optional<std::string> tokens;
  std::optional<bool> cold;
  std::optional<std::string> baseline;
  std::optional<double> confidence;
  std::optional<int> confirm;
  std::optional<std::string> tolerance;
  // budgets.KEY as text; a bare number is bytes for sizes, ms for times, tokens/s for rates.
  std::vector<std::pair<std::string, std::string>> budgets;
  std::vector<std::pair<std::string, std::string>> phase_budgets;  // budgets.phase_p95.NAME
};

[[nodiscard]] CheckConfig parse_check_config(const std::string& text, const std::string& name);

// Per-run samples from the "samples" of a check or run JSON, keys mapped to today's catalogue.
[[nodiscard]] Samples parse_samples(const std::string& text, const std::string& name);
// The same, and a gated metric with a median of zero or less is a UsageError.
[[nodiscard]] Samples parse_baseline(const std::string& text, const std::string& name);

}  // namespace perfprobe::gate
