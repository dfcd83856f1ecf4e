// libFuzzer harness for the readers of `perfprobe check`'s files (config and baseline JSON): any
// text gives a value or a UsageError, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "perfprobe/error.hpp"
#include "perfprobe/gate/files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)perfprobe::gate::parse_baseline(text, "fuzz");
  } catch (const perfprobe::UsageError&) {
  }
  try {
    (void)perfprobe::gate::parse_check_config(text, "fuzz");
  } catch (const perfprobe::UsageError&) {
  }
  return 0;
}
