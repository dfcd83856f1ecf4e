// `report --annotate FUNC` on a hand-made profile: which function a name means, samples per line
// (self and total), and the views with and without the source text.
#include "perfprobe/report/annotate.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "perfprobe/error.hpp"

namespace perfprobe::report {
namespace {

// frames: 0 main (m.c:10), 1 work (m.c:20), 2 hot (m.c:30), 3 hot (m.c:31); 6 + 2 samples in hot.
ResolvedProfile make_profile() {
  ResolvedProfile p;
  p.frames = {{"main", "m.c", 10, "/bin/m", 0x100, false},
              {"work", "m.c", 20, "/bin/m", 0x200, false},
              {"hot", "m.c", 30, "/bin/m", 0x300, false},
              {"hot", "m.c", 31, "/bin/m", 0x310, false}};
  for (int i = 0; i < 6; ++i) p.samples.push_back({i, 1, 1, p.add_stack({2, 1, 0})});
  for (int i = 0; i < 2; ++i) p.samples.push_back({10 + i, 1, 1, p.add_stack({3, 1, 0})});
  p.samples.push_back({20, 1, 1, p.add_stack({1, 0})});
  return p;
}

SourceTexts source() {
  std::string text;
  for (int i = 1; i <= 40; ++i) text += "line " + std::to_string(i) + "\n";
  return {{"m.c", text}};
}

TEST(Annotate, SamplesPerLineSelfAndTotal) {
  const auto a = annotate(make_profile(), "hot");
  EXPECT_EQ(a.function, "hot");
  EXPECT_EQ(a.self_samples, 8U);
  EXPECT_EQ(a.total_samples, 8U);
  ASSERT_EQ(a.files.size(), 1U);
  ASSERT_EQ(a.files[0].lines.size(), 2U);
  EXPECT_EQ(a.files[0].lines[0].line, 30);
  EXPECT_EQ(a.files[0].lines[0].self_samples, 6U);
  const auto work = annotate(make_profile(), "work");
  EXPECT_EQ(work.self_samples, 1U);
  EXPECT_EQ(work.total_samples, 9U);  // its line 20 calls hot
}

TEST(Annotate, ANameIsExactOrTheOneFunctionContainingIt) {
  EXPECT_EQ(annotate(make_profile(), "wor").function, "work");
  EXPECT_THROW((void)annotate(make_profile(), "o"), UsageError);  // hot and work
  try {
    (void)annotate(make_profile(), "nothing");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("no function 'nothing'"), std::string::npos) << e.what();
    EXPECT_FALSE(e.hint().empty());
  }
}

TEST(Annotate, TextShowsTheSourceLinesWithTheirShares) {
  std::ostringstream out;
  write_annotation_text(out, annotate(make_profile(), "hot"), source());
  const auto s = out.str();
  EXPECT_NE(s.find("hot [/bin/m]: 8 samples by itself (88.9% of all)"), std::string::npos) << s;
  EXPECT_NE(s.find("      6  75.0%        6  75.0%      30  line 30\n"), std::string::npos) << s;
  EXPECT_NE(s.find("      2  25.0%        2  25.0%      31  line 31\n"), std::string::npos) << s;
  EXPECT_NE(s.find("      28  line 28\n"), std::string::npos) << "context before" << s;
  EXPECT_NE(s.find("      33  line 33\n"), std::string::npos) << "context after" << s;
  EXPECT_EQ(s.find("line 34"), std::string::npos) << s;
}

TEST(Annotate, AnUnreadableSourceIsNamedWithWhatToDo) {
  std::ostringstream out;
  const auto a = annotate(make_profile(), "hot");
  write_annotation_text(out, a, {});
  EXPECT_NE(out.str().find("m.c: cannot read it"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("      30  \n"), std::string::npos) << out.str();
  const auto j = nlohmann::json::parse(annotation_to_json(a, {}));
  EXPECT_FALSE(j["files"][0]["readable"].get<bool>());
  EXPECT_FALSE(j["files"][0]["lines"][0].contains("text"));
  const auto k = nlohmann::json::parse(annotation_to_json(a, source()));
  EXPECT_EQ(k["files"][0]["lines"][0]["text"], "line 30");
  EXPECT_DOUBLE_EQ(k["files"][0]["lines"][0]["self_pct"].get<double>(), 75.0);
}

}  // namespace
}  // namespace perfprobe::report
