// What GNU strip (--strip-all, its default) removes from an executable or shared library, and how big
// the result is. Modelled on binutils: BFD marks non-allocated .debug*, .zdebug*, .gnu.debuglto_*,
// .gnu.linkonce.wi.*, .line*, .stab* and .gdb_index as debugging sections (bfd/elf.c,
// _bfd_elf_make_section_from_shdr); strip-all drops those, the symbol table with its string table
// and index section, and relocations of removed sections. Objcopy keeps every byte covered by a
// segment where it was, appends the surviving non-allocated sections, rebuilds .shstrtab (with
// suffix sharing) and writes the section header table last.
#include <algorithm>
#include <set>
#include <string>
#include <string_view>

#include "elf_reader.hpp"

namespace perfprobe::elf {

namespace {

bool is_debug_name(std::string_view name) {
  return name.starts_with(".debug") || name.starts_with(".zdebug") || name.starts_with(".gnu.debuglto_") ||
         name.starts_with(".gnu.linkonce.wi.") || name.starts_with(".line") || name.starts_with(".stab") ||
         name == ".gdb_index";
}

std::uint64_t align_up(std::uint64_t value, std::uint64_t align) {
  if (align <= 1) return value;
  return (value + align - 1) / align * align;
}

void mark_removable(const ElfLayout& layout, BinarySize& out) {
  auto& sections = out.sections;
  for (std::size_t i = 0; i < sections.size(); ++i) {
    const RawSection& raw = layout.sections[i];
    if (i == 0 || raw.size.alloc) continue;
    bool remove = raw.sh_type == SHT_SYMTAB || raw.sh_type == SHT_SYMTAB_SHNDX || is_debug_name(raw.size.name);
    if (remove && raw.sh_type == SHT_SYMTAB && raw.sh_link < sections.size() &&
        !layout.sections[raw.sh_link].size.alloc) {
      sections[raw.sh_link].strip_removable = true;  // .strtab
    }
    sections[i].strip_removable = sections[i].strip_removable || remove;
  }
  // Relocations of a removed (or non-allocated) section go with it.
  for (std::size_t i = 1; i < sections.size(); ++i) {
    const RawSection& raw = layout.sections[i];
    if ((raw.sh_type == SHT_REL || raw.sh_type == SHT_RELA) && !raw.size.alloc && raw.sh_info < sections.size() &&
        sections[raw.sh_info].strip_removable) {
      sections[i].strip_removable = true;
    }
  }
}

// Bytes the kept .shstrtab needs: every name once, NUL-terminated, a name that is the tail of a
// longer one stored inside it (".plt" inside ".rela.plt"), plus the leading NUL.
std::uint64_t shstrtab_bytes(const std::vector<std::string>& names) {
  std::set<std::string> unique(names.begin(), names.end());
  unique.erase("");
  std::uint64_t bytes = 1;
  for (const auto& n : unique) {
    const bool is_tail = std::any_of(unique.begin(), unique.end(), [&n](const std::string& other) {
      return other.size() > n.size() && other.compare(other.size() - n.size(), n.size(), n) == 0;
    });
    if (!is_tail) bytes += n.size() + 1;
  }
  return bytes;
}

bool inside_segment(const ElfLayout& layout, const RawSection& s) {
  return std::any_of(layout.phdrs.begin(), layout.phdrs.end(), [&s](const GElf_Phdr& ph) {
    return ph.p_filesz > 0 && s.size.offset >= ph.p_offset && s.size.offset < ph.p_offset + ph.p_filesz;
  });
}

}  // namespace

void apply_strip_model(const ElfLayout& layout, BinarySize& out) {
  if (out.sections.empty()) {  // no section headers: nothing for strip to remove
    out.stripped_bytes = out.file_bytes;
    return;
  }
  mark_removable(layout, out);
  // Everything a segment covers stays where it is.
  std::uint64_t end = std::max(layout.ehdr_bytes, layout.phdr_end);
  for (const auto& ph : layout.phdrs) end = std::max(end, ph.p_offset + ph.p_filesz);
  std::vector<std::string> kept_names;
  std::uint64_t kept = 0;
  std::uint64_t shstrtab_align = 1;
  for (std::size_t i = 0; i < out.sections.size(); ++i) {
    const RawSection& raw = layout.sections[i];
    const SectionSize& s = out.sections[i];
    if (s.strip_removable) {
      out.strip_removable_bytes += s.file_bytes;
      continue;
    }
    ++kept;
    kept_names.push_back(s.name);
    if (i == 0 || s.alloc || inside_segment(layout, raw)) {
      if (i != 0) end = std::max(end, s.offset + s.file_bytes);
    } else if (raw.sh_type == SHT_STRTAB && s.name == ".shstrtab") {
      shstrtab_align = std::max<std::uint64_t>(1, s.align);
    } else {  // a surviving non-allocated section (.comment, .gnu_debuglink, ...) is appended
      end = align_up(end, s.align) + s.file_bytes;
    }
  }
  for (std::size_t i = 0; i < out.sections.size(); ++i) {
    const SectionSize& s = out.sections[i];
    if (!s.alloc && is_debug_name(s.name)) out.debug_bytes += s.file_bytes;
    if (layout.sections[i].sh_type == SHT_SYMTAB) {
      out.symtab_bytes += s.file_bytes;
      const auto link = layout.sections[i].sh_link;
      if (link < out.sections.size()) out.symtab_bytes += out.sections[link].file_bytes;
    }
  }
  end = align_up(end, shstrtab_align) + shstrtab_bytes(kept_names);
  end = align_up(end, layout.is_64 ? 8 : 4) + kept * layout.shentsize;
  out.stripped_bytes = std::min(end, out.file_bytes);
}

}  // namespace perfprobe::elf
