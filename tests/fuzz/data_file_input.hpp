// One input of the data-file fuzzer, shared by the libFuzzer harness and the unit test that replays the
// committed corpus (tests/fuzz/corpus/data_file): whatever bytes `perfprobe report` is given, decoding
// gives a profile or a UsageError, and the profile's analysis and every view of it finish without a
// crash, an overflow or a read out of bounds (the ASan+UBSan builds check the last two).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "perfprobe/error.hpp"
#include "perfprobe/report/pprof.hpp"
#include "perfprobe/report/profile_report.hpp"
#include "perfprobe/sampling/data_file.hpp"
#include "perfprobe/symbols/resolve.hpp"
#include "perfprobe/symbols/symbolizer.hpp"

namespace perfprobe::fuzz {

inline void data_file_one_input(const std::uint8_t* data, std::size_t size) {
  sampling::RecordData record;
  try {
    record = sampling::decode_data(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  } catch (const UsageError&) {
    return;
  }
  // The module paths of a crafted file are the attacker's choice: the symbolizer reads them as
  // `report` would (regular files only), so this also exercises that path. One symbolizer serves
  // many inputs, as one serves both files of `report --diff`: opening libc's DWARF for every input
  // made the harness 60 runs a second. It starts afresh now and then, so the modules that crafted
  // paths leave behind stay few.
  constexpr unsigned kInputsPerSymbolizer = 512;
  static unsigned inputs = 0;
  static std::unique_ptr<symbols::Symbolizer> symbolizer;
  if (!symbolizer || ++inputs % kInputsPerSymbolizer == 0) symbolizer = std::make_unique<symbols::Symbolizer>();
  const ResolvedProfile profile = symbols::resolve(record.profile, *symbolizer);
  const report::ProfileReport analysed = report::analyse_profile(profile, record.run.phases, report::ProfileOptions{});
  (void)report::profile_to_json(analysed);
  (void)report::to_folded(profile);
  (void)report::to_trace_json(record.run, record.command, &profile);
  const report::PprofMeta meta{record.command, record.tool,
                               report::recording_start_unix_ns(record.recorded_unix_s, record.run.wall_ns),
                               record.run.wall_ns};
  (void)report::to_pprof(profile, record.run.phases, meta);
}

}  // namespace perfprobe::fuzz
