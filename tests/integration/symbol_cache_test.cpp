// `report` with the symbol cache (docs/symbol-cache.md): a second report of the same recording, which
// answers from the cache, prints exactly what the first printed, and --no-cache / PERFPROBE_CACHE=0
// neither read nor write it. `record --html` symbolizes through the same cache.
#include <gtest/gtest.h>

#include <filesystem>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;

namespace {

std::size_t files_in(const std::string& dir) {
  std::error_code ec;
  std::size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    ++n;
  }
  return n;
}

}  // namespace

TEST(SymbolCache, SecondReportPrintsTheSameFromTheCache) {
  harness::TempDir dir;
  const auto rec = harness::run(
      {perfprobe(), "record", "-q", "-F", "999", "-o", dir.file("p.data"), "--", fixture("hot_inline"), "300"});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  harness::RunOptions opt;
  opt.env = {"XDG_CACHE_HOME=" + dir.file("cache"), "PERFPROBE_CACHE=1"};
  const std::string symbols = dir.file("cache") + "/perfprobe/symbols";

  const auto first = harness::run({perfprobe(), "report", dir.file("p.data")}, opt);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_GE(files_in(symbols), 2U) << "the fixture and libc, at least";
  const auto first_json = harness::run({perfprobe(), "report", "--json", "--inline", dir.file("p.data")}, opt);

  const auto second = harness::run({perfprobe(), "report", dir.file("p.data")}, opt);
  const auto second_json = harness::run({perfprobe(), "report", "--json", "--inline", dir.file("p.data")}, opt);
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out, first.out);
  EXPECT_EQ(second_json.out, first_json.out);
  EXPECT_NE(first.out.find("hot_"), std::string::npos) << first.out;

  const auto uncached = harness::run({perfprobe(), "report", "--no-cache", dir.file("p.data")}, opt);
  EXPECT_EQ(uncached.out, first.out);

  // Turned off, nothing is written.
  harness::RunOptions off;
  off.env = {"XDG_CACHE_HOME=" + dir.file("off"), "PERFPROBE_CACHE=0"};
  EXPECT_EQ(harness::run({perfprobe(), "report", dir.file("p.data")}, off).out, first.out);
  harness::RunOptions flag;
  flag.env = {"XDG_CACHE_HOME=" + dir.file("off")};
  EXPECT_EQ(harness::run({perfprobe(), "report", "--no-cache", dir.file("p.data")}, flag).out, first.out);
  EXPECT_FALSE(std::filesystem::exists(dir.file("off")));
}

TEST(SymbolCache, RecordHtmlFillsAndHonoursTheCache) {
  harness::TempDir dir;
  harness::RunOptions opt;
  opt.env = {"XDG_CACHE_HOME=" + dir.file("cache"), "PERFPROBE_CACHE=1"};
  const auto rec = harness::run({perfprobe(), "record", "-q", "-F", "999", "-o", dir.file("p.data"), "--html",
                                 dir.file("p.html"), "--", fixture("hot_inline"), "200"},
                                opt);
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  ASSERT_TRUE(std::filesystem::exists(dir.file("p.html")));
  EXPECT_GE(files_in(dir.file("cache") + "/perfprobe/symbols"), 2U) << "the fixture and libc, at least";

  harness::RunOptions off;
  off.env = {"XDG_CACHE_HOME=" + dir.file("off"), "PERFPROBE_CACHE=0"};
  const auto quiet = harness::run({perfprobe(), "record", "-q", "-F", "999", "-o", dir.file("q.data"), "--html",
                                   dir.file("q.html"), "--", fixture("hot_inline"), "100"},
                                  off);
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("off")));
}
