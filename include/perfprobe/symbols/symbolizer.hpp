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

class Symbolizer {
 public:
  Symbolizer();
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // The module-relative address (ELF vaddr, what addr2line takes) of runtime address `addr` in
  // a mapping of `path` that starts at `map_start` with file offset `pgoff`. Empty when the file
  // cannot be read.
  [[nodiscard]] std::optional<std::uint64_t> file_address(const std::string& path, std::uint64_t map_start,
                                                          std::uint64_t pgoff, std::uint64_t addr);

  // The frames at a module-relative address, innermost (inlined) first, outermost function last.
  // `is_return_address`: the address follows a call, so look up the call instruction (addr - 1).
  [[nodiscard]] std::vector<FrameInfo> frames(const std::string& path, std::uint64_t address, bool is_return_address);

  // Build-id (hex), symbol and debug info presence of a file; the summary's samples stay 0.
  [[nodiscard]] ModuleSummary describe(const std::string& path);

 private:
  Module* load(const std::string& path);
  std::map<std::string, std::unique_ptr<Module>> modules_;
};

// The build-id of an ELF file as lower-case hex, or empty (no file, no note).
[[nodiscard]] std::string read_build_id(const std::string& path);

// Demangles a C++ (Itanium ABI) symbol; returns the input unchanged when it is not mangled.
[[nodiscard]] std::string demangle(const std::string& name);

}  // namespace perfprobe::symbols
