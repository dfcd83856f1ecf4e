// Writes small ELF files of any class and byte order with libelf, so the reader is tested on
// big-endian and 32-bit objects without a cross toolchain.
#pragma once

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace make_elf {

struct Spec {
  int elf_class = ELFCLASS64;  // ELFCLASS32 / ELFCLASS64
  int data = ELFDATA2LSB;      // ELFDATA2LSB / ELFDATA2MSB
  int machine = EM_X86_64;
  std::size_t text_bytes = 300;
  std::size_t data_bytes = 40;
  std::size_t bss_bytes = 4096;
  std::size_t debug_bytes = 1000;
  std::vector<std::pair<std::string, std::size_t>> functions{{"_ZN3foo3barEv", 200}, {"small", 100}};
};

class Strtab {
 public:
  std::size_t add(const std::string& s) {
    const std::size_t off = bytes_.size();
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    bytes_.push_back('\0');
    return off;
  }
  std::vector<char>& bytes() { return bytes_; }

 private:
  std::vector<char> bytes_{'\0'};
};

inline Elf_Scn* add_section(Elf* e, Strtab& names, const std::string& name, std::uint32_t type, std::uint64_t flags,
                            void* buf, std::size_t size, Elf_Type data_type, std::size_t align) {
  Elf_Scn* scn = elf_newscn(e);
  Elf_Data* d = elf_newdata(scn);
  d->d_buf = buf;
  d->d_size = size;
  d->d_type = data_type;
  d->d_align = align;
  d->d_version = EV_CURRENT;
  GElf_Shdr sh{};
  gelf_getshdr(scn, &sh);
  sh.sh_name = static_cast<std::uint32_t>(names.add(name));
  sh.sh_type = type;
  sh.sh_flags = flags;
  sh.sh_addralign = align;
  gelf_update_shdr(scn, &sh);
  return scn;
}

template <class Sym>
std::vector<Sym> symbols(const Spec& spec, Strtab& strings) {
  std::vector<Sym> syms(1);
  std::size_t offset = 0;
  for (const auto& [name, size] : spec.functions) {
    Sym s{};
    s.st_name = static_cast<decltype(s.st_name)>(strings.add(name));
    s.st_value = static_cast<decltype(s.st_value)>(offset);
    s.st_size = static_cast<decltype(s.st_size)>(size);
    s.st_info = static_cast<unsigned char>((STB_GLOBAL << 4) | STT_FUNC);
    s.st_shndx = 1;  // .text
    syms.push_back(s);
    offset += size;
  }
  return syms;
}

// Writes the file; returns nothing, throws on libelf errors.
inline void write(const std::string& path, const Spec& spec) {
  elf_version(EV_CURRENT);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("open " + path);
  Elf* e = elf_begin(fd, ELF_C_WRITE, nullptr);
  if (gelf_newehdr(e, spec.elf_class) == nullptr) throw std::runtime_error(elf_errmsg(-1));
  GElf_Ehdr eh{};
  gelf_getehdr(e, &eh);
  eh.e_ident[EI_DATA] = static_cast<unsigned char>(spec.data);
  eh.e_machine = static_cast<GElf_Half>(spec.machine);
  eh.e_type = ET_REL;
  eh.e_version = EV_CURRENT;
  gelf_update_ehdr(e, &eh);
  Strtab names, strings;
  std::vector<char> text(spec.text_bytes, '\x90'), data(spec.data_bytes, 1), debug(spec.debug_bytes, 7);
  add_section(e, names, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, text.data(), text.size(), ELF_T_BYTE, 16);
  add_section(e, names, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, data.data(), data.size(), ELF_T_BYTE, 8);
  add_section(e, names, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, nullptr, spec.bss_bytes, ELF_T_BYTE, 8);
  add_section(e, names, ".debug_info", SHT_PROGBITS, 0, debug.data(), debug.size(), ELF_T_BYTE, 1);
  const bool is64 = spec.elf_class == ELFCLASS64;
  std::vector<Elf64_Sym> s64;
  std::vector<Elf32_Sym> s32;
  if (is64)
    s64 = symbols<Elf64_Sym>(spec, strings);
  else
    s32 = symbols<Elf32_Sym>(spec, strings);
  const std::size_t symtab_index = 5, strtab_index = 6;
  Elf_Scn* symtab =
      is64 ? add_section(e, names, ".symtab", SHT_SYMTAB, 0, s64.data(), s64.size() * sizeof(Elf64_Sym), ELF_T_SYM, 8)
           : add_section(e, names, ".symtab", SHT_SYMTAB, 0, s32.data(), s32.size() * sizeof(Elf32_Sym), ELF_T_SYM, 4);
  add_section(e, names, ".strtab", SHT_STRTAB, 0, strings.bytes().data(), strings.bytes().size(), ELF_T_BYTE, 1);
  GElf_Shdr sh{};
  gelf_getshdr(symtab, &sh);
  sh.sh_link = static_cast<GElf_Word>(strtab_index);
  sh.sh_info = 1;
  sh.sh_entsize = gelf_fsize(e, ELF_T_SYM, 1, EV_CURRENT);
  gelf_update_shdr(symtab, &sh);
  (void)symtab_index;
  names.add(".shstrtab");
  std::vector<char>& name_bytes = names.bytes();
  // .shstrtab's own name was added last; its section is created after so the table is complete.
  Elf_Scn* shstr = elf_newscn(e);
  Elf_Data* d = elf_newdata(shstr);
  d->d_buf = name_bytes.data();
  d->d_size = name_bytes.size();
  d->d_type = ELF_T_BYTE;
  d->d_align = 1;
  GElf_Shdr ssh{};
  gelf_getshdr(shstr, &ssh);
  ssh.sh_name = static_cast<GElf_Word>(name_bytes.size() - std::strlen(".shstrtab") - 1);
  ssh.sh_type = SHT_STRTAB;
  gelf_update_shdr(shstr, &ssh);
  gelf_getehdr(e, &eh);
  eh.e_shstrndx = static_cast<GElf_Half>(elf_ndxscn(shstr));
  gelf_update_ehdr(e, &eh);
  if (elf_update(e, ELF_C_WRITE) < 0) throw std::runtime_error(elf_errmsg(-1));
  elf_end(e);
  ::close(fd);
}

}  // namespace make_elf
