// `perfprobe report --diff OLD.data NEW.data`: which functions gained or lost share of the samples,
// over the whole run and per phase both recordings have, and a two-column folded file (a
// differential flame graph for flamegraph.pl / inferno). Pure: fed with two analysed profiles.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "perfprobe/report/profile_report.hpp"

namespace perfprobe::report {

struct FunctionDelta {
  std::string name;
  double old_self_pct = 0, new_self_pct = 0;    // of the samples in scope
  double old_total_pct = 0, new_total_pct = 0;  // with callees
  [[nodiscard]] double self_delta() const { return new_self_pct - old_self_pct; }
};

struct ScopeDiff {
  std::string name;  // "whole run" or the phase's name
  std::uint64_t old_samples = 0, new_samples = 0;
  std::vector<FunctionDelta> functions;  // largest |self change| first
};

struct ProfileDiff {
  std::vector<std::string> old_command, new_command;
  std::vector<ScopeDiff> scopes;  // the whole run, then each phase of both
};

// Profiles analysed with every function kept (top 0); `top` limits the rows of each scope.
[[nodiscard]] ProfileDiff diff_profiles(const ProfileReport& old_profile, const ProfileReport& new_profile,
                                        std::size_t top);
void write_profile_diff_text(std::ostream& out, const ProfileDiff& diff);
[[nodiscard]] std::string profile_diff_to_json(const ProfileDiff& diff);
// "stack OLD_COUNT NEW_COUNT" per stack of either side: the input of flamegraph.pl for a
// differential flame graph (as difffolded.pl writes it), from two to_folded() texts.
[[nodiscard]] std::string diff_folded(const std::string& old_folded, const std::string& new_folded);

}  // namespace perfprobe::report
