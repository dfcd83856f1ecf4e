// libFuzzer harness for the `record` data file reader and the analysis `report` runs on what it read.
#include "data_file_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  perfprobe::fuzz::data_file_one_input(data, size);
  return 0;
}
