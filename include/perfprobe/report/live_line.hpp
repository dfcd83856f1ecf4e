// The live status line drawn on a terminal while perfprobe measures (docs/live.md): the figures of the
// moment in, one line of at most `columns - 1` characters out. Pure; app/live.cpp decides when and
// where it is drawn.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace perfprobe::report {

struct LiveFigures {
  // The series: run `run` (1-based) of `runs`; a warm-up run counts in `warmup` of `warmups` instead.
  int run = 1;
  int runs = 1;
  int warmup = 0;  // 1-based warm-up run being measured, 0 when a measured run is
  int warmups = 0;
  std::optional<double> last_wall_s;  // the last finished measured run
  std::optional<double> mean_wall_s;  // over the finished measured runs
  std::optional<double> eta_s;        // until the series ends
  // The run under way; no elapsed time between two runs of a series (then none of these shows).
  std::optional<double> elapsed_s;
  std::string phase;                    // the innermost open phase, "" when none
  std::optional<std::uint64_t> tokens;  // tokens so far, when tokens are counted
  std::optional<double> tokens_per_s;   // over the last second
  std::optional<std::uint64_t> rss_bytes;
};

// "run 2/3  last 0.50 s  mean 0.50 s  ETA 0.7 s  |  1.2 s  decode  57 tok  18.0 tok/s  RSS 45.2 MiB".
// The series part appears when there is more than one run; the figures nobody knows yet are left
// out; fields are dropped from the right (then the text is cut) to fit in columns - 1, so the
// terminal never wraps the line. Control characters in a phase name become '?'.
[[nodiscard]] std::string live_line(const LiveFigures& f, std::size_t columns);

// "symbolizing 1200/5000 samples (24%)", cut to columns - 1 the same way.
[[nodiscard]] std::string count_line(std::string_view what, std::uint64_t done, std::uint64_t total,
                                     std::string_view unit, std::size_t columns);

// A duration for the line: "850 ms", "12.3 s", "4 min 05 s".
[[nodiscard]] std::string live_duration(double seconds);

}  // namespace perfprobe::report
