// A debug file's DWARF whose sections are zlib-compressed, inflated only as far as the compile units
// looked up need. libdw inflates every compressed DWARF section of a file when it opens it (libc6-dbg's
// libc: 10 MB out of 4 MB of zlib streams, most of a first report's time, for a few libc frames), so
// libdw gets an in-memory ELF image of the prefixes inflated so far instead (docs/symbol-cache.md).
#pragma once

#include <elfutils/libdw.h>
#include <libelf.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "perfprobe/sys/fd.hpp"  // Fd, Mapping

namespace perfprobe::symbols {

class LazyDwarf {
 public:
  // Null unless `path` is an ELF64 file in this machine's byte order with zlib-compressed DWARF
  // (SHF_COMPRESSED), .debug_aranges and no dwz alternate file: libdw then opens it whole, as always.
  static std::unique_ptr<LazyDwarf> open(const std::string& path);
  ~LazyDwarf();
  LazyDwarf(const LazyDwarf&) = delete;
  LazyDwarf& operator=(const LazyDwarf&) = delete;

  // The compile unit that .debug_aranges says covers `address`, inflating its DIEs, abbreviations
  // and line program first; false when none does. A call may replace libdw's handle, so DIEs from
  // an earlier call must not be used after it.
  bool cu_at(Dwarf_Addr address, Dwarf_Die& cu);

  // Inflated bytes so far, of the sections' `full` uncompressed bytes (what was avoided).
  [[nodiscard]] std::size_t inflated() const noexcept;
  [[nodiscard]] std::size_t full() const noexcept;

  struct Section;

 private:
  LazyDwarf();
  struct Range {
    std::uint64_t low, high, cu;
  };
  bool parse_aranges();
  bool cover(std::uint64_t cu);  // inflate what the CU at this .debug_info offset needs
  bool rebuild();                // libdw handle over the image as inflated now
  [[nodiscard]] unsigned char* image() const noexcept { return static_cast<unsigned char*>(image_.get()); }

  sys::Fd fd_;
  Elf* file_ = nullptr;
  std::vector<Section> sections_;
  sys::Mapping image_;  // ELF header, section slots of full size, names, headers
  std::size_t image_size_ = 0;
  std::size_t shdr_offset_ = 0;
  Elf* image_elf_ = nullptr;
  Dwarf* dwarf_ = nullptr;
  std::vector<Range> ranges_;           // .debug_aranges, by low address
  std::vector<std::uint64_t> covered_;  // CU offsets inflated, sorted
};

}  // namespace perfprobe::symbols
