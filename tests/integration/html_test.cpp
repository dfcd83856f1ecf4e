// The HTML report in a real browser: headless Chromium renders each kind of page (run, recording,
// check, attach) with no script or console error, and the DOM holds the figures the JSON report
// holds. Screenshots are kept under the build directory (artifacts/html/) for CI to keep.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cmath>
#include <regex>

#include "integration/harness.hpp"

using harness::fixture;
using harness::perfprobe;
using nlohmann::json;

namespace {

std::string chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return {};
}

struct Page {
  std::string dom;
  std::string log;
};

// One browser start: the DOM after the scripts ran, and a screenshot into the artifacts.
Page render(const std::string& html, const std::string& shot_name) {
  harness::TempDir profile;
  const std::string shots = PERFPROBE_ARTIFACT_DIR;
  (void)!std::system(("mkdir -p '" + shots + "'").c_str());
  harness::RunOptions opt;
  opt.timeout_s = 120;
  opt.env = {"DBUS_SESSION_BUS_ADDRESS=disabled:"};
  const auto r =
      harness::run({chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                    "--user-data-dir=" + profile.path(), "--enable-logging=stderr", "--v=0", "--window-size=1280,2200",
                    "--screenshot=" + shots + "/" + shot_name + ".png", "--dump-dom", "file://" + html},
                   opt);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return {r.out, r.err};
}

// The page's own script ran to its end, nothing threw, nothing was written to the console.
void expect_clean(const Page& p) {
  EXPECT_NE(p.dom.find("data-js=\"ok\""), std::string::npos) << "the script did not finish";
  const auto html_tag = p.dom.substr(0, p.dom.find('>', p.dom.find("<html")));
  EXPECT_EQ(html_tag.find("data-js-error"), std::string::npos) << html_tag;
  std::istringstream lines(p.log);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.find(":CONSOLE"), std::string::npos) << line;
    EXPECT_EQ(line.find("Uncaught"), std::string::npos) << line;
  }
}

// The raw value of the cell data-metric=NAME in the rendered DOM.
std::optional<double> metric(const std::string& dom, const std::string& name) {
  const std::regex re("data-metric=\"" + std::regex_replace(name, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                      "\" data-value=\"([^\"]+)\"");
  std::smatch m;
  if (!std::regex_search(dom, m, re)) return std::nullopt;
  return std::stod(m[1]);
}

void expect_metric(const std::string& dom, const std::string& name, double expected) {
  const auto v = metric(dom, name);
  ASSERT_TRUE(v.has_value()) << "no " << name << " in the DOM";
  EXPECT_NEAR(*v, expected, std::abs(expected) * 1e-6 + 1e-9) << name;
}

class Html : public ::testing::Test {
 protected:
  void SetUp() override {
    if (chromium().empty()) GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh --test)";
  }
  harness::TempDir dir;
};

TEST_F(Html, RunPageHoldsTheFiguresOfTheJsonReport) {
  const auto r = harness::run({perfprobe(),
                               "run",
                               "-q",
                               "-r",
                               "3",
                               "-i",
                               "10ms",
                               "--json",
                               dir.file("r.json"),
                               "--html",
                               dir.file("r.html"),
                               "--",
                               harness::example("llm/toy_llm"),
                               "--tokens",
                               "24",
                               "--weights",
                               dir.file("w.bin"),
                               "--weights-mb",
                               "16",
                               "--kv-mb",
                               "8",
                               "--layers",
                               "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = harness::read_json(dir.file("r.json"));
  const Page p = render(dir.file("r.html"), "run");
  expect_clean(p);
  // The timeline, tokens and counters show the median run by wall time.
  std::vector<std::pair<double, std::size_t>> walls;
  for (std::size_t i = 0; i < j["runs"].size(); ++i) walls.emplace_back(j["runs"][i]["wall_ms"].get<double>(), i);
  std::sort(walls.begin(), walls.end());
  const json& run = j["runs"][walls[1].second];
  expect_metric(p.dom, "ttft_ms", run["tokens"]["ttft_ms"].get<double>());
  expect_metric(p.dom, "token_latency_p50_ms", run["tokens"]["latency_ms"]["p50"].get<double>());
  expect_metric(p.dom, "startup_ms", run["startup_ms"].get<double>());
  for (const auto& ph : run["phases"])
    expect_metric(p.dom, "phase." + ph["name"].get<std::string>() + ".duration_ms", ph["duration_ms"].get<double>());
  expect_metric(p.dom, "summary.wall_ms.median", j["summary"]["wall_ms"]["median"].get<double>());
  EXPECT_NE(p.dom.find("class=\"whiskers\""), std::string::npos);
  // The script redrew the timeline axis (it clears and refills it): still there, with labels.
  EXPECT_NE(p.dom.find("<g class=\"axis\""), std::string::npos);
}

TEST_F(Html, RecordingPageHasTheTopFunctionAndFlameGraph) {
  const auto rec = harness::run({perfprobe(), "record", "-q", "-o", dir.file("p.data"), "--html", dir.file("rec.html"),
                                 "--", fixture("phased_hot")});
  ASSERT_EQ(rec.exit_code, 0) << rec.err;
  const auto rep = harness::run({perfprobe(), "report", dir.file("p.data"), "--json", "--html", dir.file("p.html")});
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  const json j = json::parse(rep.out);
  const Page p = render(dir.file("p.html"), "report");
  expect_clean(p);
  const std::string top = j["functions"][0]["name"];
  EXPECT_NE(p.dom.find("data-metric=\"top_function\">" + top + "<"), std::string::npos) << top;
  expect_metric(p.dom, "top_function.self_pct", j["functions"][0]["self_pct"].get<double>());
  EXPECT_NE(p.dom.find("class=\"fg\""), std::string::npos);
  EXPECT_NE(p.dom.find("data-scope=\"phase:1\""), std::string::npos);
  // With the script, one flame graph scope is shown at a time.
  EXPECT_NE(p.dom.find("class=\"fg-scope on\""), std::string::npos);
  // record --html wrote the same kind of page straight away.
  EXPECT_NE(harness::read_text(dir.file("rec.html")).find("data-metric=\"top_function\">" + top + "<"),
            std::string::npos);
}

TEST_F(Html, CheckPageHasTheBudgetsAndTheBaselineWithPValues) {
  const std::vector<std::string> target{"--tokens",
                                        "output",
                                        "--unbuffer",
                                        "--",
                                        harness::example("llm/toy_llm"),
                                        "--tokens",
                                        "8",
                                        "--weights",
                                        dir.file("w.bin"),
                                        "--weights-mb",
                                        "4",
                                        "--kv-mb",
                                        "2",
                                        "--layers",
                                        "1"};
  std::vector<std::string> base{perfprobe(), "check",      "-r",  "5",      "-w",
                                "0",         "--max-wall", "30s", "--json", dir.file("base.json")};
  base.insert(base.end(), target.begin(), target.end());
  ASSERT_EQ(harness::run(base).exit_code, 0);
  std::vector<std::string> cur{perfprobe(),
                               "check",
                               "-r",
                               "5",
                               "-w",
                               "0",
                               "--max-wall",
                               "30s",
                               "--max-peak-rss",
                               "1KiB",
                               "--baseline",
                               dir.file("base.json"),
                               "--json",
                               dir.file("c.json"),
                               "--html",
                               dir.file("c.html")};
  cur.insert(cur.end(), target.begin(), target.end());
  const auto r = harness::run(cur);
  ASSERT_EQ(r.exit_code, 1) << r.err;  // the peak RSS budget fails
  const json j = harness::read_json(dir.file("c.json"));
  const Page p = render(dir.file("c.html"), "check");
  expect_clean(p);
  EXPECT_NE(p.dom.find("<td class=\"fail\">fail</td>"), std::string::npos);
  EXPECT_NE(p.dom.find("<td class=\"pass\">pass</td>"), std::string::npos);
  ASSERT_FALSE(j["regressions"].empty()) << j.dump(1);
  for (const auto& m : j["regressions"]) {
    const std::string name = m["metric"];
    expect_metric(p.dom, "p_value." + name, m["p_value"].get<double>());
  }
}

// report --diff --html: two real recordings (one spends its time in heavy and light, the other in
// hot_loop); the page renders, its share changes are the JSON's, and each side has its graph.
TEST_F(Html, DifferentialPageHoldsTheSharesOfTheJsonDiff) {
  for (const auto& [name, fix] : {std::pair{"old", "hot_split"}, std::pair{"new", "spin"}}) {
    const auto rec = harness::run(
        {perfprobe(), "record", "-q", "-o", dir.file(std::string(name) + ".data"), "--", fixture(fix), "300"});
    ASSERT_EQ(rec.exit_code, 0) << rec.err;
  }
  const auto rep = harness::run({perfprobe(), "report", "--json", "--diff", dir.file("old.data"), dir.file("new.data"),
                                 "--html", dir.file("d.html")});
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  const json d = json::parse(rep.out);
  const Page p = render(dir.file("d.html"), "report-diff");
  expect_clean(p);
  double hot_total_change = 0;
  for (const auto& f : d["scopes"][0]["functions"]) {
    const std::string fn = f["name"];
    if (fn == "heavy" || fn == "hot_loop")
      expect_metric(p.dom, "self_change_pp." + fn, f["self_change_pp"].get<double>());
    if (fn == "hot_loop") hot_total_change = f["new_total_pct"].get<double>() - f["old_total_pct"].get<double>();
  }
  EXPECT_GT(hot_total_change, 70) << d.dump();
  EXPECT_NE(p.dom.find("class=\"fg-scope on\" data-scope=\"new:all\""), std::string::npos);
  EXPECT_NE(p.dom.find("data-scope=\"old:all\""), std::string::npos);
  // hot_loop has one call path: its frame's change is its total share's change.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(p.dom, m, std::regex("data-n=\"hot_loop\" data-c=\"([-0-9.]+)\"")));
  EXPECT_NEAR(std::stod(m[1]), hot_total_change, 0.01);
  const auto heavy = p.dom.find("data-n=\"heavy\" data-c=\"-");
  EXPECT_NE(heavy, std::string::npos) << "heavy lost its share: a blue frame in the old graph";
  EXPECT_GT(heavy, p.dom.find("data-scope=\"old:all\""));
}

TEST_F(Html, AttachPageRenders) {
  const pid_t pid = fork();
  if (pid == 0) {
    execl(fixture("spin").c_str(), "spin", "3000", static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto r = harness::run({perfprobe(), "attach", "-p", std::to_string(pid), "--duration", "500ms", "-q", "--json",
                               dir.file("a.json"), "--html", dir.file("a.html")});
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Page p = render(dir.file("a.html"), "attach");
  expect_clean(p);
  EXPECT_NE(p.dom.find("perfprobe attach"), std::string::npos);
  EXPECT_NE(p.dom.find("class=\"tl\""), std::string::npos);
}

}  // namespace
