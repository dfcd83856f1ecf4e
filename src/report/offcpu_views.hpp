// The off-CPU parts of `report`'s text and JSON views, called by profile_text.cpp and
// profile_json.cpp (key names in docs/json-schema.md).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "perfprobe/report/profile_report.hpp"

namespace perfprobe::report {

// "Wall clock" section: the run, each phase, each thread, then the heaviest waits.
void write_off_cpu_text(std::ostream& out, const ProfileReport& report, bool color);

[[nodiscard]] nlohmann::json wall_json(const WallSplit& wall);
// `off_cpu`: null when the recording has no switch records.
[[nodiscard]] nlohmann::json off_cpu_json(const OffCpuReport& off_cpu);

}  // namespace perfprobe::report
