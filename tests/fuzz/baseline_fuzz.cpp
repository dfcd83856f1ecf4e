// libFuzzer harness for the readers of `perfprobe check`'s files (config and baseline JSON) and the unit
// parsers of their values: any text gives a value or a UsageError, never a crash. Seed corpus:
// tests/fuzz/corpus/check_files (replayed by tests/unit/gate/fuzz_corpus_test.cpp).
#include <cstddef>
#include <cstdint>

#include "fuzz/check_files_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::check_files_one(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
