// libFuzzer harness for the ELF reader: any bytes must give a BinarySize or a UsageError, never a
// crash, a hang or a sanitizer report. Built with -DPERFPROBE_FUZZ=ON (clang).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "perfprobe/elf/binary_size.hpp"
#include "perfprobe/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<char> bytes(reinterpret_cast<const char*>(data), reinterpret_cast<const char*>(data) + size);
  perfprobe::elf::SizeOptions options;
  options.libraries = false;
  options.top_symbols = 50;  // exercises demangling of whatever names the input holds
  try {
    (void)perfprobe::elf::measure_memory("fuzz", bytes, options);
  } catch (const perfprobe::UsageError&) {
    // the expected answer to bad input
  }
  return 0;
}
