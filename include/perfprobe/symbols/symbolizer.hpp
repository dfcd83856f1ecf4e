// Symbolization through libdw/libelf: ELF modules (with separate debug info found by build-id or
// .gnu_debuglink under /usr/lib/debug), function names (demangled), inlined frames, file:line.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "perfprobe/profile.hpp"

namespace perfprobe::symbols {

class Module;  // one loaded ELF file (private)

// The symbol cache's directory (docs/symbol-cache.md): $XDG_CACHE_HOME/perfprobe/symbols, with
// ~/.cache for XDG_CACHE_HOME when that is unset or not absolute; empty (no cache) when
// PERFPROBE_CACHE=0 or no home directory is known.
[[nodiscard]] std::string default_symbol_cache_dir();

class Symbolizer {
 public:
  Symbolizer();
  // With a symbol cache in `cache_dir` (empty: none): lookups of a module whose build-id has a valid
  // entry there open no DWARF; save_cache() adds what was looked up anew.
  explicit Symbolizer(std::string cache_dir);
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // The module-relative address (ELF vaddr, what addr2line takes) of runtime address `addr` in
  // a mapping of `path` that starts at `map_start` with file offset `pgoff`. Empty when the file
  // cannot be read.
  [[nodiscard]] std::optional<std::uint64_t> file_address(const std::string& path, std::uint64_t map_start,
                                                          std::uint64_t pgoff, std::uint64_t addr);

  // How much of an address a lookup needs. `function`: the name of the function the compiler emitted
  // there (the frame that `full` gives last, from the symbol table), for views that show inlined
  // code in its caller and print no file:line; it opens no DWARF where a symbol covers the address,
  // which spares inflating a compressed debug file up to the address's compile unit. It may still
  // answer with the whole frames (from the cache), which such a view folds to the same name.
  enum class Detail { full, function };

  // The frames at a module-relative address, innermost (inlined) first, outermost function last.
  // `is_return_address`: the address follows a call, so look up the call instruction (addr - 1).
  [[nodiscard]] std::vector<FrameInfo> frames(const std::string& path, std::uint64_t address, bool is_return_address,
                                              Detail detail = Detail::full);

  // Build-id (hex), symbol and debug info presence of a file; the summary's samples stay 0.
  [[nodiscard]] ModuleSummary describe(const std::string& path);

  // Writes the entries of modules that got new answers to the cache. Best effort: a cache that cannot
  // be written changes nothing but the next report's time.
  void save_cache() noexcept;

 private:
  struct Entry;
  Entry* load(const std::string& path);
  struct CacheState;
  std::map<std::string, std::unique_ptr<Entry>> modules_;
  std::unique_ptr<CacheState> cache_;
};

// The build-id of an ELF file as lower-case hex, or empty (no file, no note).
[[nodiscard]] std::string read_build_id(const std::string& path);

// Demangles a C++ (Itanium ABI) symbol; returns the input unchanged when it is not mangled.
[[nodiscard]] std::string demangle(const std::string& name);

}  // namespace perfprobe::symbols
