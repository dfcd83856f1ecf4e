// One input of the debug-file fuzzer, shared by the libFuzzer harness and the unit test that replays
// the committed corpus (tests/fuzz/corpus/debug_file): a separate debug file is found by a module's
// build-id or debuglink, so its bytes can be anyone's. Whatever they are, opening it lazily
// (symbols/lazy_dwarf) and looking up addresses as Module::frames does (the unit, its line table,
// the scopes of inlined calls) finishes without a crash, a hang or a sanitizer report.
#pragma once

#include <elfutils/libdw.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "symbols/lazy_dwarf.hpp"

namespace perfprobe::fuzz {

namespace debug_file_detail {

// LazyDwarf opens a path (a regular file, as a debug file is); one scratch file per process.
inline const std::string& scratch_path() {
  static const std::string path = "/tmp/perfprobe-debug-file-fuzz." + std::to_string(::getpid());
  return path;
}

inline bool write_scratch(const std::uint8_t* data, std::size_t size) {
  FILE* f = std::fopen(scratch_path().c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(data, 1, size, f) == size;
  return std::fclose(f) == 0 && ok;
}

inline void look_up(symbols::LazyDwarf& dwarf, Dwarf_Addr address) {
  Dwarf_Die cu;
  if (!dwarf.cu_at(address, cu)) return;
  if (Dwarf_Line* line = dwarf_getsrc_die(&cu, address)) {
    int lineno = 0;
    (void)dwarf_linesrc(line, nullptr, nullptr);
    (void)dwarf_lineno(line, &lineno);
  }
  Dwarf_Die* scopes = nullptr;
  const int n = dwarf_getscopes(&cu, address, &scopes);
  for (int i = 0; i < n; ++i) (void)dwarf_diename(&scopes[i]);
  std::free(scopes);
}

}  // namespace debug_file_detail

inline void debug_file_one_input(const std::uint8_t* data, std::size_t size) {
  if (!debug_file_detail::write_scratch(data, size)) return;
  auto dwarf = symbols::LazyDwarf::open(debug_file_detail::scratch_path());
  (void)::unlink(debug_file_detail::scratch_path().c_str());  // an open LazyDwarf keeps its fd
  if (!dwarf) return;
  // The seeds' code lies in the first pages; the input's last bytes pick one more address anywhere.
  for (Dwarf_Addr a = 0x1000; a < 0x7000; a += 0x80) debug_file_detail::look_up(*dwarf, a);
  if (size >= 8) {
    Dwarf_Addr tail = 0;
    std::memcpy(&tail, data + size - 8, sizeof tail);
    debug_file_detail::look_up(*dwarf, tail);
  }
  (void)dwarf->inflated();
}

}  // namespace perfprobe::fuzz
