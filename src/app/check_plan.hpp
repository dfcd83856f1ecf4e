// `perfprobe check`'s plan: the flags merged over the config file (flags win), every value with a
// unit parsed, every contradiction found, before anything runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "perfprobe/cli/options.hpp"
#include "perfprobe/gate/verdict.hpp"

namespace perfprobe::app {

struct CheckPlan {
  cli::RunOptions run;  // command, runs, warmup, markers: what build_plan takes
  std::vector<std::string> binaries;
  std::vector<gate::Budget> budgets;
  std::optional<gate::BaselineSettings> baseline;
  bool record_only = false;           // no budget, no baseline, --json: the runs become a baseline
  std::vector<std::string> warnings;  // found while planning, shown with the verdict
};

// Throws UsageError naming the flag or config key at fault.
[[nodiscard]] CheckPlan make_check_plan(const cli::CheckOptions& options);

// "10%" -> 0.10, "0.1" -> 0.1; `what` names the flag or key. Throws UsageError.
[[nodiscard]] double parse_fraction(const std::string& text, const std::string& what);

}  // namespace perfprobe::app
