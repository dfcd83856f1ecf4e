// diff_sizes: growth by section and symbol, added/removed rows, ordering, the top-N cut.
#include "perfprobe/elf/size_diff.hpp"

#include <gtest/gtest.h>

using perfprobe::elf::BinarySize;

namespace {

BinarySize binary(std::uint64_t text, std::uint64_t data, std::vector<std::pair<std::string, std::uint64_t>> syms) {
  BinarySize b;
  b.file_bytes = text + data + 1000;
  b.stripped_bytes = text + data + 100;
  b.sections.push_back({"", "NULL", 0, 0, 0, 0, 0, false, false});
  b.sections.push_back({".text", "PROGBITS", 0, 0, text, text, 16, true, false});
  b.sections.push_back({".data", "PROGBITS", 0, 0, data, data, 8, true, false});
  for (auto& [name, size] : syms) b.symbols.push_back({name, name, "func", ".text", size});
  b.symbol_count = b.symbols.size();
  return b;
}

}  // namespace

TEST(SizeDiff, ReportsGrowthBySectionAndSymbolLargestFirst) {
  const auto old_b = binary(1000, 100, {{"f", 100}, {"g", 50}, {"gone", 10}});
  const auto new_b = binary(1500, 90, {{"f", 400}, {"g", 50}, {"h", 200}});
  const auto d = perfprobe::elf::diff_sizes(old_b, new_b, 0);
  EXPECT_EQ(d.total.file_delta(), 490);
  EXPECT_EQ(d.stripped.file_delta(), 490);
  ASSERT_EQ(d.sections.size(), 2U);
  EXPECT_EQ(d.sections[0].name, ".text");
  EXPECT_EQ(d.sections[0].file_delta(), 500);
  EXPECT_EQ(d.sections[1].file_delta(), -10);
  ASSERT_EQ(d.symbols.size(), 3U);  // g did not change
  EXPECT_EQ(d.symbols[0].name, "f");
  EXPECT_EQ(d.symbols[0].file_delta(), 300);
  EXPECT_EQ(d.symbols[1].name, "h");
  EXPECT_TRUE(d.symbols[1].added);
  EXPECT_EQ(d.symbols[2].name, "gone");
  EXPECT_TRUE(d.symbols[2].removed);
  EXPECT_TRUE(d.symbols_complete);
}

TEST(SizeDiff, SameBinaryHasNoRows) {
  const auto b = binary(1000, 100, {{"f", 100}});
  const auto d = perfprobe::elf::diff_sizes(b, b, 0);
  EXPECT_TRUE(d.sections.empty());
  EXPECT_TRUE(d.symbols.empty());
  EXPECT_EQ(d.total.file_delta(), 0);
}

TEST(SizeDiff, TopLimitsSymbolRowsAndIncompleteSidesAreFlagged) {
  auto old_b = binary(1000, 100, {{"a", 1}, {"b", 2}, {"c", 3}});
  const auto new_b = binary(1000, 100, {{"a", 10}, {"b", 20}, {"c", 30}});
  old_b.symbol_count = 10;  // the saved JSON held only 3 of 10
  const auto d = perfprobe::elf::diff_sizes(old_b, new_b, 2);
  ASSERT_EQ(d.symbols.size(), 2U);
  EXPECT_EQ(d.symbols[0].name, "c");
  EXPECT_FALSE(d.symbols_complete);
}

// An OpenMP build adds libgomp and libmvec to the closure: the diff lists them with their sizes.
TEST(SizeDiff, LibrariesAddedAndRemovedWithTheirSizes) {
  auto old_b = binary(1000, 100, {});
  auto new_b = binary(1000, 100, {});
  old_b.libraries_resolved = new_b.libraries_resolved = true;
  old_b.libraries = {{"libc.so.6", "/lib/libc.so.6", "system", "a", 2'000'000}, {"libold.so", "", "", "a", 0}};
  new_b.libraries = {{"libc.so.6", "/lib/libc.so.6", "system", "a", 2'000'000},
                     {"libgomp.so.1", "/lib/libgomp.so.1", "system", "a", 290'406},
                     {"libmvec.so.1", "/lib/libmvec.so.1", "system", "a", 1'019'392}};
  old_b.closure_bytes = old_b.file_bytes + 2'000'000;
  new_b.closure_bytes = new_b.file_bytes + 2'000'000 + 290'406 + 1'019'392;
  const auto d = perfprobe::elf::diff_sizes(old_b, new_b, 0);
  ASSERT_TRUE(d.libraries_compared);
  ASSERT_EQ(d.libraries.size(), 3U);  // libc did not change
  EXPECT_EQ(d.libraries[0].name, "libmvec.so.1");
  EXPECT_TRUE(d.libraries[0].added);
  EXPECT_EQ(d.libraries[0].file_delta(), 1'019'392);
  EXPECT_EQ(d.libraries[1].name, "libgomp.so.1");
  EXPECT_TRUE(d.libraries[2].removed);
  EXPECT_EQ(d.closure.file_delta(), 290'406 + 1'019'392);
  old_b.libraries_resolved = false;  // --no-libs on one side: nothing to compare
  EXPECT_FALSE(perfprobe::elf::diff_sizes(old_b, new_b, 0).libraries_compared);
}
