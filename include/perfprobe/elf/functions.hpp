// Function symbols of an ELF file (.symtab and .dynsym, C++ names demangled) with the file offsets the
// kernel's uprobe PMU needs, and the name matching of function probes: exact, demangled, or demangled
// without its parameter list; a miss or an ambiguity lists the nearest candidates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace perfprobe::elf {

struct FunctionSymbol {
  std::string name;           // as in the symbol table (mangled for C++)
  std::string demangled;      // equal to name for C
  std::string path;           // the file it is in
  std::uint64_t address = 0;  // link-time address
  std::uint64_t size = 0;
  std::uint64_t offset = 0;  // file offset of the first instruction (uprobe config2)
};

// Defined functions (STT_FUNC, STT_GNU_IFUNC) of both tables, one entry per (name, address). Throws
// UsageError naming the file when it cannot be read or is not ELF.
[[nodiscard]] std::vector<FunctionSymbol> read_functions(const std::string& path);

// The file offset of a link-time address in an executable PT_LOAD segment; empty when none holds it.
[[nodiscard]] std::optional<std::uint64_t> code_offset(const std::string& path, std::uint64_t address);

// Whether `symbol` names `f`: the table name, the demangled name, or the demangled name without its
// parameter list ("ns::C::run" names "ns::C::run(int) const").
[[nodiscard]] bool names_function(const FunctionSymbol& f, const std::string& symbol);

// The functions `symbol` names, aliases (one address under several names) kept once.
[[nodiscard]] std::vector<FunctionSymbol> find_function(const std::vector<FunctionSymbol>& functions,
                                                        const std::string& symbol);

// Up to `limit` names closest to `symbol` (substring matches first, then by edit distance).
[[nodiscard]] std::vector<std::string> nearest_functions(const std::vector<FunctionSymbol>& functions,
                                                         const std::string& symbol, std::size_t limit = 5);

// Functions whose name or demangled name contains `pattern` (a '*' wildcard glob when it has one).
[[nodiscard]] std::vector<FunctionSymbol> match_functions(const std::vector<FunctionSymbol>& functions,
                                                          const std::string& pattern);

// abi::__cxa_demangle, or the name itself when it is not a mangled C++ name.
[[nodiscard]] std::string demangle_name(const std::string& name);

}  // namespace perfprobe::elf
