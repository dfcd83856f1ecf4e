// Replays the committed seed corpus of the check-file fuzzer (tests/fuzz/corpus/check_files) as a unit
// test, so every input that ever found a bug stays fixed without a clang/libFuzzer build.
#include <gtest/gtest.h>

#include "fuzz/check_files_target.hpp"
#include "fuzz/corpus_files.hpp"

TEST(CheckFilesCorpus, EveryInputGivesAValueOrAUsageError) {
  const auto files = perfprobe::fuzz::corpus_files("check_files");
  for (const auto& [path, text] : files) EXPECT_NO_THROW(fuzz::check_files_one(text)) << path;
  EXPECT_GE(files.size(), 10U);
}

TEST(CheckFilesCorpus, BaselineMedianOfZeroOrNegativeIsRejected) {
  EXPECT_THROW((void)perfprobe::gate::parse_baseline(R"({"samples":{"wall_ms":[0,0,0]}})", "b"), perfprobe::UsageError);
  EXPECT_THROW((void)perfprobe::gate::parse_baseline(R"({"samples":{"wall_ms":[-5,10,12]}})", "b"),
               perfprobe::UsageError);
  EXPECT_NO_THROW((void)perfprobe::gate::parse_baseline(R"({"samples":{"wall_ms":[9,10,12]}})", "b"));
}
