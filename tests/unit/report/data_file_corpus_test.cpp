// Replays the committed seed corpus of the data-file fuzzer (tests/fuzz/corpus/data_file) as a unit
// test, so every file that ever found a bug in the reader or the analysis stays fixed without a
// clang/libFuzzer build; and checks the overflow-safe date of a crafted recording.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "fuzz/data_file_input.hpp"

TEST(DataFileCorpus, EveryFileGivesAReportOrAUsageError) {
  const std::filesystem::path dir = std::filesystem::path(PERFPROBE_SOURCE_DIR) / "tests/fuzz/corpus/data_file";
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    const std::string s = bytes.str();
    EXPECT_NO_THROW(perfprobe::fuzz::data_file_one_input(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()))
        << entry.path();
    ++n;
  }
  EXPECT_GE(n, 3);
}

TEST(DataFileCorpus, RecordingStartOfACraftedFileDoesNotOverflow) {
  using perfprobe::report::recording_start_unix_ns;
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(recording_start_unix_ns(1'700'000'000, 2'000'000'000), 1'699'999'998'000'000'000);
  EXPECT_EQ(recording_start_unix_ns(kMax, 1), 0);
  EXPECT_EQ(recording_start_unix_ns(5, kMax), 0);
  EXPECT_EQ(recording_start_unix_ns(-1, 0), 0);
  EXPECT_EQ(recording_start_unix_ns(1, -kMax), 0);
}
