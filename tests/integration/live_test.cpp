// The live status line on a real terminal: a tmux pane runs perfprobe, capture-pane shows the line
// appear and change, the target's own output intact, and the report clean once the runs are over.
// On a pipe or file nothing of it is written.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <thread>

#include "harness.hpp"

namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string run_capture(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

bool have_tmux() { return std::system("tmux -V >/dev/null 2>&1") == 0; }

// One tmux server of its own (-L), one pane of `columns` x 20 running `command` through sh; the pane
// stays after the command so its last screen can be read.
class Pane {
 public:
  explicit Pane(const std::string& command, int columns = 100)
      : socket_("perfprobe-live-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++)),
        dir_(std::filesystem::temp_directory_path() / socket_) {
    std::filesystem::create_directories(dir_);
    const std::string script = "cd " + shell_quote(dir_.string()) +
                               " && unset CI NO_COLOR && export TERM=xterm-256color && " + command + "; echo $? > " +
                               shell_quote(done_path()) + "; sleep 120";
    tmux("-f /dev/null new-session -d -x " + std::to_string(columns) + " -y 20 " +
         shell_quote("sh -c " + shell_quote(script)));
  }
  ~Pane() {
    tmux("kill-server");
    std::filesystem::remove_all(dir_);
  }
  Pane(const Pane&) = delete;
  Pane& operator=(const Pane&) = delete;

  [[nodiscard]] std::string screen() const { return tmux("capture-pane -p"); }
  // The whole history, wrapped lines joined: what the target and perfprobe wrote, line by line.
  [[nodiscard]] std::string history() const { return tmux("capture-pane -p -J -S -"); }
  [[nodiscard]] bool done() const { return std::filesystem::exists(done_path()); }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

  // Screens captured every 50 ms until the command ends (at most `limit`).
  std::vector<std::string> watch(std::chrono::seconds limit) {
    std::vector<std::string> screens;
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < end) {
      screens.push_back(screen());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return screens;
  }

 private:
  std::string tmux(const std::string& args) const { return run_capture("tmux -L " + socket_ + " " + args + " 2>&1"); }
  [[nodiscard]] std::string done_path() const { return (dir_ / "done").string(); }
  static inline int counter_ = 0;
  std::string socket_;
  std::filesystem::path dir_;
};

std::size_t count_matching(const std::vector<std::string>& screens, const std::regex& re) {
  std::size_t n = 0;
  for (const auto& s : screens) n += std::regex_search(s, re) ? 1 : 0;
  return n;
}

TEST(Live, SeriesLineShowsRunEtaAndMeanThenGoes) {
  if (!have_tmux()) GTEST_SKIP() << "tmux is not installed (scripts/install-deps.sh --test)";
  Pane pane(shell_quote(harness::perfprobe()) + " run -r 3 -- sleep 0.5");
  const auto screens = pane.watch(std::chrono::seconds(30));
  ASSERT_TRUE(pane.done());
  const std::regex line(R"(run [23]/3  ETA \S+ m?s  last \S+ m?s  mean \S+ m?s)");
  EXPECT_GE(count_matching(screens, line), 1U) << (screens.empty() ? "" : screens.back());
  const std::string last = pane.history();
  EXPECT_FALSE(std::regex_search(last, std::regex("ETA|run \\d/3"))) << last;
  EXPECT_NE(last.find("3 runs"), std::string::npos) << last;  // the report itself
}

// One run of the example under perfprobe with `options`: the line appears and changes, and the example's
// own lines arrive whole. The pane is wider than the example's one long line of tokens: a redraw at the
// instant a wrapping line's cursor waits at the right margin costs that line a character on tmux
// (docs/live.md, "Limits"), which is not what this test is about. 24 layers make the run last a few
// seconds on fast machines too: the line shows after one second and changes every 250 ms.
void single_run_of_the_example(const std::string& options) {
  const std::vector<std::string> target = {
      harness::example("llm/toy_llm"), "--tokens", "100", "--weights-mb", "16", "--layers", "24"};
  const auto direct = harness::run(target);  // what the target writes by itself
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  std::string command = shell_quote(harness::perfprobe()) + " run --no-counters -i 50ms " + options + " --";
  for (const auto& word : target) command.append(" ").append(shell_quote(word));
  Pane pane(command, 1000);
  const auto screens = pane.watch(std::chrono::seconds(60));
  ASSERT_TRUE(pane.done());
  ASSERT_LT(direct.out.size(), 1000U);
  // The line sits in the last row: elapsed, phase, tokens, rate, RSS; it changes as the run goes on.
  const std::regex status(R"((\d+\.\d s)  generate  (\d+) tok  \d+\.\d tok/s  RSS \d)");
  std::vector<std::string> seen;
  for (const auto& s : screens) {
    std::smatch m;
    if (std::regex_search(s, m, status) && (seen.empty() || seen.back() != m.str(0))) seen.push_back(m.str(0));
  }
  EXPECT_GE(seen.size(), 2U) << "the status line did not appear and change; last screen:\n" << screens.back();
  // The target's stdout and stderr lines arrived whole, with nothing of the line inside them.
  const std::string last = pane.history();
  EXPECT_NE(last.find(direct.out.substr(0, direct.out.size() - 1) + "\n"), std::string::npos) << last;
  EXPECT_NE(last.find(direct.err), std::string::npos) << last;
  EXPECT_FALSE(std::regex_search(last, std::regex(R"(\d tok  )"))) << last;  // the line is gone
  EXPECT_NE(last.find("tokens"), std::string::npos) << last;                 // the report is there
}

// The example writes to the terminal itself: perfprobe cannot see when, and the line must still stay
// out of its lines.
TEST(Live, SingleRunLineUpdatesAndTheTargetsOwnWritesStayWhole) {
  if (!have_tmux()) GTEST_SKIP() << "tmux is not installed (scripts/install-deps.sh --test)";
  single_run_of_the_example("");
}

// Tokens from the output: perfprobe passes the example's stdout and stderr on itself.
TEST(Live, SingleRunLineUpdatesAndThePassedOnOutputStaysWhole) {
  if (!have_tmux()) GTEST_SKIP() << "tmux is not installed (scripts/install-deps.sh --test)";
  single_run_of_the_example("--tokens output");
}

TEST(Live, NothingOfTheLineInAFileOrWhenTurnedOff) {
  if (!have_tmux()) GTEST_SKIP() << "tmux is not installed (scripts/install-deps.sh --test)";
  // On a terminal (stdout is one) but stderr in a file; and on the terminal with the line turned off
  // four ways. None may carry a carriage return or an escape sequence.
  const std::string pp = shell_quote(harness::perfprobe());
  const std::string run = " run -r 3 -- sleep 0.4";
  Pane pane(pp + run + " 2>file.txt; " + pp + run + " --quiet 2>quiet.txt; " + pp + run +
            " --no-progress 2>none.txt; " + "TERM=dumb " + pp + run + " 2>dumb.txt; CI=true " + pp + run +
            " 2>ci.txt; " + pp + " run -r 3 --no-progress -- sleep 0.4");
  const auto screens = pane.watch(std::chrono::seconds(60));
  ASSERT_TRUE(pane.done());
  EXPECT_EQ(count_matching(screens, std::regex("ETA")), 0U);
  for (const char* name : {"file.txt", "quiet.txt", "none.txt", "dumb.txt", "ci.txt"}) {
    const std::string text = harness::read_text((pane.dir() / name).string());
    EXPECT_EQ(text.find_first_of("\r\x1b"), std::string::npos) << name << ":\n" << text;
  }
  EXPECT_NE(harness::read_text((pane.dir() / "file.txt").string()).find("3 runs"), std::string::npos);
}

}  // namespace
