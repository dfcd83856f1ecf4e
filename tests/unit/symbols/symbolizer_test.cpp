// Symbolizing this test binary's own functions (built with -g) and libc (separate debug info).
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "perfprobe/sampling/proc_maps.hpp"
#include "perfprobe/symbols/symbolizer.hpp"
#include "perfprobe/sys/fd.hpp"

constexpr int kTargetLine = __LINE__ + 1;
extern "C" __attribute__((noinline)) int perfprobe_symbols_test_target(int x) { return x * 3 + 1; }

namespace outer::inner {
__attribute__((noinline)) int cxx_target(int x) { return x + 2; }
}  // namespace outer::inner

namespace perfprobe::symbols {
namespace {

struct Located {
  std::string path;
  std::uint64_t file_address = 0;
};

Located locate(const void* fn, Symbolizer& sym) {
  std::string text;
  EXPECT_TRUE(sys::read_file("/proc/self/maps", text));
  const auto addr = reinterpret_cast<std::uintptr_t>(fn);
  for (const auto& m : sampling::parse_proc_maps(text, ::getpid(), 0)) {
    if (addr >= m.start && addr < m.start + m.length) {
      return {m.path, sym.file_address(m.path, m.start, m.pgoff, addr).value_or(0)};
    }
  }
  return {};
}

TEST(Symbolizer, NamesAFunctionWithFileAndLine) {
  Symbolizer sym;
  const auto at = locate(reinterpret_cast<const void*>(&perfprobe_symbols_test_target), sym);
  ASSERT_FALSE(at.path.empty());
  const auto frames = sym.frames(at.path, at.file_address, false);
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames.back().function, "perfprobe_symbols_test_target");
  EXPECT_TRUE(frames.back().file.ends_with("symbolizer_test.cpp")) << frames.back().file;
  EXPECT_EQ(frames.back().line, kTargetLine);
  EXPECT_EQ(frames.back().module, at.path);
}

TEST(Symbolizer, DemanglesCppNames) {
  Symbolizer sym;
  const auto at = locate(reinterpret_cast<const void*>(&outer::inner::cxx_target), sym);
  const auto frames = sym.frames(at.path, at.file_address, false);
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames.back().function, "outer::inner::cxx_target(int)");
  EXPECT_EQ(demangle("_ZN5outer5inner10cxx_targetEi"), "outer::inner::cxx_target(int)");
  EXPECT_EQ(demangle("plain_c"), "plain_c");
  EXPECT_EQ(demangle("_Znot-valid"), "_Znot-valid");
}

TEST(Symbolizer, DescribesBuildIdAndDebugInfo) {
  Symbolizer sym;
  const auto self = std::filesystem::read_symlink("/proc/self/exe").string();
  const auto m = sym.describe(self);
  EXPECT_EQ(m.build_id.size(), 40U) << "gcc on Debian links with --build-id (sha1)";
  EXPECT_EQ(m.build_id, read_build_id(self));
  EXPECT_TRUE(m.has_symbols);
  EXPECT_TRUE(m.has_debuginfo);
  EXPECT_TRUE(sym.describe("/nonexistent/file").build_id.empty());
}

TEST(Symbolizer, FindsSeparateDebugInfoUnderUsrLibDebug) {
  const std::string libc = "/lib/x86_64-linux-gnu/libc.so.6";
  const std::string id = read_build_id(libc);
  if (id.size() < 3) GTEST_SKIP() << "no libc with a build-id here";
  const std::string debug = "/usr/lib/debug/.build-id/" + id.substr(0, 2) + "/" + id.substr(2) + ".debug";
  if (!std::filesystem::exists(debug)) GTEST_SKIP() << "libc's debug info is not installed (libc6-dbg)";
  Symbolizer sym;
  const auto m = sym.describe(libc);
  EXPECT_TRUE(m.has_debuginfo);
  EXPECT_FALSE(m.debug_file.empty());
}

}  // namespace
}  // namespace perfprobe::symbols
