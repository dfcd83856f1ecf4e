// One ELF file loaded through libdwfl at its own addresses (bias 0), with its debug info found the
// standard way (same file, build-id or .gnu_debuglink under /usr/lib/debug).
#pragma once

#include <elfutils/libdwfl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lazy_dwarf.hpp"
#include "perfprobe/profile.hpp"

namespace perfprobe::symbols {

struct DwflEnd {
  void operator()(Dwfl* d) const noexcept { dwfl_end(d); }
};
using DwflHandle = std::unique_ptr<Dwfl, DwflEnd>;

// Callbacks shared by every Dwfl perfprobe makes: find files and their separate debug info.
const Dwfl_Callbacks* offline_callbacks();

// The same for unwinding, which reads DWARF only for call frame information: a separate debug file
// without .debug_frame is not opened, since libdw would inflate all of its (often compressed) DWARF
// when the unwinder falls back from .eh_frame, to find no CFI there.
const Dwfl_Callbacks* unwind_callbacks();

class Module {
 public:
  // Empty optional-like: `ok()` is false when the file is not a readable ELF file.
  explicit Module(const std::string& path);
  [[nodiscard]] bool ok() const noexcept { return mod_ != nullptr; }
  [[nodiscard]] std::optional<std::uint64_t> file_address(std::uint64_t map_start, std::uint64_t pgoff,
                                                          std::uint64_t addr) const;
  [[nodiscard]] std::vector<FrameInfo> frames(std::uint64_t address) const;
  // The frame frames() gives last (the function the compiler emitted) named from the symbol table,
  // without file:line or the inlined frames, so no DWARF is read; frames() itself when no symbol
  // covers the address, as the name then comes from the DWARF.
  [[nodiscard]] std::vector<FrameInfo> function_at(std::uint64_t address) const;
  [[nodiscard]] ModuleSummary describe() const;
  // The build-id alone (hex, empty without one): read from the file's notes, no DWARF opened.
  [[nodiscard]] std::string build_id() const;
  // What the answers of frames() and describe() depend on besides the build-id: this path, the file
  // and every debug file the search would find, each as it is on disk now (symbol_cache.hpp).
  [[nodiscard]] std::string cache_fingerprint() const;
  // Bytes of compressed DWARF inflated so far by frames() (describe() inflates none): 0 when the
  // DWARF is not compressed or not read in parts (lazy_dwarf.hpp).
  [[nodiscard]] std::size_t dwarf_inflated() const noexcept { return lazy_ ? lazy_->inflated() : 0; }

 private:
  // The file with this module's DWARF as libdwfl's search finds it, found without opening the DWARF:
  // the module itself when it has DWARF sections, else a separate debug file with its build-id.
  struct DwarfFile {
    std::string path;  // empty: none found
    bool separate = false;
    bool has_dwarf = false;
  };
  [[nodiscard]] DwarfFile dwarf_file() const;
  // The demangled, unversioned name of the symbol covering `a`; none when no symbol covers it.
  [[nodiscard]] std::optional<std::string> symbol_name(std::uint64_t a) const;
  LazyDwarf* lazy_dwarf() const;  // null: libdwfl reads the DWARF whole
  struct Load {
    std::uint64_t vaddr, offset, filesz;
  };
  struct CuRange {
    Dwarf_Addr low, high;
    Dwarf_Off cu_offset;
  };
  // The compile unit covering `a` (a DWARF address), or false. Falls back to the CUs' own ranges
  // when the file has no .debug_aranges, as clang's output has none by default and libdw 0.188
  // finds CUs only through aranges.
  bool cu_at(Dwarf_Addr a, Dwarf_Die& cu, Dwarf_Addr& bias) const;
  std::string path_;
  DwflHandle dwfl_;
  Dwfl_Module* mod_ = nullptr;
  std::vector<Load> loads_;
  mutable std::optional<std::vector<CuRange>> cu_ranges_;  // built on the first fallback lookup
  mutable bool lazy_tried_ = false;
  mutable std::unique_ptr<LazyDwarf> lazy_;
};

}  // namespace perfprobe::symbols
