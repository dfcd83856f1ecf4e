// `perfprobe size NEW --diff OLD`: what grew and what shrank, by section, by symbol (as bloaty's
// diff mode does) and by shared library of the closure. Pure: computed from two BinarySize values, whichever way they
// were obtained.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "perfprobe/elf/binary_size.hpp"

namespace perfprobe::elf {

struct DiffRow {
  std::string name;
  std::uint64_t old_file_bytes = 0;
  std::uint64_t new_file_bytes = 0;
  std::uint64_t old_vm_bytes = 0;
  std::uint64_t new_vm_bytes = 0;
  bool added = false;    // only in the new file
  bool removed = false;  // only in the old file
  [[nodiscard]] std::int64_t file_delta() const {
    return static_cast<std::int64_t>(new_file_bytes) - static_cast<std::int64_t>(old_file_bytes);
  }
  [[nodiscard]] std::int64_t vm_delta() const {
    return static_cast<std::int64_t>(new_vm_bytes) - static_cast<std::int64_t>(old_vm_bytes);
  }
};

struct SizeDiff {
  std::string old_path;
  std::string new_path;
  DiffRow total;                  // file size (vm: sum of PT_LOAD)
  DiffRow stripped;               // size after strip
  std::vector<DiffRow> sections;  // changed ones only, largest |file delta| (then |vm delta|) first
  std::vector<DiffRow> symbols;   // changed ones only (size, keyed by mangled name), largest |delta| first
  bool symbols_complete = true;   // false when either side only had its top-N symbols
  // The shared-library closure (file bytes; keyed by the DT_NEEDED name): libraries added, removed
  // or changed in size, largest change first, and the closure's total. Only when both sides
  // resolved their libraries (`libraries_compared`).
  bool libraries_compared = false;
  std::vector<DiffRow> libraries;
  DiffRow closure;
};

// `top_symbols` limits the symbol rows (0 = all).
[[nodiscard]] SizeDiff diff_sizes(const BinarySize& old_size, const BinarySize& new_size, std::size_t top_symbols);

}  // namespace perfprobe::elf
