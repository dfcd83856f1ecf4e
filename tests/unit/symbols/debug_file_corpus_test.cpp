// Replays the committed seed corpus of the debug-file fuzzer (tests/fuzz/corpus/debug_file) as a unit
// test, so a crafted debug file that once broke the lazy DWARF reader stays harmless without a
// clang/libFuzzer build, and checks that the seeds are real compressed debug files it opens.
#include <gtest/gtest.h>

#include <filesystem>

#include "fuzz/corpus_files.hpp"
#include "fuzz/debug_file_input.hpp"

TEST(DebugFileCorpus, EveryFileOpensAndLooksUpWithoutHarm) {
  const auto files = perfprobe::fuzz::corpus_files("debug_file");
  for (const auto& [path, s] : files) {
    EXPECT_NO_THROW(perfprobe::fuzz::debug_file_one_input(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()))
        << path;
  }
  EXPECT_GE(files.size(), 3U);
}

TEST(DebugFileCorpus, TheSeedsAreCompressedDebugFilesTheLazyReaderTakes) {
  // A seed the reader refuses would leave the fuzzer outside the code it is meant to reach.
  const std::filesystem::path dir = std::filesystem::path(PERFPROBE_SOURCE_DIR) / "tests/fuzz/corpus/debug_file";
  for (const char* seed : {"hot_inline_dwarf5_zlib", "hot_inline_dwarf4_zlib"}) {
    const auto dwarf = perfprobe::symbols::LazyDwarf::open((dir / seed).string());
    ASSERT_NE(dwarf, nullptr) << seed;
    Dwarf_Die cu;
    bool found = false;
    for (Dwarf_Addr a = 0x1000; a < 0x7000 && !found; a += 0x10) found = dwarf->cu_at(a, cu);
    EXPECT_TRUE(found) << seed << ": no unit covers the first pages";
    EXPECT_LT(dwarf->inflated(), dwarf->full()) << seed << ": a lookup inflated everything";
  }
}

TEST(DebugFileCorpus, ASectionClaimingMoreThanZlibCanExpandIsRefused) {
  // Found by the fuzzer: 40 KB of file whose compression header claims a 3.3 GB section made the
  // reader reserve its image for it; zlib expands at most 1032:1.
  const std::filesystem::path seed =
      std::filesystem::path(PERFPROBE_SOURCE_DIR) / "tests/fuzz/corpus/debug_file/claims-gigabytes";
  EXPECT_EQ(perfprobe::symbols::LazyDwarf::open(seed.string()), nullptr);
}
