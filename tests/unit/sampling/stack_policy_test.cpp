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

namespace perfprobe::sampling {
namespace {

// Two modules: /framed at 0x1000-0x2000, /frameless at 0x5000-0x6000.
StackPolicy two_modules() {
  StackPolicy p(CallGraph::automatic, [](const std::string& path) { return path == "/framed"; });
  p.add_mapping(Mapping{0, 1, 0x1000, 0x1000, 0, "/framed", ""});
  p.add_mapping(Mapping{0, 1, 0x5000, 0x1000, 0, "/frameless", ""});
  return p;
}

TEST(StackPolicy, AutoTrimsAChainThatStaysInFramedCode) {
  StackPolicy p = two_modules();
  Sample s = with_stack(0x7000, 0x7040, 8192);
  s.callchain = {0x1100, 0x1200, 0x5300};  // the outermost frame needs no frame of its own
  p.apply(s);
  EXPECT_EQ(s.stack.size(), 0x40U + 16);
  EXPECT_FALSE(stack_kept_whole(s));
  EXPECT_EQ(p.kept_whole(), 0U);
}

TEST(StackPolicy, AutoKeepsTheWholeCopyWhenTheChainCrossesFramelessCode) {
  StackPolicy p = two_modules();
  Sample leaf = with_stack(0x7000, 0x7040, 8192);
  leaf.callchain = {0x5100, 0x1200, 0x1300};
  p.apply(leaf);
  EXPECT_EQ(leaf.stack.size(), 8192U);
  EXPECT_TRUE(stack_kept_whole(leaf));
  Sample unknown = with_stack(0x7000, 0x7040, 8192);
  unknown.callchain = {0x9100, 0x1200};  // JIT code or a mapping not seen yet
  p.apply(unknown);
  EXPECT_EQ(unknown.stack.size(), 8192U);
  EXPECT_EQ(p.kept_whole(), 2U);
  EXPECT_EQ(p.frameless_modules(), std::vector<std::string>{"/frameless"});
}

TEST(StackPolicy, AutoForgetsAMappingThatWasReplaced) {
  StackPolicy p = two_modules();
  p.add_mapping(Mapping{0, 1, 0x5000, 0x1000, 0, "/framed", ""});
  Sample s = with_stack(0x7000, 0x7040, 8192);
  s.callchain = {0x5100, 0x1200};
  p.apply(s);
  EXPECT_EQ(s.stack.size(), 0x40U + 16);
}

}  // namespace
}  // namespace perfprobe::sampling
