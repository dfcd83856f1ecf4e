// Shared memory for the marker channel: an anonymous memfd the target inherits and both sides map.
#pragma once

#include <cstddef>
#include <string>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

// memfd_create + ftruncate; close-on-exec (the launcher clears it for the target). Its size is sealed:
// a target holding the fd cannot shrink it under perfprobe's mapping (which would be a SIGBUS).
// Throws Error.
[[nodiscard]] Fd make_memfd(const std::string& name, std::size_t bytes);

// mmap(MAP_SHARED, read+write) of the whole fd. Throws Error.
[[nodiscard]] Mapping map_shared(int fd, std::size_t bytes);

}  // namespace perfprobe::sys
