// perfprobe's end of the marker API (include/perfprobe/marker.h): a shared-memory ring in a sealed
// memfd that the target inherits, named in PERFPROBE_MARKER_FD. Marks cost the target ~50 ns and no
// system call; the target nudges perfprobe through a shared futex only when the ring fills up, for
// the first token and for ready/phase marks (which wait for their snapshot, see docs/markers.md).
// The target can write anything into the ring: RingReader trusts none of it (docs/markers.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "perfprobe/model.hpp"
#include "perfprobe/sys/fd.hpp"

namespace perfprobe::markers {

// Reads a ring that perfprobe laid out (its capacity and read position are perfprobe's own copies,
// never read back). Every value the target can write is checked; at the first impossible one the
// ring is declared corrupt and nothing is read from it again. Pure apart from the memory it reads.
class RingReader {
 public:
  // `ring` is a perfprobe_ring followed by `capacity` records (a power of two); marks older than
  // `created_ns` (CLOCK_MONOTONIC) are impossible. Plain marks beyond `max_timed_per_site` per call
  // site are counted but not kept as events (the memory of a million-mark run stays small).
  RingReader(void* ring, std::uint64_t capacity, std::int64_t created_ns, std::uint64_t max_timed_per_site);

  // Appends the complete records written so far as events (absolute CLOCK_MONOTONIC times, source
  // "mark") and frees their slots. A record still being written is left for the next call.
  void drain(std::vector<Event>& out, std::int64_t now_ns);
  // Records consumed so far (the seq of the last one).
  [[nodiscard]] std::uint64_t position() const noexcept { return tail_; }
  // Marks whose record was lost (ring full, or not kept), 0 once corrupt.
  [[nodiscard]] std::uint64_t dropped() const noexcept;
  // Exact mark counts per marker key ("mark:NAME", "mark:NAME.begin", ...) from the call sites'
  // counters. Checks them against the records read; empty once corrupt.
  [[nodiscard]] std::map<std::string, std::uint64_t> counts();
  // Empty while the ring is sound; else what was wrong, for the one warning.
  [[nodiscard]] const std::string& corruption() const noexcept { return corruption_; }

 private:
  struct Site {
    bool known = false;
    std::uint32_t kind = 0;
    std::string name;           // with ".begin"/".end" for phases
    std::uint64_t records = 0;  // records read from this site
  };
  Site* site(std::uint32_t id);
  void fail(std::string why);
  unsigned char* ring_;
  std::uint64_t capacity_;
  std::int64_t created_ns_;
  std::uint64_t max_timed_;
  std::uint64_t tail_ = 0;
  std::uint64_t skipped_ = 0;  // read but not kept as events
  std::vector<Site> sites_;
  std::string corruption_;
};

class MarkerChannel {
 public:
  // A ring of `capacity` records (rounded up to a power of two). Throws Error.
  explicit MarkerChannel(std::size_t capacity = 65536, std::uint64_t max_timed_per_site = UINT64_MAX);

  // The fd the target must inherit and the environment entry that names it.
  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] std::string env_entry() const;
  // The futex word the target bumps when perfprobe should drain now.
  [[nodiscard]] std::uint32_t* nudge_word() const noexcept;
  // Ready/phase marks wait up to `limit_us` for ack() (0: they never wait).
  void set_handshake(std::uint32_t limit_us) noexcept;

  void drain(std::vector<Event>& out);
  // Tells waiting ready/phase marks that everything drained so far has had its snapshot.
  void ack() noexcept;
  [[nodiscard]] std::uint64_t dropped() const noexcept { return reader_.dropped(); }
  [[nodiscard]] std::map<std::string, std::uint64_t> counts() { return reader_.counts(); }
  [[nodiscard]] const std::string& corruption() const noexcept { return reader_.corruption(); }

 private:
  sys::Fd fd_;
  sys::Mapping map_;
  RingReader reader_;
};

}  // namespace perfprobe::markers
