// libFuzzer harness for crafted separate debug files (debug_file_input.hpp says what must hold).
// Built with -DPERFPROBE_FUZZ=ON (clang); seeds: tests/fuzz/corpus/debug_file.
#include <cstddef>
#include <cstdint>

#include "debug_file_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  perfprobe::fuzz::debug_file_one_input(data, size);
  return 0;
}
