// Private anonymous memory for a large buffer that is filled in parts, prefaulted part by part.
#pragma once

#include <cstddef>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

// `size` bytes of zeroed private memory, mapped but untouched (a page costs nothing until it is
// written); empty when it cannot be mapped.
[[nodiscard]] Mapping anonymous_memory(std::size_t size) noexcept;

// Has the kernel allocate the pages of [addr, addr + len) of such memory now, in one call, instead
// of taking a page fault for each page as it is written (MADV_POPULATE_WRITE, Linux 5.14): in a
// virtual machine a fault's exception costs several times the zeroing of its page. Best effort: on
// an older kernel the pages fault in as before.
void prefault(const Mapping& m, std::size_t offset, std::size_t len) noexcept;

// Asks the kernel to reclaim the whole pages of [begin, end) that this process alone maps
// (MADV_PAGEOUT, Linux 5.4): read-only file pages already consumed leave the resident set and are
// read again from the file if ever touched; memory that cannot be reclaimed (anonymous without
// swap) stays as it is. Never changes what the memory holds. Best effort.
void page_out(const void* begin, const void* end) noexcept;

}  // namespace perfprobe::sys
