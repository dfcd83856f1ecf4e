// Stack bytes kept per sample: what a frameless leaf's unwind reads, not the whole copy.
#include <gtest/gtest.h>

#include "perfprobe/sampling/stack_policy.hpp"

namespace perfprobe::sampling {
namespace {

Sample with_stack(std::uint64_t sp, std::uint64_t bp, std::size_t bytes) {
  Sample s;
  s.sp = sp;
  s.bp = bp;
  s.stack.assign(bytes, 7);
  return s;
}

TEST(StackPolicy, FramePointerModeKeepsUpToTheCallersFrameRecord) {
  Sample s = with_stack(0x7000, 0x7040, 512);
  trim_stack(s, CallGraph::fp);
  EXPECT_EQ(s.stack.size(), 0x40U + 16);
}

TEST(StackPolicy, BpOutsideTheCopyKeepsEverything) {
  Sample beyond = with_stack(0x7000, 0x9000, 512);  // BP used as a general register, or a deep frame
  trim_stack(beyond, CallGraph::fp);
  EXPECT_EQ(beyond.stack.size(), 512U);
  Sample below = with_stack(0x7000, 0x10, 512);
  trim_stack(below, CallGraph::fp);
  EXPECT_EQ(below.stack.size(), 512U);
}

TEST(StackPolicy, DwarfModeKeepsEverything) {
  Sample s = with_stack(0x7000, 0x7040, 8192);
  trim_stack(s, CallGraph::dwarf);
  EXPECT_EQ(s.stack.size(), 8192U);
}

}  // namespace
}  // namespace perfprobe::sampling
