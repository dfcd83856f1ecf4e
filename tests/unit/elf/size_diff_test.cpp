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
