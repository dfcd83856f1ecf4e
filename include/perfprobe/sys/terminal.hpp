// The terminal perfprobe draws its live line on: is an fd one, how large is it, and writes that
// go out whole (the line is one write, so nothing else on the terminal lands inside it).
#pragma once

#include <optional>
#include <string_view>

namespace perfprobe::sys {

[[nodiscard]] bool is_terminal(int fd) noexcept;

struct TerminalSize {
  int rows = 0;
  int columns = 0;
};
// The window size of the terminal on `fd` (TIOCGWINSZ); nullopt when it is not a terminal or reports 0x0.
[[nodiscard]] std::optional<TerminalSize> terminal_size(int fd) noexcept;

// Writes all of `bytes` to `fd`, retrying short writes and EINTR; gives up silently on other errors
// (a status line that cannot be drawn is not worth failing a measurement for).
void write_fully(int fd, std::string_view bytes) noexcept;

}  // namespace perfprobe::sys
