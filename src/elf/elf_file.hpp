// Owner of one libelf handle over a file (mmap'd read-only by libelf) or over bytes in memory.
#pragma once

#include <libelf.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::elf {

struct ElfEnd {
  void operator()(Elf* e) const noexcept { elf_end(e); }
};
using ElfHandle = std::unique_ptr<Elf, ElfEnd>;

class ElfFile {
 public:
  // Throws UsageError naming `path` when it is missing, not a regular file, or not ELF.
  static ElfFile open(const std::string& path);
  // `bytes` is copied: libelf may convert data in place.
  static ElfFile from_memory(const std::string& name, const std::vector<char>& bytes);

  [[nodiscard]] Elf* get() const noexcept { return elf_.get(); }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

 private:
  ElfFile() = default;
  void check_kind() const;
  std::string path_;
  std::uint64_t size_ = 0;
  sys::Fd fd_;
  std::unique_ptr<std::vector<char>> memory_;  // stable address for elf_memory
  ElfHandle elf_;
};

// "libelf: <elf_errmsg>" for error messages.
[[nodiscard]] std::string libelf_error();

}  // namespace perfprobe::elf
