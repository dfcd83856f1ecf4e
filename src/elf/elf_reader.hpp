// Reading the headers of one ELF file with libelf (gelf, so ELF32/64 and either byte order), with
// every offset checked against the file size before it is trusted.
#pragma once

#include <gelf.h>

#include <cstdint>
#include <vector>

#include "elf_file.hpp"
#include "perfprobe/elf/binary_size.hpp"

namespace perfprobe::elf {

// A section as read, with the raw fields the strip model and the symbol reader need.
struct RawSection {
  SectionSize size;
  std::uint32_t sh_type = 0;
  std::uint64_t sh_flags = 0;
  std::uint32_t sh_link = 0;
  std::uint32_t sh_info = 0;
  Elf_Scn* scn = nullptr;
};

struct ElfLayout {
  bool is_64 = false;
  std::uint16_t e_type = 0;
  std::uint16_t machine = 0;
  std::uint64_t ehdr_bytes = 0;
  std::uint64_t phdr_end = 0;  // end of the program header table in the file (0 when none)
  std::uint64_t shentsize = 0;
  std::vector<RawSection> sections;  // index = section number
  std::vector<GElf_Phdr> phdrs;
};

// Fills the identification fields, sections and segments of `out`. Throws UsageError naming the
// file when a header or table lies outside it.
[[nodiscard]] ElfLayout read_layout(const ElfFile& file, BinarySize& out);

// DT_NEEDED, DT_RUNPATH, DT_RPATH, DT_SONAME (from the SHT_DYNAMIC section) and PT_INTERP.
void read_dynamic(const ElfFile& file, const ElfLayout& layout, BinarySize& out);

// The sized symbols of .symtab (or .dynsym when stripped), largest first, the first `top` of them
// demangled (0 = all).
void read_symbols(const ElfFile& file, const ElfLayout& layout, std::size_t top, BinarySize& out);

// Marks the sections GNU strip --strip-all removes and predicts the stripped file size.
void apply_strip_model(const ElfLayout& layout, BinarySize& out);

// Throws UsageError "'<path>' is truncated or corrupt: <what>".
[[noreturn]] void throw_corrupt(const ElfFile& file, const std::string& what);

}  // namespace perfprobe::elf
