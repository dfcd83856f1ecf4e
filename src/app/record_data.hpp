// Steps shared by record and attach: the data file's contents from a measured run and its profile,
// and the views of the run (--json, --trace, the summary on stderr).
#pragma once

#include <sys/types.h>

#include <string>

#include "perfprobe/app/diag.hpp"
#include "perfprobe/cli/options.hpp"
#include "perfprobe/report/run_report.hpp"
#include "perfprobe/sampling/data_file.hpp"
#include "sample_source.hpp"

namespace perfprobe::app {

// Takes the first run of `rep` and the profile; fills build-ids the kernel did not give from the
// files on disk, so `report` can tell when a binary changed since.
[[nodiscard]] sampling::RecordData make_record_data(const report::RunReport& rep, ProfileSink sink, pid_t attached_pid);

// --json FILE (atomically), --trace FILE, and the human summary unless --quiet.

// "recorded 1523 samples (cpu-clock at 999 Hz, fp call graph), 0 lost: FILE; next: perfprobe report FILE"
[[nodiscard]] std::string recorded_line(const sampling::RecordData& data, std::uint64_t samples,
                                        const std::string& path);

}  // namespace perfprobe::app
