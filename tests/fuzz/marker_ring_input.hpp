// One input of the marker-ring fuzzer, shared by the libFuzzer harness and the unit test that replays
// the committed corpus. The input is the shared memory as a hostile target left it (copied over a
// 64-record ring), then 8-byte edits {u32 offset, u32 value} made between two drains, as a target
// writing at the same time would. Whatever the bytes, the reader returns and never reads outside.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "perfprobe/marker.h"
#include "perfprobe/markers/channel.hpp"

namespace perfprobe::fuzz {

inline constexpr std::uint64_t kRingCapacity = 64;
inline constexpr std::size_t kRingBytes = sizeof(perfprobe_ring) + kRingCapacity * sizeof(perfprobe_record);

inline void marker_ring_one_input(const std::uint8_t* data, std::size_t size) {
  // Exactly the ring's size on the heap, so ASan catches a read one byte past it.
  std::vector<std::uint64_t> words(kRingBytes / 8);
  auto* ring = reinterpret_cast<unsigned char*>(words.data());
  const std::size_t head = std::min(size, kRingBytes);
  std::memcpy(ring, data, head);
  markers::RingReader reader(ring, kRingCapacity, 1000, 16);
  std::vector<Event> events;
  reader.drain(events, std::int64_t{1} << 62);
  for (std::size_t at = head; at + 8 <= size; at += 8) {
    std::uint32_t offset = 0;
    std::uint32_t value = 0;
    std::memcpy(&offset, data + at, 4);
    std::memcpy(&value, data + at + 4, 4);
    offset = offset % (kRingBytes - 3) & ~3u;
    std::memcpy(ring + offset, &value, 4);
    reader.drain(events, std::int64_t{1} << 62);
  }
  (void)reader.counts();
  (void)reader.dropped();
  (void)reader.corruption();
}

}  // namespace perfprobe::fuzz
