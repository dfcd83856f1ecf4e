// The largest symbols of one ELF file, demangled, from .symtab (or .dynsym once stripped).
#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "elf_reader.hpp"

namespace perfprobe::elf {

namespace {

std::string demangle(const std::string& mangled) {
  if (mangled.rfind("_Z", 0) != 0) return mangled;
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status),
                                             std::free);
  return status == 0 && out ? std::string(out.get()) : mangled;
}

const char* kind_of(unsigned type) {
  switch (type) {
    case STT_FUNC:
      return "func";
    case STT_OBJECT:
      return "object";
    case STT_TLS:
      return "tls";
    case STT_GNU_IFUNC:
      return "ifunc";
    default:
      return nullptr;
  }
}

// One symbol of the table before the largest are picked: its name stays in the file's string table.
struct Candidate {
  std::uint64_t value;
  std::uint64_t bytes;
  const char* name;
  const char* kind;
  std::size_t section;
  std::size_t index;
};

const RawSection* symbol_table(const ElfLayout& layout) {
  const RawSection* dynsym = nullptr;
  for (const auto& s : layout.sections) {
    if (s.sh_type == SHT_SYMTAB) return &s;
    if (s.sh_type == SHT_DYNSYM) dynsym = &s;
  }
  return dynsym;
}

}  // namespace

void read_symbols(const ElfFile& file, const ElfLayout& layout, std::size_t top, BinarySize& out) {
  const RawSection* table = symbol_table(layout);
  if (table == nullptr) return;
  out.symbol_table = table->size.name;
  Elf_Data* data = elf_getdata(table->scn, nullptr);
  if (data == nullptr) throw_corrupt(file, "symbol table: " + libelf_error());
  const std::size_t entsize = gelf_fsize(file.get(), ELF_T_SYM, 1, EV_CURRENT);
  const std::size_t count = entsize == 0 ? 0 : data->d_size / entsize;
  // A table can hold hundreds of thousands of symbols and only the largest few are shown: keep a
  // small record per symbol, and names (strings, demangled) only for those shown.
  std::vector<Candidate> all;
  all.reserve(count);
  for (std::size_t i = 1; i < count; ++i) {
    GElf_Sym sym{};
    if (gelf_getsym(data, static_cast<int>(i), &sym) == nullptr) break;
    const char* kind = kind_of(GELF_ST_TYPE(sym.st_info));
    if (kind == nullptr || sym.st_size == 0 || sym.st_shndx == SHN_UNDEF) continue;
    const char* name = elf_strptr(file.get(), table->sh_link, sym.st_name);
    all.push_back(Candidate{sym.st_value, sym.st_size, name != nullptr ? name : "<bad name>", kind, sym.st_shndx, i});
  }
  // Aliases (same address and size, e.g. a function and its versioned names) count once: the first in
  // the table stands for them.
  std::sort(all.begin(), all.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.value, a.bytes, a.index) < std::tie(b.value, b.bytes, b.index);
  });
  all.erase(
      std::unique(all.begin(), all.end(),
                  [](const Candidate& a, const Candidate& b) { return a.value == b.value && a.bytes == b.bytes; }),
      all.end());
  out.symbol_count = all.size();
  const std::size_t keep = top == 0 ? all.size() : std::min(top, all.size());
  const auto larger = [](const Candidate& a, const Candidate& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : std::strcmp(a.name, b.name) < 0;
  };
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(), larger);
  out.symbols.clear();
  out.symbols.reserve(keep);
  for (std::size_t i = 0; i < keep; ++i) {
    const Candidate& c = all[i];
    SymbolSize s;
    s.mangled = c.name;
    s.name = demangle(s.mangled);
    s.kind = c.kind;
    if (c.section < layout.sections.size()) s.section = layout.sections[c.section].size.name;
    s.bytes = c.bytes;
    out.symbols.push_back(std::move(s));
  }
}

}  // namespace perfprobe::elf
