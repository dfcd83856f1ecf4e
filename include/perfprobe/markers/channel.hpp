// perfprobe's end of the marker API (include/perfprobe/marker.h): a shared-memory ring in a memfd
// that the target inherits, named in PERFPROBE_MARKER_FD. Marks cost the target ~50 ns and no
// syscall; perfprobe drains the ring from its event loop (1.2 ns a record, docs/kernel-facts.md §8).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "perfprobe/model.hpp"
#include "perfprobe/sys/fd.hpp"

namespace perfprobe::markers {

class MarkerChannel {
 public:
  // A ring of `capacity` records (rounded up to a power of two). Throws Error.
  explicit MarkerChannel(std::size_t capacity = 65536);

  // The fd the target must inherit and the environment entry that names it.
  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] std::string env_entry() const;

  // Appends the complete records written so far as events (absolute CLOCK_MONOTONIC times,
  // source "mark"). Never blocks; a record still being written is left for the next call.
  void drain(std::vector<Event>& out);
  // Marks lost because the ring was full.
  [[nodiscard]] std::uint64_t dropped() const noexcept;

 private:
  [[nodiscard]] std::string name_of(std::uint32_t id) const;
  sys::Fd fd_;
  sys::Mapping map_;
};

}  // namespace perfprobe::markers
