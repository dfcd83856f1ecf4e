// libFuzzer harness for the marker ring reader: whatever a target writes into the shared ring,
// perfprobe reads only inside it, never loops without end, and at worst calls the ring corrupt.
#include "marker_ring_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  perfprobe::fuzz::marker_ring_one_input(data, size);
  return 0;
}
