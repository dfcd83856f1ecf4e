// Which bytes of a sample's copied user stack the data file keeps. The kernel copies the same
// amount for every sample; most of it is never read by the unwinder in `report`.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "perfprobe/sampling/profile.hpp"

namespace perfprobe::sampling {

// Frame-pointer mode: the copy only serves to find the caller of a frameless leaf, whose return
// address lies between SP and the caller's frame (BP): keep [SP, BP + 16), the caller's saved BP
// and return address included. When BP does not point into the copy (code that uses BP as a
// general register), the whole copy stays. DWARF mode keeps everything.
void trim_stack(Sample& sample, CallGraph mode);

// True when the frame-pointer trim left this sample's copy as it was: `report` unwinds such a
// sample with DWARF rather than trusting its frame-pointer chain.
[[nodiscard]] bool stack_kept_whole(const Sample& sample);

// The automatic mode: frame pointers where the code keeps them, DWARF where it does not. A
// sample keeps its whole stack copy when its ip or a return address of its frame-pointer chain
// (the outermost excepted: it is found through its caller's frame record) lies in a module
// without frame pointers, or in no known module; otherwise it is trimmed as in fp mode.
class StackPolicy {
 public:
  // `has_frame_pointers(path)`: asked once per file (from the ELF file, at record time).
  using FramePointerProbe = std::function<bool(const std::string& path)>;
  StackPolicy(CallGraph mode, FramePointerProbe has_frame_pointers);

  // Mappings of every process together: at worst two processes' libraries overlap and a sample
  // keeps more than it needs or one that should be whole is trimmed.
  void add_mapping(const Mapping& mapping);
  void apply(Sample& sample);

  [[nodiscard]] std::uint64_t kept_whole() const noexcept { return kept_whole_; }
  // Files found without frame pointers, for the record summary.
  [[nodiscard]] std::vector<std::string> frameless_modules() const;

 private:
  struct Range {
    std::uint64_t end;
    bool framed;
  };
  [[nodiscard]] bool framed(std::uint64_t addr) const;
  CallGraph mode_;
  FramePointerProbe probe_;
  std::map<std::string, bool> by_path_;
  std::map<std::uint64_t, Range> ranges_;  // by start
  std::uint64_t kept_whole_ = 0;
};

}  // namespace perfprobe::sampling
