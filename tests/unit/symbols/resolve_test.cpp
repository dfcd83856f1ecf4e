// resolve(): addresses of this test binary through a hand-made profile become named frames.
#include <unistd.h>

#include <cstdint>

#include <gtest/gtest.h>

#include "perfprobe/sampling/proc_maps.hpp"
#include "perfprobe/symbols/resolve.hpp"
#include "perfprobe/sys/fd.hpp"

extern "C" __attribute__((noinline)) int perfprobe_resolve_leaf(int x) { return x * 5; }
extern "C" __attribute__((noinline)) int perfprobe_resolve_caller(int x) { return perfprobe_resolve_leaf(x) + 1; }
extern "C" __attribute__((noinline)) int perfprobe_resolve_waiter(int x) { return perfprobe_resolve_caller(x) * 3; }

namespace perfprobe::symbols {
namespace {

TEST(Resolve, SampleStacksBecomeFramesLeafFirst) {
  sampling::Profile p;
  std::string text;
  ASSERT_TRUE(sys::read_file("/proc/self/maps", text));
  p.mappings = sampling::parse_proc_maps(text, ::getpid(), 0);
  sampling::Sample s;
  s.pid = ::getpid();
  s.tid = ::getpid();
  s.t_ns = 10;
  // The leaf's entry, then a return address inside the caller.
  s.callchain = {reinterpret_cast<std::uintptr_t>(&perfprobe_resolve_leaf),
                 reinterpret_cast<std::uintptr_t>(&perfprobe_resolve_caller) + 8, 0x10};
  p.samples = {s, s};
  p.tasks.push_back(sampling::TaskEvent{sampling::TaskEvent::Kind::comm, 0, s.pid, s.tid, 0, 0, "tester", false});
  Symbolizer sym;
  const auto r = resolve(p, sym);
  ASSERT_EQ(r.samples.size(), 2U);
  const auto& stack = r.stack_of(r.samples[0]);
  ASSERT_EQ(stack.size(), 3U);
  EXPECT_EQ(r.frames[stack[0]].function, "perfprobe_resolve_leaf");
  EXPECT_EQ(r.frames[stack[1]].function, "perfprobe_resolve_caller");
  EXPECT_EQ(r.frames[stack[2]].function, "[unknown]");
  EXPECT_EQ(r.samples[1].stack, r.samples[0].stack) << "stacks are interned";
  EXPECT_EQ(r.stacks.size(), 1U);
  EXPECT_EQ(r.thread_names.at(s.tid), "tester");
  bool self_module = false;
  for (const auto& m : r.modules) self_module = self_module || (m.samples == 2 && m.has_symbols);
  EXPECT_TRUE(self_module);
}

// Samples of two threads with two stacks, handed over out of time order: each distinct stack is
// kept once, every sample keeps its own, and the samples come out in time order.
TEST(Resolve, DistinctStacksAreKeptOnceAndSamplesSortedByTime) {
  sampling::Profile p;
  std::string text;
  ASSERT_TRUE(sys::read_file("/proc/self/maps", text));
  p.mappings = sampling::parse_proc_maps(text, ::getpid(), 0);
  sampling::Sample leaf;
  leaf.pid = ::getpid();
  leaf.tid = ::getpid();
  leaf.callchain = {reinterpret_cast<std::uintptr_t>(&perfprobe_resolve_leaf),
                    reinterpret_cast<std::uintptr_t>(&perfprobe_resolve_caller) + 8};
  sampling::Sample caller = leaf;
  caller.tid = leaf.tid + 1;
  caller.callchain = {reinterpret_cast<std::uintptr_t>(&perfprobe_resolve_caller) + 4};
  const std::int64_t times[] = {50, 10, 40, 20, 30, 60};
  for (std::size_t i = 0; i < 6; ++i) {
    sampling::Sample s = i % 2 == 0 ? leaf : caller;
    s.t_ns = times[i];
    p.samples.push_back(s);
  }
  Symbolizer sym;
  const auto r = resolve(p, sym);
  ASSERT_EQ(r.samples.size(), 6U);
  EXPECT_EQ(r.stacks.size(), 2U);
  for (std::size_t i = 0; i < r.samples.size(); ++i) {
    const auto& s = r.samples[i];
    if (i > 0) {
      EXPECT_LT(r.samples[i - 1].t_ns, s.t_ns);
    }
    const auto& stack = r.stack_of(s);
    // Leaf first: the caller's own frame is the leaf of the second thread's samples only.
    ASSERT_FALSE(stack.empty());
    const bool on_leaf = s.tid == leaf.tid;
    EXPECT_EQ(r.frames[stack[0]].function, on_leaf ? "perfprobe_resolve_leaf" : "perfprobe_resolve_caller");
    EXPECT_EQ(stack.size(), on_leaf ? 2U : 1U);
  }
  EXPECT_EQ(r.truncated, 6U) << "no chain here reaches main";
}

// A sample of this process at 10 ns with `chain`, as the tests of waits below take it.
sampling::Sample own_sample(std::vector<std::uint64_t> chain) {
  sampling::Sample s;
  s.pid = ::getpid();
  s.tid = ::getpid();
  s.t_ns = 10;
  s.callchain = std::move(chain);
  return s;
}

// This process's mappings, and one wait of `s`'s thread from 100 to 300 ns whose sample (at 100 ns)
// holds `wait_chain`.
sampling::Profile one_wait(const sampling::Sample& s, std::vector<std::uint64_t> wait_chain) {
  sampling::Profile p;
  std::string text;
  EXPECT_TRUE(sys::read_file("/proc/self/maps", text));
  p.mappings = sampling::parse_proc_maps(text, ::getpid(), 0);
  p.off_cpu.switches = true;
  p.off_cpu.end_ns = 1000;
  p.switches = {{100, s.pid, s.tid, true, false}, {300, s.pid, s.tid, false, false}};
  sampling::WaitSample w;
  w.sample = s;
  w.sample.t_ns = 100;
  w.sample.callchain = std::move(wait_chain);
  p.waits = {w};
  return p;
}

// A wait sample's chain unwound as the reader hands it over (add_wait, the profile holding the wait
// without it) gives the off-CPU interval the frames resolve() gives it from the whole profile.
TEST(Resolve, WaitsAddedOneByOneGiveTheSameOffCpuStacks) {
  const auto s = own_sample({reinterpret_cast<std::uintptr_t>(&perfprobe_resolve_leaf),
                             reinterpret_cast<std::uintptr_t>(&perfprobe_resolve_caller) + 8});
  auto p = one_wait(s, s.callchain);
  p.samples = {s};
  const auto& w = p.waits[0];
  Symbolizer sym;
  const auto whole = resolve(p, sym);
  ASSERT_EQ(whole.off_cpu.size(), 1U);
  // Leaf, caller, and the mark of a chain that reaches no root (the caller is not main).
  ASSERT_EQ(whole.off_cpu[0].stack.size(), 3U);

  sampling::Profile light = p;
  light.samples.clear();
  light.waits[0].sample.callchain.clear();
  ProfileResolver resolver(light, sym);
  resolver.add(s);
  resolver.add_wait(0, w.sample);
  const auto streamed = resolver.finish();
  ASSERT_EQ(streamed.off_cpu.size(), 1U);
  ASSERT_EQ(streamed.off_cpu[0].stack.size(), 3U);
  EXPECT_EQ(streamed.frames[streamed.off_cpu[0].stack[0]].function, "perfprobe_resolve_leaf");
  EXPECT_EQ(streamed.frames[streamed.off_cpu[0].stack[1]].function, "perfprobe_resolve_caller");
  EXPECT_EQ(streamed.frames[streamed.off_cpu[0].stack[2]].function, kTruncatedFrame);
  EXPECT_EQ(streamed.off_cpu[0].start_ns, whole.off_cpu[0].start_ns);
}

// Waits resolved for views that print names only: an address the CPU samples looked up keeps its
// whole frame, one only the waits reach gets its function's name from the symbol table alone.
TEST(Resolve, WaitsForNamesOnlyShareTheSamplesFramesAndNameTheRest) {
  const auto s = own_sample({reinterpret_cast<std::uintptr_t>(&perfprobe_resolve_leaf)});
  const auto p = one_wait(s, {reinterpret_cast<std::uintptr_t>(&perfprobe_resolve_leaf),
                              reinterpret_cast<std::uintptr_t>(&perfprobe_resolve_waiter) + 8});
  Symbolizer sym;
  ProfileResolver resolver(p, sym);
  resolver.wait_detail(Symbolizer::Detail::function);
  resolver.add(s);
  const auto r = resolver.finish();
  ASSERT_EQ(r.samples.size(), 1U);
  ASSERT_EQ(r.off_cpu.size(), 1U);
  const auto& stack = r.off_cpu[0].stack;
  ASSERT_EQ(stack.size(), 3U);  // leaf, waiter, the mark of a chain that reaches no root
  EXPECT_EQ(stack[0], r.stack_of(r.samples[0])[0]) << "the sample's frame, not a second one for the same address";
  EXPECT_EQ(r.frames[stack[1]].function, "perfprobe_resolve_waiter");
  EXPECT_TRUE(r.frames[stack[1]].file.empty());
  EXPECT_FALSE(r.frames[stack[1]].inlined);
  EXPECT_EQ(r.frames[stack[2]].function, kTruncatedFrame);
}

}  // namespace
}  // namespace perfprobe::symbols
