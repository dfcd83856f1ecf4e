// What an ELF file is made of, for `perfprobe size` and the binary budgets of `perfprobe check`:
// sections, segments, what `strip` would remove, the largest symbols, the shared-library closure.
// Plain data; elf/ fills it (libelf), report/ renders it, gate/ checks it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace perfprobe::elf {

struct SectionSize {
  std::string name;
  std::string type;  // "PROGBITS", "NOBITS", "SYMTAB", ... (readelf's spelling)
  std::uint64_t offset = 0;
  std::uint64_t address = 0;
  std::uint64_t file_bytes = 0;  // bytes in the file (0 for NOBITS)
  std::uint64_t vm_bytes = 0;    // bytes in memory when loaded (0 unless SHF_ALLOC)
  std::uint64_t align = 0;
  bool alloc = false;
  bool strip_removable = false;  // GNU `strip` (--strip-all) would remove it
};

struct SegmentSize {
  std::string type;   // "LOAD", "DYNAMIC", "GNU_STACK", ...
  std::string flags;  // "R-X" style
  std::uint64_t offset = 0;
  std::uint64_t vaddr = 0;
  std::uint64_t file_bytes = 0;
  std::uint64_t vm_bytes = 0;
};

struct SymbolSize {
  std::string mangled;  // as in the symbol table: the key for diffs
  std::string name;     // demangled (abi::__cxa_demangle); equal to mangled for C names
  std::string kind;     // "func", "object", "tls", "ifunc"
  std::string section;
  std::uint64_t bytes = 0;
};

struct LibrarySize {
  std::string needed;     // the DT_NEEDED (or PT_INTERP) name
  std::string path;       // where the loader would find it; empty when not found
  std::string found_via;  // "rpath", "LD_LIBRARY_PATH", "runpath", "system", "path", "interp"; empty: not found
  std::string needed_by;  // path of the object that asked for it
  std::uint64_t file_bytes = 0;
};

struct BinarySize {
  std::string path;
  std::string elf_class;  // "ELF32" or "ELF64"
  std::string endian;     // "little" or "big"
  std::string type;       // "EXEC", "DYN", "REL", "CORE"
  std::string machine;    // e.g. "x86-64", "PowerPC64", or "machine 1234"
  std::uint64_t file_bytes = 0;
  std::uint64_t stripped_bytes = 0;         // predicted size after `strip` (--strip-all)
  std::uint64_t strip_removable_bytes = 0;  // sum of the sections strip removes
  std::uint64_t debug_bytes = 0;            // .debug_*, .zdebug_*, .stab, .line, .gdb_index
  std::uint64_t symtab_bytes = 0;           // .symtab + its string table
  std::uint64_t vm_bytes = 0;               // sum of PT_LOAD memory sizes
  std::vector<SectionSize> sections;        // in section-header order
  std::vector<SegmentSize> segments;        // in program-header order
  std::vector<SymbolSize> symbols;          // largest first; all of them or the top N asked for
  std::uint64_t symbol_count = 0;           // sized symbols in the table (before the top-N cut)
  std::string symbol_table;                 // ".symtab", ".dynsym" or "" (none)
  std::vector<std::string> needed;          // DT_NEEDED of this file, in order
  std::vector<std::string> runpath;         // DT_RUNPATH (split at ':'), unexpanded
  std::vector<std::string> rpath;           // DT_RPATH (split at ':'), unexpanded
  std::string soname;
  std::string interpreter;             // PT_INTERP
  bool libraries_resolved = false;     // `libraries` was filled (not asked for with --no-libs)
  std::vector<LibrarySize> libraries;  // the closure, breadth-first like ldd
  std::uint64_t closure_bytes = 0;     // file_bytes + the found libraries' sizes
};

// Where the loader looks for libraries, besides what the objects themselves say.
struct LibrarySearch {
  std::vector<std::string> ld_library_path;  // LD_LIBRARY_PATH, split
  std::vector<std::string> system_dirs;      // ld.so.conf directories, then the default ones
};

struct SizeOptions {
  std::size_t top_symbols = 20;  // 0 = every sized symbol
  bool libraries = true;
  LibrarySearch search;
};

// Reads the file. Throws UsageError naming it when it is missing, a directory, not ELF, truncated or
// corrupt (exit code 2 for `size`).
[[nodiscard]] BinarySize measure_file(const std::string& path, const SizeOptions& options);

// The same over bytes in memory (no library closure): the entry point of the fuzzer.
[[nodiscard]] BinarySize measure_memory(const std::string& name, const std::vector<char>& bytes,
                                        const SizeOptions& options);

// The loader's directories on this machine: /etc/ld.so.conf (with its include globs), then the
// default directories (multiarch for `machine` and the plain lib dirs).
[[nodiscard]] LibrarySearch system_library_search(const std::string& ld_library_path_env,
                                                  const std::string& ld_so_conf = "/etc/ld.so.conf");

}  // namespace perfprobe::elf
