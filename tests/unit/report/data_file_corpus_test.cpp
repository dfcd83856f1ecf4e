// Replays the committed seed corpus of the data-file fuzzer (tests/fuzz/corpus/data_file) as a unit
// test, so every file that ever found a bug in the reader or the analysis stays fixed without a
// clang/libFuzzer build; and checks the overflow-safe date of a crafted recording.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "fuzz/corpus_files.hpp"
#include "fuzz/data_file_input.hpp"

TEST(DataFileCorpus, EveryFileGivesAReportOrAUsageError) {
  const auto files = perfprobe::fuzz::corpus_files("data_file");
  for (const auto& [path, s] : files) {
    EXPECT_NO_THROW(perfprobe::fuzz::data_file_one_input(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()))
        << path;
  }
  EXPECT_GE(files.size(), 3U);
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
