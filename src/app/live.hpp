// What perfprobe shows on the terminal while it works (docs/live.md): a status line for the runs
// (run k of N, ETA, last and mean wall; elapsed, phase, tokens, tokens/s, RSS of the run under way),
// and a count line for long steps after a run (symbolizing N/M samples). Only when stderr is a
// terminal; otherwise nothing here costs a wake-up or writes a byte.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "perfprobe/markers/analysis.hpp"
#include "perfprobe/model.hpp"
#include "perfprobe/sys/event_loop.hpp"
#include "perfprobe/sys/terminal.hpp"

namespace perfprobe::app {

// Whether to show progress at all: stderr is a terminal, TERM is not "dumb", CI is unset (a CI job
// with a pseudo-terminal still writes a log), and the user did not turn it off (`off`).
[[nodiscard]] bool progress_wanted(bool off);

// The status line of a series of runs. It lives in the terminal's last row, below a scroll region
// that holds everything else (the target's output, perfprobe's messages), so the target can write
// at any moment, through perfprobe or straight to the terminal, without landing on the line.
class LiveStatus {
 public:
  LiveStatus(int runs, int warmups);
  LiveStatus(const LiveStatus&) = delete;
  LiveStatus& operator=(const LiveStatus&) = delete;
  ~LiveStatus() { clear(); }

  // Run `index` (warm-ups first) starts at `t0` (CLOCK_MONOTONIC): the line is redrawn from `loop`'s
  // timer while it runs, and at its end (runs shorter than a redraw period show progress too).
  void run_started(sys::EventLoop& loop, std::int64_t t0, int index, const markers::AnalysisPlan& plan);
  void on_event(const Event& e);  // relative to the run's t0
  void run_ended(std::int64_t wall_ns);
  // The line goes and the terminal scrolls whole again; before perfprobe prints its report.
  void clear();

 private:
  void tick();
  void draw(std::int64_t now);

  int runs_;
  int warmups_;
  std::int64_t series_start_ns_;
  // The run under way.
  std::int64_t t0_ = 0;
  int index_ = 0;
  bool in_run_ = false;
  const markers::AnalysisPlan* plan_ = nullptr;
  std::optional<markers::SpecHits> token_hits_;  // a /N token spec: every Nth hit, as the analysis counts
  std::vector<std::string> open_phases_;         // innermost last
  std::uint64_t tokens_ = 0;
  std::deque<std::int64_t> recent_tokens_ns_;  // token times within the last second
  std::optional<std::uint64_t> rss_bytes_;
  // Finished runs.
  int finished_ = 0;
  double all_wall_s_ = 0;  // warm-ups included: the ETA's estimate of one run
  int measured_ = 0;
  double measured_wall_s_ = 0;
  std::optional<double> last_wall_s_;
  // The terminal: the rows the scroll region was set up for, 0 when it is not.
  int region_rows_ = 0;
  std::int64_t last_draw_ns_ = 0;
};

// "symbolizing N/M samples" on one line of stderr, drawn a few times a second once the step has
// taken a second; clear() (or the destructor) erases it.
class CountProgress {
 public:
  CountProgress(std::string what, std::string unit, bool off);
  CountProgress(const CountProgress&) = delete;
  CountProgress& operator=(const CountProgress&) = delete;
  ~CountProgress() { clear(); }
  void update(std::uint64_t done, std::uint64_t total);
  void clear();

 private:
  std::string what_;
  std::string unit_;
  bool wanted_;
  std::int64_t start_ns_;
  std::int64_t last_draw_ns_ = 0;
  bool drawn_ = false;
};

}  // namespace perfprobe::app
