// The HTML report on hand-made runs and profiles: strings from outside are escaped everywhere, the
// figures are in the page with their raw values, the charts are there, and the size stays bounded.
#include <gtest/gtest.h>

#include <regex>

#include "perfprobe/report/html.hpp"

namespace perfprobe::report {
namespace {

const std::string kHostile = "</script><script>alert(1)</script>\"'&<b>";

RunResult make_run(int tokens) {
  RunResult r;
  r.wall_ns = 2'000'000'000;
  r.startup_ns = 300'000'000;
  r.phases = {{"load", 0, 300'000'000, 1 << 20, 1 << 19, 1 << 19, {}},
              {kHostile, 400'000'000, 1'900'000'000, 0, 0, 0, {}}};
  TokenStats t;
  t.count = static_cast<std::uint64_t>(tokens);
  t.ttft_ns = 450'000'000;
  for (int i = 0; i < tokens; ++i) {
    Event e;
    e.kind = EventKind::token;
    e.t_ns = 450'000'000 + static_cast<std::int64_t>(i) * 1'000'000;
    r.events.push_back(e);
    if (i > 0) t.latency_ms.push_back(i == 10 ? 25.0 : 1.0);
  }
  t.stalls = {{10, 460'000'000, 25.0}};
  t.tokens_per_s = 990;
  r.tokens = t;
  Event m;
  m.kind = EventKind::marker;
  m.name = kHostile;
  m.t_ns = 100'000'000;
  r.events.push_back(m);
  for (int i = 0; i < 20; ++i) {
    r.rss.push_back({i * 100'000'000, static_cast<std::uint64_t>(i + 1) << 20, static_cast<std::uint64_t>(i) << 19,
                     static_cast<std::uint64_t>(i) << 19, 0, 1});
  }
  r.counters = {{"task-clock", true, "", "", 1'500'000'000, 1.5e9, 1, 1, false, "ns", false},
                {"cycles", false, "no PMU", "", 0, 0, 0, 0, false, "", true}};
  return r;
}

HtmlMeta meta() {
  HtmlMeta m;
  m.kind = "run";
  m.tool = "perfprobe 0.1.0";
  m.command = {"./llm", kHostile};
  m.hostname = "host";
  m.unix_s = 1'800'000'000;
  m.warnings = {kHostile};
  return m;
}

// Everything between <script> and </script>: the page's own script and the JSON blocks.
std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(Html, EscapesEveryStringFromOutside) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escape(std::string("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
  RunReport rep;
  rep.command = meta().command;
  rep.runs = {make_run(50)};
  rep.warnings = {kHostile};
  const std::string page = run_to_html(rep, meta());
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_EQ(page.find("<b>"), std::string::npos);
  // Only the page's own script element and the JSON data blocks: a name cannot open another.
  EXPECT_EQ(count(page, "<script"), count(page, "</script>"));
  EXPECT_EQ(count(page, "<script>"), 1U);
}

TEST(Html, HoldsTheFiguresWithRawValues) {
  RunReport rep;
  rep.runs = {make_run(50)};
  const std::string page = run_to_html(rep, meta());
  EXPECT_NE(page.find("data-metric=\"ttft_ms\" data-value=\"450\""), std::string::npos);
  EXPECT_NE(page.find("data-metric=\"token_latency_p50_ms\" data-value=\"1\""), std::string::npos);
  EXPECT_NE(page.find("data-metric=\"phase.load.duration_ms\" data-value=\"300\""), std::string::npos);
  EXPECT_NE(page.find("data-metric=\"startup_ms\" data-value=\"300\""), std::string::npos);
  EXPECT_NE(page.find("class=\"tl\""), std::string::npos);       // the timeline
  EXPECT_NE(page.find("class=\"latplot\""), std::string::npos);  // the per-token plot
  EXPECT_NE(page.find("class=\"hist\""), std::string::npos);     // the histogram
  EXPECT_NE(page.find("class=\"stall\""), std::string::npos);    // the stall tick
  EXPECT_NE(page.find("rss-anon"), std::string::npos);
  EXPECT_NE(page.find("not counted (no PMU): cycles"), std::string::npos);
  EXPECT_EQ(page.find("id=\"runs\""), std::string::npos);  // one run: no distributions
}

TEST(Html, DistributionsOverRuns) {
  RunReport rep;
  for (int i = 0; i < 5; ++i) {
    rep.runs.push_back(make_run(20));
    rep.runs.back().wall_ns += i * 10'000'000;
  }
  const std::string page = run_to_html(rep, meta());
  EXPECT_NE(page.find("class=\"whiskers\""), std::string::npos);
  EXPECT_NE(page.find("data-metric=\"summary.wall_ms.median\" data-value=\"2020\""), std::string::npos);
  // Every metric of the catalogue the runs have, under its catalogue key and label.
  EXPECT_NE(page.find("data-metric=\"summary.tokens.ttft_ms.median\" data-value=\"450\""), std::string::npos);
  EXPECT_NE(page.find("data-metric=\"summary.phases.load.duration_ms.median\" data-value=\"300\""), std::string::npos);
  EXPECT_NE(page.find(">time to first token<"), std::string::npos);
  EXPECT_NE(page.find("Run 3 of 5, the median by wall time"), std::string::npos);
}

TEST(Html, ManyTokensStayAFewHundredKilobytes) {
  RunReport rep;
  rep.runs = {make_run(20000)};
  const std::string page = run_to_html(rep, meta());
  EXPECT_LT(page.size(), 800'000U);
}

TEST(Html, FlameGraphPerPhaseAndThreadAndTopFunction) {
  ResolvedProfile p;
  p.event = "cpu-clock";
  p.frequency_hz = 999;
  p.call_graph = "fp";
  p.frames = {{"main", "m.c", 10, "/bin/m", 0x100, false},
              {"work<int>", "m.c", 20, "/bin/m", 0x200, false},
              {"hot", "m.c", 30, "/bin/m", 0x300, false},
              {"hot", "m.c", 31, "/bin/m", 0x308, false}};
  for (int i = 0; i < 6; ++i) p.samples.push_back({i * 1'000'000, 1, 1, p.add_stack({2, 1, 0})});
  for (int i = 0; i < 2; ++i) p.samples.push_back({(10 + i) * 1'000'000, 1, 2, p.add_stack({3, 1, 0})});
  p.thread_names = {{1, "main"}, {2, "worker"}};
  const std::vector<PhaseResult> phases{{"decode", 0, 8'000'000, 0, 0, 0, {}}};
  const auto rep = analyse_profile(p, phases, ProfileOptions{});
  const std::string page = profile_to_html(rep, p, make_run(5), meta());
  EXPECT_NE(page.find("data-metric=\"top_function\">hot<"), std::string::npos);
  EXPECT_NE(page.find("data-n=\"work&lt;int&gt;\""), std::string::npos);
  EXPECT_NE(page.find("data-scope=\"phase:1\""), std::string::npos);
  EXPECT_NE(page.find("data-scope=\"thread:2\""), std::string::npos);
  // hot's own samples by line: 6 on line 30, 2 on line 31.
  EXPECT_NE(page.find(">m.c:30</td><td class=\"num\">6</td><td class=\"num\">75%"), std::string::npos);
  // The root frame spans everything: data-x 0, data-w 1.
  EXPECT_NE(page.find("data-x=\"0\" data-w=\"1\" data-d=\"0\" data-n=\"all\""), std::string::npos);
}

// The part of the page that draws one flame graph scope.
std::string scope_html(const std::string& page, const std::string& key) {
  const auto at = page.find("data-scope=\"" + key + "\"");
  if (at == std::string::npos) return {};
  return page.substr(at, page.find("</svg>", at) - at);
}

// The <g> of the frame named `name` in one scope (its first call path).
std::string frame(const std::string& scope, const std::string& name) {
  const auto at = scope.find("data-n=\"" + name + "\"");
  if (at == std::string::npos) return {};
  return scope.substr(at, scope.find("</g>", at) - at);
}

TEST(Html, DifferentialFlameGraphColoursEachCallPathByItsChangeOfShare) {
  ResolvedProfile old_p, new_p;
  for (auto* p : {&old_p, &new_p}) {
    p->event = "cpu-clock";
    p->frequency_hz = 999;
    p->frames = {{"main", "m.c", 10, "/bin/m", 0x100, false},
                 {"work", "m.c", 20, "/bin/m", 0x200, false},
                 {"hot", "m.c", 30, "/bin/m", 0x300, false},
                 {"cold", "m.c", 40, "/bin/m", 0x400, false},
                 {kHostile, "m.c", 50, "/bin/m", 0x500, false}};
  }
  // Old: hot 60%, cold 40%. New: hot 80%, a new function 20%, cold gone.
  for (int i = 0; i < 10; ++i) {
    old_p.samples.push_back(
        {i * 1'000'000, 1, 1,
         old_p.add_stack(i < 6 ? std::vector<std::uint32_t>{2, 1, 0} : std::vector<std::uint32_t>{3, 0})});
    new_p.samples.push_back(
        {i * 1'000'000, 1, 1,
         new_p.add_stack(i < 8 ? std::vector<std::uint32_t>{2, 1, 0} : std::vector<std::uint32_t>{4, 0})});
  }
  const auto old_r = analyse_profile(old_p, {}, ProfileOptions{SIZE_MAX, 20});
  const auto new_r = analyse_profile(new_p, {}, ProfileOptions{SIZE_MAX, 20});
  const auto diff = diff_profiles(old_r, new_r, 0);
  const std::string page = profile_diff_to_html(diff, {&old_r, &old_p}, {&new_r, &new_p}, meta());

  const std::string now = scope_html(page, "new:all"), before = scope_html(page, "old:all");
  ASSERT_FALSE(now.empty());
  ASSERT_FALSE(before.empty());
  // Sized by its own recording: hot is 80% wide in the new graph, 60% in the old.
  EXPECT_NE(frame(now, "hot").find("width=\"799.5\""), std::string::npos) << frame(now, "hot");
  EXPECT_NE(frame(before, "hot").find("width=\"599.5\""), std::string::npos) << frame(before, "hot");
  // Coloured by new share minus old share, the same on both sides; full colour at the largest (40 pp).
  for (const auto& side : {now, before}) {
    EXPECT_NE(frame(side, "hot").find("data-c=\"20\"><rect"), std::string::npos) << frame(side, "hot");
    EXPECT_NE(frame(side, "hot").find("fill=\"hsl(0,78%,73%)\""), std::string::npos) << frame(side, "hot");
    EXPECT_NE(frame(side, "main").find("data-c=\"0\""), std::string::npos);
  }
  EXPECT_NE(frame(before, "cold").find("data-c=\"-40\""), std::string::npos) << frame(before, "cold");
  EXPECT_NE(frame(before, "cold").find("fill=\"hsl(215,78%,50%)\""), std::string::npos);
  EXPECT_TRUE(frame(now, "cold").empty());  // gone: only the old graph shows it
  EXPECT_NE(frame(before, "hot").find("old 60% → new 80% (+20.0 pp)"), std::string::npos) << frame(before, "hot");
  // The new function, by its escaped name, only in the new graph.
  EXPECT_NE(frame(now, html_escape(kHostile)).find("data-c=\"20\""), std::string::npos);
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_NE(page.find("data-metric=\"self_change_pp.hot\" data-value=\"20\""), std::string::npos);
  EXPECT_NE(page.find("data-metric=\"self_change_pp.cold\" data-value=\"-40\""), std::string::npos);
}

}  // namespace
}  // namespace perfprobe::report
