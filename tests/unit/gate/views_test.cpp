// The verdict's views: pass/fail logic, text table, JSON keys, JUnit structure and escaping, Markdown.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "perfprobe/gate/views.hpp"

using namespace perfprobe::gate;

namespace {

Verdict sample_verdict(bool fail) {
  Verdict v;
  v.tool = "perfprobe test";
  v.command = {"./llm", "--prompt", "a<b&c"};
  v.runs = 5;
  v.warmup = 1;
  BudgetResult size{{BudgetKind::stripped_size, "build/llm", 15.0 * 1024 * 1024, "--max-stripped-size"},
                    12.0 * 1024 * 1024,
                    true,
                    3.0 * 1024 * 1024,
                    ""};
  BudgetResult startup{{BudgetKind::startup_p95, "", 100e6, "config budgets.startup_p95"},
                       fail ? 130e6 : 80e6,
                       !fail,
                       fail ? -30e6 : 20e6,
                       ""};
  v.budgets = {size, startup};
  v.baseline = BaselineSettings{"base.json", 0.99, 0.1};
  RegressionResult r;
  r.metric = "wall_ms";
  r.baseline_median = 100;
  r.current_median = 131;
  r.change = 0.31;
  r.p_value = 1e-5;
  r.significant = true;
  r.regressed = fail;
  r.outcome = fail ? Outcome::regressed : Outcome::same;
  v.regressions = {r};
  v.samples = {{"wall_ms", {130, 131, 132}}};
  return v;
}

}  // namespace

TEST(Verdict, PassesOnlyWhenEveryBudgetPassesAndNothingRegressed) {
  EXPECT_TRUE(sample_verdict(false).passed());
  EXPECT_FALSE(sample_verdict(true).passed());
}

TEST(Views, TextTableShowsBudgetMeasuredAndMargin) {
  std::ostringstream out;
  write_text(out, sample_verdict(true), false);
  const std::string s = out.str();
  EXPECT_NE(s.find("FAIL"), std::string::npos);
  EXPECT_NE(s.find("stripped_size build/llm"), std::string::npos);
  EXPECT_NE(s.find("15.0 MiB"), std::string::npos);
  EXPECT_NE(s.find("12.0 MiB"), std::string::npos);
  EXPECT_NE(s.find("+3.0 MiB"), std::string::npos);
  EXPECT_NE(s.find("-30.0 ms"), std::string::npos);
  EXPECT_NE(s.find("REGRESSION"), std::string::npos);
  EXPECT_NE(s.find("Mann-Whitney"), std::string::npos);
}

TEST(Views, JsonHasTheDocumentedKeysAndSamples) {
  const auto j = nlohmann::json::parse(to_json_text(sample_verdict(true)));
  EXPECT_EQ(j["schema_version"], 2);
  EXPECT_EQ(j["passed"], false);
  ASSERT_EQ(j["budgets"].size(), 2U);
  for (const char* k : {"key", "name", "subject", "origin", "unit", "kind", "limit", "measured", "margin", "passed"}) {
    EXPECT_TRUE(j["budgets"][0].contains(k)) << k;
  }
  EXPECT_EQ(j["budgets"][1]["key"], "startup_p95");
  EXPECT_EQ(j["baseline"]["test"], "mann-whitney-u-one-sided");
  EXPECT_EQ(j["regressions"][0]["regressed"], true);
  EXPECT_EQ(j["regressions"][0]["outcome"], "regressed");
  EXPECT_EQ(j["samples"]["wall_ms"].size(), 3U);
}

TEST(Views, JunitHasOneTestcasePerBudgetAndMetricWithFailures) {
  const std::string x = to_junit_xml(sample_verdict(true));
  EXPECT_EQ(x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0U);
  std::size_t cases = 0;
  for (auto p = x.find("<testcase "); p != std::string::npos; p = x.find("<testcase ", p + 1)) ++cases;
  EXPECT_EQ(cases, 3U);
  EXPECT_NE(x.find("tests=\"3\" failures=\"2\""), std::string::npos);
  EXPECT_NE(x.find("type=\"regression\""), std::string::npos);
  EXPECT_NE(x.find("</testsuites>"), std::string::npos);
}

TEST(Views, JunitEscapesMarkupAndDropsControlCharacters) {
  Verdict v;
  BudgetResult b{{BudgetKind::phase_p95, "a<b>&\"q'\x01", 1e6, ""}, 2e6, false, -1e6, ""};
  v.budgets = {b};
  const std::string x = to_junit_xml(v);
  EXPECT_NE(x.find("a&lt;b&gt;&amp;&quot;q&apos;"), std::string::npos);
  EXPECT_EQ(x.find('\x01'), std::string::npos);
}

TEST(Views, MarkdownTableEscapesPipes) {
  auto v = sample_verdict(false);
  v.budgets[0].budget.subject = "a|b";
  const std::string m = to_markdown(v);
  EXPECT_NE(m.find("✅ pass"), std::string::npos);
  EXPECT_NE(m.find("| budget | limit | measured | margin | result |"), std::string::npos);
  EXPECT_NE(m.find("a\\|b"), std::string::npos);
  EXPECT_NE(m.find("| wall_ms |"), std::string::npos);
}

// The check page labels each compared metric as the catalogue does and says when it is inconclusive.
TEST(Views, HtmlShowsTheOutcomeOfEachMetric) {
  auto v = sample_verdict(false);
  v.regressions[0].label = "wall";
  v.regressions[0].outcome = Outcome::inconclusive;
  v.regressions[0].significant = false;
  const std::string page = to_html(v, nullptr, perfprobe::report::HtmlMeta{});
  EXPECT_NE(page.find("<td title=\"wall_ms\">wall</td>"), std::string::npos);
  EXPECT_NE(page.find("<td class=\"warn\">inconclusive</td>"), std::string::npos);
  EXPECT_NE(page.find("data-metric=\"current.wall_ms\" data-value=\"131\""), std::string::npos);
}
