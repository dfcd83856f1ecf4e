// The largest symbols of one ELF file, demangled, from .symtab (or .dynsym once stripped).
#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <utility>

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
  // Aliases (same address and size, e.g. a function and its versioned names) count once.
  std::set<std::pair<std::uint64_t, std::uint64_t>> seen;
  std::vector<SymbolSize> symbols;
  for (std::size_t i = 1; i < count; ++i) {
    GElf_Sym sym{};
    if (gelf_getsym(data, static_cast<int>(i), &sym) == nullptr) break;
    const char* kind = kind_of(GELF_ST_TYPE(sym.st_info));
    if (kind == nullptr || sym.st_size == 0 || sym.st_shndx == SHN_UNDEF) continue;
    if (!seen.emplace(sym.st_value, sym.st_size).second) continue;
    const char* name = elf_strptr(file.get(), table->sh_link, sym.st_name);
    SymbolSize s;
    s.mangled = name != nullptr ? name : "<bad name>";
    s.kind = kind;
    if (sym.st_shndx < layout.sections.size()) s.section = layout.sections[sym.st_shndx].size.name;
    s.bytes = sym.st_size;
    symbols.push_back(std::move(s));
  }
  out.symbol_count = symbols.size();
  const std::size_t keep = top == 0 ? symbols.size() : std::min(top, symbols.size());
  const auto larger = [](const SymbolSize& a, const SymbolSize& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.mangled < b.mangled;
  };
  std::partial_sort(symbols.begin(), symbols.begin() + static_cast<std::ptrdiff_t>(keep), symbols.end(), larger);
  symbols.resize(keep);
  for (auto& s : symbols) s.name = demangle(s.mangled);  // only the kept ones: demangling costs
  out.symbols = std::move(symbols);
}

}  // namespace perfprobe::elf
