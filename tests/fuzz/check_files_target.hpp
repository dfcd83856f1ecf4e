// The body of the check-file fuzzer, shared with the unit test that replays its committed corpus
// (tests/fuzz/corpus/check_files): any text given to check's baseline and config readers, and to the
// unit parsers their values go through, gives a value or a UsageError, never a crash or another error.
#pragma once

#include <string>
#include <string_view>

#include "perfprobe/cli/units.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/gate/files.hpp"

namespace fuzz {

inline void check_files_one(std::string_view input) {
  const std::string text(input);
  try {
    (void)perfprobe::gate::parse_baseline(text, "fuzz");
  } catch (const perfprobe::UsageError&) {
  }
  try {
    (void)perfprobe::gate::parse_check_config(text, "fuzz");
  } catch (const perfprobe::UsageError&) {
  }
  try {
    (void)perfprobe::cli::parse_duration_ns(text, "fuzz");
  } catch (const perfprobe::UsageError&) {
  }
  try {
    (void)perfprobe::cli::parse_size_bytes(text, "fuzz");
  } catch (const perfprobe::UsageError&) {
  }
}

}  // namespace fuzz
