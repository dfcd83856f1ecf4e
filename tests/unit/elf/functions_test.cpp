// Function symbols for uprobes: this test binary's own functions (C and C++), name matching,
// ambiguity and nearest candidates.
#include <gtest/gtest.h>

#include "perfprobe/elf/functions.hpp"

using namespace perfprobe::elf;

extern "C" __attribute__((noinline, used)) int perfprobe_test_plain(int x) { return x + 1; }
namespace probe_demo {
struct Widget {
  __attribute__((noinline, used)) int spin(int x) const { return x * 2; }
  __attribute__((noinline, used)) int spin(double x) const { return static_cast<int>(x); }
};
}  // namespace probe_demo

TEST(Functions, ReadsCAndDemangledCppNamesWithFileOffsets) {
  probe_demo::Widget w;
  EXPECT_EQ(w.spin(perfprobe_test_plain(1)) + w.spin(0.0), 4);
  const auto all = read_functions("/proc/self/exe");
  const auto plain = find_function(all, "perfprobe_test_plain");
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_GT(plain[0].offset, 0u);
  EXPECT_GT(plain[0].size, 0u);
  EXPECT_EQ(code_offset("/proc/self/exe", plain[0].address), plain[0].offset);
  const auto one = find_function(all, "probe_demo::Widget::spin(int) const");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(find_function(all, one[0].name).size(), 1u);                 // the mangled name too
  EXPECT_EQ(find_function(all, "probe_demo::Widget::spin").size(), 2u);  // both overloads: ambiguous
  EXPECT_GE(match_functions(all, "probe_demo::*spin*").size(), 2u);      // GCC may add a .constprop clone
}

TEST(Functions, NearestCandidatesForATypo) {
  std::vector<FunctionSymbol> fs;
  for (const char* n : {"llama_decode", "llama_encode", "ggml_graph_compute", "main", "_ZN4demo6Engine4stepEi"}) {
    FunctionSymbol f;
    f.name = n;
    f.demangled = demangle_name(n);
    f.address = fs.size() + 1;
    fs.push_back(f);
  }
  EXPECT_EQ(fs.back().demangled, "demo::Engine::step(int)");
  EXPECT_TRUE(find_function(fs, "llama_decod").empty());
  const auto near = nearest_functions(fs, "llama_decod", 2);
  ASSERT_EQ(near.size(), 2u);
  EXPECT_EQ(near[0], "llama_decode");
  EXPECT_EQ(nearest_functions(fs, "Engine::step", 1).at(0), "demo::Engine::step");
  EXPECT_EQ(find_function(fs, "demo::Engine::step").size(), 1u);
}
