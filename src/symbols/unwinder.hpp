// DWARF unwinding of one sample from its copied user stack and registers (libdw's
// dwfl_getthread_frames with callbacks that read the copy instead of a live process).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "perfprobe/sampling/profile.hpp"

namespace perfprobe::symbols {

class Symbolizer;

// The modules of one address space at their runtime addresses, ready to unwind samples.
class Unwinder {
 public:
  // `maps`: the executable mappings of one process. Overlapping or unreadable files are skipped.
  Unwinder(const std::vector<const sampling::Mapping*>& maps, Symbolizer& symbolizer);
  ~Unwinder();
  Unwinder(const Unwinder&) = delete;
  Unwinder& operator=(const Unwinder&) = delete;

  // Runtime pcs, leaf first (entries after the first are return addresses). Empty when the
  // sample has no stack copy or nothing could be unwound. Valid until the next call: most samples
  // repeat a remembered unwind, and a copy of it for each would be an allocation each.
  [[nodiscard]] const std::vector<std::uint64_t>& unwind(const sampling::Sample& sample);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Joins a DWARF-unwound chain (exact near the leaf, short: the stack copy ends) with the frame-
// pointer chain (long, but missing the caller of a frameless leaf): DWARF frames up to the first
// return address both chains share, then the frame-pointer chain from there. Without a common
// address: the DWARF chain when `prefer_dwarf` (code without frame pointers gives a garbage frame-
// pointer chain), else the longer one.
// `out` is overwritten (its capacity kept from chain to chain). True when it differs from `fp`
// (told without comparing the whole chains in the usual case).
bool splice_chains(const std::vector<std::uint64_t>& dwarf, const std::vector<std::uint64_t>& fp, bool prefer_dwarf,
                   std::vector<std::uint64_t>& out);

}  // namespace perfprobe::symbols
