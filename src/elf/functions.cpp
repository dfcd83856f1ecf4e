// Function symbols for uprobes: both symbol tables through libelf, addresses turned into file offsets
// through the executable PT_LOAD segment that holds them (what the uprobe PMU's config2 takes).
#include "perfprobe/elf/functions.hpp"

#include <cxxabi.h>
#include <fnmatch.h>
#include <gelf.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>

#include "elf_file.hpp"

namespace perfprobe::elf {

namespace {

std::optional<std::uint64_t> offset_in(Elf* elf, std::uint64_t address) {
  std::size_t n = 0;
  if (elf_getphdrnum(elf, &n) != 0) return std::nullopt;
  for (std::size_t i = 0; i < n; ++i) {
    GElf_Phdr ph;
    if (gelf_getphdr(elf, static_cast<int>(i), &ph) == nullptr || ph.p_type != PT_LOAD) continue;
    if ((ph.p_flags & PF_X) == 0) continue;
    if (address >= ph.p_vaddr && address < ph.p_vaddr + ph.p_filesz) return address - ph.p_vaddr + ph.p_offset;
  }
  return std::nullopt;
}

void read_table(Elf* elf, Elf_Scn* scn, const GElf_Shdr& sh, const std::string& path,
                std::set<std::pair<std::string, std::uint64_t>>& seen, std::vector<FunctionSymbol>& out) {
  Elf_Data* data = elf_getdata(scn, nullptr);
  if (data == nullptr || sh.sh_entsize == 0) return;
  const std::size_t count = data->d_size / sh.sh_entsize;
  for (std::size_t i = 1; i < count; ++i) {
    GElf_Sym sym{};
    if (gelf_getsym(data, static_cast<int>(i), &sym) == nullptr) break;
    const unsigned type = GELF_ST_TYPE(sym.st_info);
    if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF || sym.st_value == 0) continue;
    const char* name = elf_strptr(elf, sh.sh_link, sym.st_name);
    if (name == nullptr || *name == '\0') continue;
    const auto offset = offset_in(elf, sym.st_value);
    if (!offset || !seen.emplace(name, sym.st_value).second) continue;
    FunctionSymbol f;
    f.name = name;
    f.path = path;
    f.address = sym.st_value;
    f.size = sym.st_size;
    f.offset = *offset;
    out.push_back(std::move(f));
  }
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// The demangled name without its parameter list and qualifiers: "ns::C::run(int) const" -> "ns::C::run".
std::string without_parameters(const std::string& demangled) {
  // GCC's split-off parts ("f(int) [clone .cold]") are not the function a name means.
  if (demangled.find(" [clone ") != std::string::npos) return demangled;
  if (demangled.empty() || demangled.back() == ')' || demangled.find(')') != std::string::npos) {
    int depth = 0;
    for (std::size_t i = demangled.size(); i-- > 0;) {
      if (demangled[i] == ')') ++depth;
      if (demangled[i] == '(' && --depth == 0) return demangled.substr(0, i);
    }
  }
  return demangled;
}

}  // namespace

std::string demangle_name(const std::string& name) {
  if (!name.starts_with("_Z")) return name;
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status), std::free);
  return status == 0 && out ? std::string(out.get()) : name;
}

std::vector<FunctionSymbol> read_functions(const std::string& path) {
  const ElfFile file = ElfFile::open(path);
  Elf* elf = file.get();
  std::vector<FunctionSymbol> out;
  std::set<std::pair<std::string, std::uint64_t>> seen;
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == nullptr || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM)) continue;
    read_table(elf, scn, sh, path, seen, out);
  }
  for (auto& f : out) f.demangled = demangle_name(f.name);
  return out;
}

std::optional<std::uint64_t> code_offset(const std::string& path, std::uint64_t address) {
  const ElfFile file = ElfFile::open(path);
  return offset_in(file.get(), address);
}

bool names_function(const FunctionSymbol& f, const std::string& symbol) {
  return f.name == symbol || f.demangled == symbol || without_parameters(f.demangled) == symbol;
}

std::vector<FunctionSymbol> find_function(const std::vector<FunctionSymbol>& functions, const std::string& symbol) {
  std::vector<FunctionSymbol> out;
  for (const auto& f : functions) {
    if (!names_function(f, symbol)) continue;
    const bool alias = std::any_of(out.begin(), out.end(),
                                   [&](const FunctionSymbol& o) { return o.path == f.path && o.address == f.address; });
    if (!alias) out.push_back(f);
  }
  return out;
}

std::vector<std::string> nearest_functions(const std::vector<FunctionSymbol>& functions, const std::string& symbol,
                                           std::size_t limit) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  std::set<std::string> seen;
  for (const auto& f : functions) {
    const std::string name = without_parameters(f.demangled);
    if (!seen.insert(name).second) continue;
    const bool contains = name.find(symbol) != std::string::npos || symbol.find(name) != std::string::npos;
    scored.emplace_back(contains ? 0 : 1 + edit_distance(name, symbol), name);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < limit; ++i) out.push_back(scored[i].second);
  return out;
}

std::vector<FunctionSymbol> match_functions(const std::vector<FunctionSymbol>& functions, const std::string& pattern) {
  const bool glob = pattern.find_first_of("*?[") != std::string::npos;
  std::vector<FunctionSymbol> out;
  for (const auto& f : functions) {
    const bool hit =
        glob ? (fnmatch(pattern.c_str(), f.name.c_str(), 0) == 0 ||
                fnmatch(pattern.c_str(), f.demangled.c_str(), 0) == 0)
             : (f.name.find(pattern) != std::string::npos || f.demangled.find(pattern) != std::string::npos);
    if (hit) out.push_back(f);
  }
  std::sort(out.begin(), out.end(), [](const FunctionSymbol& a, const FunctionSymbol& b) {
    return a.address != b.address ? a.address < b.address : a.name < b.name;
  });
  return out;
}

}  // namespace perfprobe::elf
