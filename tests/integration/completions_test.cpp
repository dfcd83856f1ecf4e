// Shell completions: the bash script is sourced in a real bash and asked for candidates the way
// bash asks (COMP_WORDS, COMP_CWORD, then the completion function); zsh and fish scripts must at
// least parse where those shells are installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <set>

#include "integration/harness.hpp"

using harness::perfprobe;

namespace {

class Completions : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto r = harness::run({perfprobe(), "completions", "bash"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ofstream(dir.file("perfprobe.bash")) << r.out;
  }
  // The candidates bash would offer for the words typed so far (the last one is being completed).
  std::set<std::string> complete(const std::vector<std::string>& words) {
    std::string array;
    for (const auto& w : words) array += " '" + w + "'";
    const std::string script = "source '" + dir.file("perfprobe.bash") + "'; COMP_WORDS=(" + array +
                               "); COMP_CWORD=" + std::to_string(words.size() - 1) +
                               "; _perfprobe; printf '%s\\n' \"${COMPREPLY[@]}\"";
    const auto r = harness::run({"bash", "-c", script});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::set<std::string> out;
    std::istringstream lines(r.out);
    for (std::string l; std::getline(lines, l);) {
      if (!l.empty()) out.insert(l);
    }
    return out;
  }
  harness::TempDir dir;
};

TEST_F(Completions, SubcommandsAndGlobalOptions) {
  EXPECT_EQ(complete({"perfprobe", "re"}), (std::set<std::string>{"record", "report"}));
  EXPECT_EQ(complete({"perfprobe", "--color", ""}), (std::set<std::string>{"auto", "always", "never"}));
  EXPECT_TRUE(complete({"perfprobe", ""}).count("completions"));
}

TEST_F(Completions, OptionsOfEachSubcommandOnly) {
  EXPECT_EQ(complete({"perfprobe", "run", "--js"}), (std::set<std::string>{"--json", "--jsonl"}));
  EXPECT_TRUE(complete({"perfprobe", "run", "-q", ""}).count("--html")) << "a flag takes no value";
  const auto report = complete({"perfprobe", "report", "--"});
  EXPECT_TRUE(report.count("--html") && report.count("--folded") && report.count("--top"));
  EXPECT_FALSE(report.count("--runs"));
  EXPECT_FALSE(complete({"perfprobe", "run", "--"}).count("--fake-counters")) << "hidden options stay hidden";
  EXPECT_TRUE(complete({"perfprobe", "check", "--max-"}).count("--max-token-p95"));
}

TEST_F(Completions, OptionValues) {
  EXPECT_EQ(complete({"perfprobe", "record", "--call-graph", ""}), (std::set<std::string>{"auto", "fp", "dwarf"}));
  EXPECT_EQ(complete({"perfprobe", "run", "-e", "cyc"}), (std::set<std::string>{"cycles"}));
  EXPECT_EQ(complete({"perfprobe", "run", "-e", "cycles,instr"}), (std::set<std::string>{"cycles,instructions"}));
  EXPECT_EQ(complete({"perfprobe", "run", "--tokens", "u"}), (std::set<std::string>{"usdt:", "uprobe:", "uretprobe:"}));
  EXPECT_EQ(complete({"perfprobe", "completions", ""}), (std::set<std::string>{"bash", "zsh", "fish"}));
  // A FILE value completes file names.
  std::ofstream(dir.file("report-out.html")) << "x";
  EXPECT_EQ(complete({"perfprobe", "run", "--html", dir.file("report-o")}),
            (std::set<std::string>{dir.file("report-out.html")}));
}

TEST_F(Completions, TheTargetCommandAfterTheSeparator) {
  EXPECT_TRUE(complete({"perfprobe", "run", "-r", "3", "--", "tru"}).count("true"));
  EXPECT_TRUE(
      complete({"perfprobe", "run", "--", "true", dir.path() + "/perfprobe.ba"}).count(dir.file("perfprobe.bash")));
}

TEST_F(Completions, ZshAndFishScriptsParse) {
  for (const std::string shell : {"zsh", "fish"}) {
    const auto r = harness::run({perfprobe(), "completions", shell});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(shell == "fish" ? "-l html" : "--html"), std::string::npos) << shell;
    if (::access(("/usr/bin/" + shell).c_str(), X_OK) != 0) continue;  // the shell is not installed
    std::ofstream(dir.file("c." + shell)) << r.out;
    const auto parse = harness::run({"/usr/bin/" + shell, "-n", dir.file("c." + shell)});
    EXPECT_EQ(parse.exit_code, 0) << shell << ": " << parse.err;
  }
}

TEST_F(Completions, UnknownShellIsAUsageError) {
  EXPECT_EQ(harness::run({perfprobe(), "completions", "tcsh"}).exit_code, 2);
}

}  // namespace
