// SDT (USDT) probes of an ELF file, read from its .note.stapsdt notes with libelf, with the file
// offsets the kernel's uprobe PMU needs (probe address and semaphore). Also PT_INTERP, which tells
// a dynamically linked program from a static one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace perfprobe::elf {

struct SdtProbe {
  std::string provider;
  std::string name;
  std::string args;                    // the argument spec, e.g. "-4@%edi 8@-16(%rbp)"
  std::string path;                    // the file the probe is in
  std::uint64_t address = 0;           // link-time address of the probe (after .stapsdt.base adjustment)
  std::uint64_t offset = 0;            // file offset of the probe instruction (uprobe config2)
  std::uint64_t semaphore = 0;         // link-time address of the semaphore, 0 = none
  std::uint64_t semaphore_offset = 0;  // its file offset (uprobe ref_ctr_offset)
};

// Throws UsageError naming the file when it cannot be read or is not ELF. No notes: empty.
[[nodiscard]] std::vector<SdtProbe> read_sdt_probes(const std::string& path);

// The program interpreter (PT_INTERP), empty for static executables and non-ELF files.
[[nodiscard]] std::string elf_interpreter(const std::string& path);

}  // namespace perfprobe::elf
