// `report --annotate FUNC` on real recordings: the function's source lines with their samples, the
// hottest line being the one the profile names, and a clear line when the source cannot be read.
#include <gtest/gtest.h>

#include <filesystem>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using nlohmann::json;

namespace {

void record(const harness::TempDir& dir, const std::vector<std::string>& target) {
  std::vector<std::string> argv{perfprobe(), "record", "-q", "-o", dir.file("p.data"), "--"};
  argv.insert(argv.end(), target.begin(), target.end());
  const auto r = harness::run(argv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace

TEST(Annotate, SourceLinesWithTheirSamples) {
  harness::TempDir dir;
  record(dir, {fixture("hot_split"), "300"});
  const json rep = json::parse(harness::run({perfprobe(), "report", "--json", dir.file("p.data")}).out);
  ASSERT_EQ(rep["functions"][0]["name"], "heavy");
  const int hottest = rep["functions"][0]["line"].get<int>();
  const auto r = harness::run({perfprobe(), "report", "--annotate", "heavy", "--json", dir.file("p.data")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json a = json::parse(r.out);
  EXPECT_EQ(a["function"], "heavy");
  ASSERT_EQ(a["files"].size(), 1U) << a.dump(1);
  EXPECT_TRUE(a["files"][0]["readable"].get<bool>());
  EXPECT_TRUE(a["files"][0]["file"].get<std::string>().ends_with("tests/fixtures/hot_split.c"));
  const json* top = nullptr;
  for (const auto& l : a["files"][0]["lines"]) {
    if (top == nullptr || l["self_samples"] > (*top)["self_samples"]) top = &l;
  }
  ASSERT_NE(top, nullptr);
  EXPECT_EQ((*top)["line"], hottest);
  EXPECT_NE((*top)["text"].get<std::string>().find("for"), std::string::npos) << "heavy's loop: " << top->dump();
  // The text view prints the same line with its share.
  const auto text = harness::run({perfprobe(), "report", "--annotate", "heavy", dir.file("p.data")});
  EXPECT_NE(text.out.find((*top)["text"].get<std::string>()), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("heavy ["), std::string::npos) << text.out;
}

TEST(Annotate, AnUnreadableSourceFileIsNamedInOneLine) {
  harness::TempDir dir;
  const std::string src = dir.file("spin_copy.c");
  std::filesystem::copy_file(std::string(PERFPROBE_SOURCE_DIR) + "/tests/fixtures/spin.c", src);
  const auto cc = harness::run({"cc", "-O1", "-g", "-fno-omit-frame-pointer", "-o", dir.file("spin_copy"), src});
  ASSERT_EQ(cc.exit_code, 0) << cc.err;
  record(dir, {dir.file("spin_copy"), "200"});
  std::filesystem::remove(src);
  const auto r = harness::run({perfprobe(), "report", "--annotate", "hot_loop", dir.file("p.data")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(src + ": cannot read it"), std::string::npos) << r.out;
}

TEST(Annotate, UnknownOrAmbiguousNamesAreUsageErrors) {
  harness::TempDir dir;
  record(dir, {fixture("hot_split"), "100"});
  const auto none = harness::run({perfprobe(), "report", "--annotate", "no_such_fn", dir.file("p.data")});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no_such_fn"), std::string::npos) << none.err;
  const auto both = harness::run({perfprobe(), "report", "--annotate", "h", dir.file("p.data")});
  EXPECT_EQ(both.exit_code, 2) << "heavy, light, hot_split... " << both.out;
  const auto mixed =
      harness::run({perfprobe(), "report", "--annotate", "heavy", "--folded", dir.file("f.txt"), dir.file("p.data")});
  EXPECT_EQ(mixed.exit_code, 2);
}
