// Pipes for the target's output: packet mode (one write of the target, one read of perfprobe), a
// bigger buffer, and a forwarder that keeps passing output on after perfprobe is done with the run.
#pragma once

#include <cstddef>

#include "perfprobe/sys/fd.hpp"

namespace perfprobe::sys {

// pipe2(O_DIRECT | O_CLOEXEC): each write of up to PIPE_BUF bytes is one packet and each read returns
// one packet, so writes are never merged. Throws Error.
[[nodiscard]] Pipe make_packet_pipe();

// F_SETPIPE_SZ up to `bytes` (pipe-max-size bounds it for unprivileged users); returns the size the
// pipe has afterwards. Never throws: a smaller pipe only costs the writer some waiting.
std::size_t grow_pipe(int fd, std::size_t bytes) noexcept;

// Copies everything readable from `from` to `to` until end of file, in a detached process (double fork,
// nothing to reap), so output of the target's background children reaches perfprobe's stdout after
// perfprobe is gone. When `to` fails (its reader went away) `from` is closed: the writers get EPIPE
// as they would without perfprobe. Throws Error when it cannot fork.
void forward_in_background(int from, int to);

}  // namespace perfprobe::sys
