// Opening ELF files with libelf: the one place that turns "not there / not ELF" into a clear error.
#include "elf_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "perfprobe/error.hpp"
#include "perfprobe/sys/input_file.hpp"

namespace perfprobe::elf {

std::string libelf_error() {
  const char* msg = elf_errmsg(-1);
  return msg != nullptr ? msg : "unknown libelf error";
}

namespace {

void init_libelf() {
  // elf_version must be called before any other libelf function; it is idempotent.
  if (elf_version(EV_CURRENT) == EV_NONE) throw Error("libelf is too old: " + libelf_error());
}

}  // namespace

ElfFile ElfFile::open(const std::string& path) {
  init_libelf();
  ElfFile f;
  f.path_ = path;
  f.fd_ = sys::open_input(path, "ELF file", &f.size_);
  if (f.size_ == 0) throw UsageError("'" + path + "' is empty, not an ELF file");
  // READ_MMAP: libelf maps the file and reads only what is asked for, so a 100 MB library costs
  // its headers and symbol table, not 100 MB of reads.
  f.elf_.reset(elf_begin(f.fd_.get(), ELF_C_READ_MMAP, nullptr));
  if (!f.elf_) throw UsageError("cannot read '" + path + "' as ELF: " + libelf_error());
  f.check_kind();
  return f;
}

ElfFile ElfFile::from_memory(const std::string& name, const std::vector<char>& bytes) {
  init_libelf();
  ElfFile f;
  f.path_ = name;
  f.size_ = bytes.size();
  if (bytes.empty()) throw UsageError("'" + name + "' is empty, not an ELF file");
  f.memory_ = std::make_unique<std::vector<char>>(bytes);
  f.elf_.reset(elf_memory(f.memory_->data(), f.memory_->size()));
  if (!f.elf_) throw UsageError("cannot read '" + name + "' as ELF: " + libelf_error());
  f.check_kind();
  return f;
}

void ElfFile::check_kind() const {
  switch (elf_kind(elf_.get())) {
    case ELF_K_ELF:
      return;
    case ELF_K_AR:
      throw UsageError("'" + path_ + "' is an ar archive, not an ELF file",
                       "give an executable, shared library or object");
    default:
      throw UsageError("'" + path_ + "' is not an ELF file", "give an executable, shared library or object");
  }
}

}  // namespace perfprobe::elf
