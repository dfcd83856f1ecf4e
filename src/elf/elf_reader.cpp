// ELF identification, section headers and program headers -> BinarySize (bounds-checked).
#include "elf_reader.hpp"

#include <cstdio>
#include <string>

#include "perfprobe/error.hpp"

namespace perfprobe::elf {

void throw_corrupt(const ElfFile& file, const std::string& what) {
  throw UsageError("'" + file.path() + "' is truncated or corrupt: " + what,
                   "check the file (readelf -a); it may have been cut short by a copy or a build");
}

namespace {

// a + b <= limit without overflow.
bool fits(std::uint64_t offset, std::uint64_t length, std::uint64_t limit) {
  return offset <= limit && length <= limit - offset;
}

std::string machine_name(std::uint16_t m) {
  switch (m) {
    case EM_X86_64:
      return "x86-64";
    case EM_386:
      return "i386";
    case EM_AARCH64:
      return "AArch64";
    case EM_ARM:
      return "ARM";
    case EM_PPC:
      return "PowerPC";
    case EM_PPC64:
      return "PowerPC64";
    case EM_S390:
      return "IBM S/390";
    case EM_MIPS:
      return "MIPS";
    case EM_RISCV:
      return "RISC-V";
    case EM_SPARCV9:
      return "SPARC v9";
    case EM_LOONGARCH:
      return "LoongArch";
    default:
      return "machine " + std::to_string(m);
  }
}

std::string type_name(std::uint16_t t) {
  switch (t) {
    case ET_REL:
      return "REL";
    case ET_EXEC:
      return "EXEC";
    case ET_DYN:
      return "DYN";
    case ET_CORE:
      return "CORE";
    default:
      return "type " + std::to_string(t);
  }
}

std::string section_type_name(std::uint32_t t) {
  switch (t) {
    case SHT_NULL:
      return "NULL";
    case SHT_PROGBITS:
      return "PROGBITS";
    case SHT_SYMTAB:
      return "SYMTAB";
    case SHT_STRTAB:
      return "STRTAB";
    case SHT_RELA:
      return "RELA";
    case SHT_HASH:
      return "HASH";
    case SHT_DYNAMIC:
      return "DYNAMIC";
    case SHT_NOTE:
      return "NOTE";
    case SHT_NOBITS:
      return "NOBITS";
    case SHT_REL:
      return "REL";
    case SHT_DYNSYM:
      return "DYNSYM";
    case SHT_INIT_ARRAY:
      return "INIT_ARRAY";
    case SHT_FINI_ARRAY:
      return "FINI_ARRAY";
    case SHT_GROUP:
      return "GROUP";
    case SHT_SYMTAB_SHNDX:
      return "SYMTAB_SHNDX";
    case SHT_GNU_HASH:
      return "GNU_HASH";
    case SHT_GNU_verdef:
      return "VERDEF";
    case SHT_GNU_verneed:
      return "VERNEED";
    case SHT_GNU_versym:
      return "VERSYM";
    default:
      return "0x" + [t] {
        char b[16];
        std::snprintf(b, sizeof b, "%x", t);
        return std::string(b);
      }();
  }
}

std::string segment_type_name(std::uint32_t t) {
  switch (t) {
    case PT_NULL:
      return "NULL";
    case PT_LOAD:
      return "LOAD";
    case PT_DYNAMIC:
      return "DYNAMIC";
    case PT_INTERP:
      return "INTERP";
    case PT_NOTE:
      return "NOTE";
    case PT_PHDR:
      return "PHDR";
    case PT_TLS:
      return "TLS";
    case PT_GNU_EH_FRAME:
      return "GNU_EH_FRAME";
    case PT_GNU_STACK:
      return "GNU_STACK";
    case PT_GNU_RELRO:
      return "GNU_RELRO";
    case PT_GNU_PROPERTY:
      return "GNU_PROPERTY";
    default:
      return "0x" + [t] {
        char b[16];
        std::snprintf(b, sizeof b, "%x", t);
        return std::string(b);
      }();
  }
}

void read_identification(const ElfFile& file, const GElf_Ehdr& eh, ElfLayout& layout, BinarySize& out) {
  const int cls = gelf_getclass(file.get());
  if (cls != ELFCLASS32 && cls != ELFCLASS64) throw_corrupt(file, "unknown ELF class");
  layout.is_64 = cls == ELFCLASS64;
  out.elf_class = layout.is_64 ? "ELF64" : "ELF32";
  out.endian = eh.e_ident[EI_DATA] == ELFDATA2MSB ? "big" : "little";
  out.type = type_name(eh.e_type);
  out.machine = machine_name(eh.e_machine);
  layout.e_type = eh.e_type;
  layout.machine = eh.e_machine;
  layout.ehdr_bytes = gelf_fsize(file.get(), ELF_T_EHDR, 1, EV_CURRENT);
  layout.shentsize = gelf_fsize(file.get(), ELF_T_SHDR, 1, EV_CURRENT);
}

void read_segments(const ElfFile& file, const GElf_Ehdr& eh, ElfLayout& layout, BinarySize& out) {
  std::size_t phnum = 0;
  if (elf_getphdrnum(file.get(), &phnum) != 0) throw_corrupt(file, "program headers: " + libelf_error());
  // libelf quietly reports no headers when the table lies past the end: check the raw count too.
  if (eh.e_phnum != PN_XNUM && phnum != eh.e_phnum) throw_corrupt(file, "the program headers lie past its end");
  // PN_XNUM means "at least 0xffff, the count is in section 0": anything less there is a lie, not "no segments".
  if (eh.e_phnum == PN_XNUM && phnum < PN_XNUM) {
    throw_corrupt(file,
                  "e_phnum is 0xffff (PN_XNUM) but section 0 gives " + std::to_string(phnum) + " program headers");
  }
  if (phnum == 0) return;
  const std::uint64_t entsize = gelf_fsize(file.get(), ELF_T_PHDR, 1, EV_CURRENT);
  if (!fits(eh.e_phoff, phnum * entsize, file.size())) throw_corrupt(file, "the program headers lie past its end");
  layout.phdr_end = eh.e_phoff + phnum * entsize;
  for (std::size_t i = 0; i < phnum; ++i) {
    GElf_Phdr ph{};
    if (gelf_getphdr(file.get(), static_cast<int>(i), &ph) == nullptr)
      throw_corrupt(file, "program header " + std::to_string(i));
    if (!fits(ph.p_offset, ph.p_filesz, file.size())) {
      throw_corrupt(file, "segment " + std::to_string(i) + " lies past its end");
    }
    std::string flags = (ph.p_flags & PF_R) != 0 ? "R" : "-";
    flags += (ph.p_flags & PF_W) != 0 ? "W" : "-";
    flags += (ph.p_flags & PF_X) != 0 ? "X" : "-";
    out.segments.push_back({segment_type_name(ph.p_type), flags, ph.p_offset, ph.p_vaddr, ph.p_filesz, ph.p_memsz});
    if (ph.p_type == PT_LOAD) out.vm_bytes += ph.p_memsz;
    layout.phdrs.push_back(ph);
  }
}

void read_sections(const ElfFile& file, const GElf_Ehdr& eh, ElfLayout& layout) {
  std::size_t shnum = 0;
  std::size_t shstrndx = 0;
  if (elf_getshdrnum(file.get(), &shnum) != 0) throw_corrupt(file, "section headers: " + libelf_error());
  // As for program headers: a table past the end reads as "no sections" unless checked here.
  if ((eh.e_shnum != 0 && shnum != eh.e_shnum) || (shnum == 0 && eh.e_shoff != 0)) {
    throw_corrupt(file, "the section headers lie past its end");
  }
  if (shnum == 0) return;
  if (!fits(eh.e_shoff, shnum * layout.shentsize, file.size()))
    throw_corrupt(file, "the section headers lie past its end");
  if (elf_getshdrstrndx(file.get(), &shstrndx) != 0) throw_corrupt(file, "section name table: " + libelf_error());
  for (std::size_t i = 0; i < shnum; ++i) {
    Elf_Scn* scn = elf_getscn(file.get(), i);
    GElf_Shdr sh{};
    if (scn == nullptr || gelf_getshdr(scn, &sh) == nullptr) throw_corrupt(file, "section header " + std::to_string(i));
    const bool nobits = sh.sh_type == SHT_NOBITS || sh.sh_type == SHT_NULL;
    if (!nobits && !fits(sh.sh_offset, sh.sh_size, file.size())) {
      throw_corrupt(file, "section " + std::to_string(i) + " lies past its end");
    }
    const char* name = i == 0 ? "" : elf_strptr(file.get(), shstrndx, sh.sh_name);
    RawSection s;
    s.size.name = name != nullptr ? name : "<bad name " + std::to_string(i) + ">";
    s.size.type = section_type_name(sh.sh_type);
    s.size.offset = sh.sh_offset;
    s.size.address = sh.sh_addr;
    s.size.file_bytes = nobits ? 0 : sh.sh_size;
    s.size.alloc = (sh.sh_flags & SHF_ALLOC) != 0;
    s.size.vm_bytes = s.size.alloc ? sh.sh_size : 0;
    s.size.align = sh.sh_addralign;
    s.sh_type = sh.sh_type;
    s.sh_flags = sh.sh_flags;
    s.sh_link = sh.sh_link;
    s.sh_info = sh.sh_info;
    s.scn = scn;
    layout.sections.push_back(std::move(s));
  }
}

}  // namespace

ElfLayout read_layout(const ElfFile& file, BinarySize& out) {
  ElfLayout layout;
  GElf_Ehdr eh{};
  if (gelf_getehdr(file.get(), &eh) == nullptr) throw_corrupt(file, "ELF header: " + libelf_error());
  out.path = file.path();
  out.file_bytes = file.size();
  read_identification(file, eh, layout, out);
  read_segments(file, eh, layout, out);
  read_sections(file, eh, layout);
  return layout;
}

}  // namespace perfprobe::elf
