// Whether an ELF file's code keeps frame pointers, judged from its functions' first bytes: the
// kernel's frame-pointer walk breaks in code that does not, and `record` then keeps whole stack
// copies for DWARF unwinding (docs/record.md, "Call stacks").
#pragma once

#include <string>

namespace perfprobe::symbols {

enum class FramePointers { yes, no, unknown };

// x86-64: the share of sizable functions (symbol table, else dynamic symbols) that begin with
// `push %rbp; mov %rsp,%rbp` (after an optional endbr64). `unknown` for a file that cannot be
// read, has no function symbols or another architecture.
[[nodiscard]] FramePointers detect_frame_pointers(const std::string& path);

}  // namespace perfprobe::symbols
