// `perfprobe compare` on real runs (a program twice as slow reads slower and worse, the same program
// does not), the same comparison of `run -- A ::: B` (interleaved runs), and `report --diff` on real
// recordings.
#include <gtest/gtest.h>

#include <sstream>

#include "integration/harness.hpp"

using harness::perfprobe;
using harness::run;
using nlohmann::json;

namespace {

void record(const harness::TempDir& dir, const std::string& name, const std::string& seconds) {
  // 8 runs a side: one run stretched by a loaded machine still leaves the test at 99% confidence.
  const auto r = run({perfprobe(), "run", "-q", "-r", "8", "--json", dir.file(name), "--", "sleep", seconds});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

const json* metric(const json& doc, const std::string& key) {
  for (const auto& m : doc["comparisons"][0]["metrics"]) {
    if (m["metric"] == key) return &m;
  }
  return nullptr;
}

}  // namespace

TEST(CompareCli, TwiceAsSlowIsWorseAndTheSameIsSame) {
  harness::TempDir dir;
  record(dir, "a.json", "0.05");
  record(dir, "b.json", "0.1");
  record(dir, "a2.json", "0.05");
  const auto r = run({perfprobe(), "compare", dir.file("a.json"), dir.file("b.json"), "--json", dir.file("c.json"),
                      "--markdown", dir.file("c.md")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("slower"), std::string::npos) << r.err;
  const json c = harness::read_json(dir.file("c.json"));
  const json* wall = metric(c, "wall_ms");
  ASSERT_NE(wall, nullptr) << c.dump();
  EXPECT_EQ((*wall)["outcome"], "worse") << wall->dump();
  // 50 ms -> 100 ms plus fork and exec, which a loaded machine stretches to tens of ms on both sides.
  EXPECT_GT((*wall)["change_pct"].get<double>(), 30) << wall->dump();
  EXPECT_LT((*wall)["change_pct"].get<double>(), 120) << wall->dump();
  EXPECT_LT((*wall)["p_value_worse"].get<double>(), 0.01);
  EXPECT_NE(harness::read_text(dir.file("c.md")).find("| wall |"), std::string::npos);

  // A 30% tolerance: other tests load the machine unevenly between the two recordings.
  const auto same = run({perfprobe(), "compare", dir.file("a.json"), dir.file("a2.json"), "--tolerance", "30%",
                         "--json", dir.file("s.json")});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  const json s = harness::read_json(dir.file("s.json"));
  const json* w2 = metric(s, "wall_ms");
  ASSERT_NE(w2, nullptr);
  EXPECT_NE((*w2)["outcome"], "worse") << w2->dump();
}

TEST(CompareCli, BadInputIsAUsageError) {
  harness::TempDir dir;
  EXPECT_EQ(run({perfprobe(), "compare", dir.file("only.json")}).exit_code, 2);
  EXPECT_EQ(run({perfprobe(), "compare", dir.file("x.json"), dir.file("y.json")}).exit_code, 2);
}

// report --diff: a recording of a program whose time is in heavy()/light() against one whose time
// is in hot_loop(): heavy loses its ~75% share, hot_loop gains nearly all; --folded has two counts.
TEST(ReportDiff, FunctionsGainAndLoseShareAndFoldedHasTwoColumns) {
  harness::TempDir dir;
  const auto rec_old =
      run({perfprobe(), "record", "-q", "-o", dir.file("old.data"), "--", harness::fixture("hot_split"), "300"});
  ASSERT_EQ(rec_old.exit_code, 0) << rec_old.err;
  const auto rec_new =
      run({perfprobe(), "record", "-q", "-o", dir.file("new.data"), "--", harness::fixture("spin"), "300"});
  ASSERT_EQ(rec_new.exit_code, 0) << rec_new.err;
  const auto r = run({perfprobe(), "report", "--json", "--diff", dir.file("old.data"), dir.file("new.data"), "--folded",
                      dir.file("d.folded")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json d = json::parse(r.out);
  double heavy = 0, hot = 0;
  for (const auto& f : d["scopes"][0]["functions"]) {
    if (f["name"] == "heavy") heavy = f["self_change_pp"].get<double>();
    if (f["name"] == "hot_loop") hot = f["self_change_pp"].get<double>();
  }
  EXPECT_LT(heavy, -50) << d.dump();
  EXPECT_GT(hot, 70) << d.dump();
  std::istringstream folded(harness::read_text(dir.file("d.folded")));
  std::size_t lines = 0;
  for (std::string line; std::getline(folded, line); ++lines) {
    const auto last = line.rfind(' ');
    ASSERT_NE(last, std::string::npos);
    EXPECT_NE(line.rfind(' ', last - 1), std::string::npos) << line;  // "stack OLD NEW"
  }
  EXPECT_GT(lines, 1U);
  const auto text = run({perfprobe(), "report", "--diff", dir.file("old.data"), dir.file("new.data")});
  EXPECT_NE(text.out.find("pp"), std::string::npos) << text.out;
}

// `run -- A ::: B`: the runs alternate (the --jsonl run_start lines say whose), both reports are there,
// and the comparison calls B (twice the sleep) slower, as compare would.
TEST(InterleavedRun, AlternatesTheCommandsAndComparesThem) {
  harness::TempDir dir;
  const auto r = run({perfprobe(), "run", "-r", "8", "-w", "1", "--no-progress", "--jsonl", dir.file("s.jsonl"),
                      "--json", dir.file("r.json"), "--", "sleep", "0.05", ":::", "sleep", "0.1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> order;
  for (const auto& line : harness::read_jsonl(dir.file("s.jsonl"))) {
    if (line["event"] == "run_start") order.push_back(line["command"][1].get<std::string>());
  }
  ASSERT_EQ(order.size(), 18U);  // 1 warm-up and 8 runs of each
  for (std::size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], i % 2 == 0 ? "0.05" : "0.1") << i;

  const json doc = harness::read_json(dir.file("r.json"));
  EXPECT_EQ(doc["order"], "interleaved");
  ASSERT_EQ(doc["commands"].size(), 2U);
  EXPECT_EQ(doc["commands"][0]["command"], json({"sleep", "0.05"}));
  EXPECT_EQ(doc["commands"][1]["command"], json({"sleep", "0.1"}));
  EXPECT_EQ(doc["commands"][1]["runs"].size(), 8U);
  const auto& cmp = doc["comparison"]["comparisons"];
  ASSERT_EQ(cmp.size(), 1U);
  const json* wall = nullptr;
  for (const auto& m : cmp[0]["metrics"]) {
    if (m["metric"] == "wall_ms") wall = &m;
  }
  ASSERT_NE(wall, nullptr) << doc["comparison"].dump();
  // 50 ms -> 100 ms plus fork and exec on both sides, which a loaded machine stretches alike.
  EXPECT_EQ((*wall)["outcome"], "worse") << wall->dump();
  EXPECT_GT((*wall)["change_pct"].get<double>(), 30) << wall->dump();
  // Both reports, then the comparison table.
  const auto a = r.err.find("perfprobe: sleep 0.05");
  const auto b = r.err.find("perfprobe: sleep 0.1");
  const auto table = r.err.find("B vs A");
  ASSERT_NE(a, std::string::npos) << r.err;
  ASSERT_NE(b, std::string::npos) << r.err;
  ASSERT_NE(table, std::string::npos) << r.err;
  EXPECT_LT(a, b);
  EXPECT_LT(b, table);
  EXPECT_NE(r.err.find("slower", table), std::string::npos) << r.err;
}

// The exit status is the first failed run's, in the order the runs ran, as with `run -r N`.
TEST(InterleavedRun, ExitsWithTheFirstFailedRunsStatus) {
  const auto r = run({perfprobe(), "run", "-q", "-r", "2", "--", "sh", "-c", "exit 0", ":::", "sh", "-c", "exit 7",
                      ":::", "sh", "-c", "exit 5"});
  EXPECT_EQ(r.exit_code, 7) << r.err;
}

TEST(InterleavedRun, MisplacedSeparatorsAndOtherCommandsAreUsageErrors) {
  harness::TempDir dir;
  const auto before = run({perfprobe(), "run", "--", ":::", "true"});
  EXPECT_EQ(before.exit_code, 2);
  EXPECT_NE(before.err.find("no command before"), std::string::npos) << before.err;
  const auto after = run({perfprobe(), "run", "--", "true", ":::"});
  EXPECT_EQ(after.exit_code, 2);
  EXPECT_NE(after.err.find("no command after"), std::string::npos) << after.err;
  EXPECT_EQ(run({perfprobe(), "run", "--", "true", ":::", ":::", "true"}).exit_code, 2);
  const auto html = run({perfprobe(), "run", "--html", dir.file("r.html"), "--", "true", ":::", "true"});
  EXPECT_EQ(html.exit_code, 2);
  EXPECT_NE(html.err.find("--html"), std::string::npos) << html.err;
  const auto rec = run({perfprobe(), "record", "-o", dir.file("r.data"), "--", "true", ":::", "true"});
  EXPECT_EQ(rec.exit_code, 2);
  EXPECT_NE(rec.err.find("is for `perfprobe run`"), std::string::npos) << rec.err;
  const auto att = run({perfprobe(), "attach", "-p", "1", "--", "true", ":::", "true"});
  EXPECT_EQ(att.exit_code, 2);
  EXPECT_NE(att.err.find("is for `perfprobe run`"), std::string::npos) << att.err;
}
