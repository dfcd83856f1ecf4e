// Replays the committed seed corpus of the data-file fuzzer (tests/fuzz/corpus/data_file) as a unit
// test, so every file that ever found a bug in the reader or the analysis stays fixed without a
// clang/libFuzzer build; and checks the overflow-safe date of a crafted recording.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "fuzz/corpus_files.hpp"
#include "fuzz/data_file_input.hpp"
#include "perfprobe/error.hpp"
#include "perfprobe/sampling/data_file.hpp"

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

// A recording whose switch and wait chunks claim 4 billion records each is refused as malformed, not
// by a failed allocation: the reader reserves at the announced counts only up to four times the
// file's size.
TEST(DataFileCorpus, ChunksClaimingBillionsOfRecordsAreRefused) {
  for (const auto& [path, s] : perfprobe::fuzz::corpus_files("data_file")) {
    if (path.filename() != "v3-chunk-counts-claim-4g") continue;
    try {
      const perfprobe::sampling::DataFileReader reader(s, path.string());
      ADD_FAILURE() << "read";
    } catch (const perfprobe::UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("malformed"), std::string::npos) << e.what();
    }
    return;
  }
  FAIL() << "v3-chunk-counts-claim-4g is not in the corpus";
}
