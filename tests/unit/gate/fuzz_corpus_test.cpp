// Replays the committed seed corpus of the check-file fuzzer (tests/fuzz/corpus/check_files) as a unit
// test, so every input that ever found a bug stays fixed without a clang/libFuzzer build.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/check_files_target.hpp"

TEST(CheckFilesCorpus, EveryInputGivesAValueOrAUsageError) {
  const std::filesystem::path dir = std::filesystem::path(PERFPROBE_SOURCE_DIR) / "tests/fuzz/corpus/check_files";
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NO_THROW(fuzz::check_files_one(text.str())) << entry.path();
    ++n;
  }
  EXPECT_GE(n, 10);
}

TEST(CheckFilesCorpus, BaselineMedianOfZeroOrNegativeIsRejected) {
  EXPECT_THROW((void)perfprobe::gate::parse_baseline(R"({"samples":{"wall_ms":[0,0,0]}})", "b"), perfprobe::UsageError);
  EXPECT_THROW((void)perfprobe::gate::parse_baseline(R"({"samples":{"wall_ms":[-5,10,12]}})", "b"),
               perfprobe::UsageError);
  EXPECT_NO_THROW((void)perfprobe::gate::parse_baseline(R"({"samples":{"wall_ms":[9,10,12]}})", "b"));
}
