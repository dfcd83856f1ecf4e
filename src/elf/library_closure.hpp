// The shared-library closure of one ELF file, resolved the way the dynamic loader (glibc ld.so)
// resolves DT_NEEDED: RPATH chain, LD_LIBRARY_PATH, RUNPATH, then the system directories.
#pragma once

#include "perfprobe/elf/binary_size.hpp"

namespace perfprobe::elf {

// Fills `top.libraries` (breadth-first, each library once) and `top.closure_bytes`. Libraries that
// cannot be found are listed with an empty path. Reads each library's dynamic section only.
void resolve_closure(BinarySize& top, const LibrarySearch& search);

}  // namespace perfprobe::elf
