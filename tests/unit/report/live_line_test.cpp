// The live status line: figures -> text, within the terminal's width.
#include <gtest/gtest.h>

#include "perfprobe/report/live_line.hpp"

namespace perfprobe::report {
namespace {

LiveFigures series_figures() {
  LiveFigures f;
  f.run = 2;
  f.runs = 3;
  f.last_wall_s = 0.5012;
  f.mean_wall_s = 0.5008;
  f.eta_s = 0.7;
  f.elapsed_s = 0.3;
  return f;
}

TEST(LiveLine, SeriesShowsRunEtaLastAndMean) {
  EXPECT_EQ(live_line(series_figures(), 200), "run 2/3  ETA 700 ms  last 501 ms  mean 501 ms  |  300 ms");
}

TEST(LiveLine, SingleRunShowsElapsedPhaseTokensRateAndRss) {
  LiveFigures f;
  f.elapsed_s = 3.26;
  f.phase = "generate";
  f.tokens = 57;
  f.tokens_per_s = 18.04;
  f.rss_bytes = 45 * 1024 * 1024 + 200 * 1024;
  EXPECT_EQ(live_line(f, 200), "3.3 s  generate  57 tok  18.0 tok/s  RSS 45.2 MiB");
}

TEST(LiveLine, UnknownFiguresAreLeftOut) {
  LiveFigures f;
  f.elapsed_s = 1.5;
  EXPECT_EQ(live_line(f, 80), "1.5 s");
  LiveFigures first = series_figures();
  first.run = 1;
  first.last_wall_s.reset();
  first.mean_wall_s.reset();
  first.eta_s.reset();
  EXPECT_EQ(live_line(first, 80), "run 1/3  |  300 ms");
}

TEST(LiveLine, BetweenRunsOnlyTheSeriesShows) {
  LiveFigures f = series_figures();
  f.elapsed_s.reset();
  f.phase = "load";
  EXPECT_EQ(live_line(f, 200), "run 2/3  ETA 700 ms  last 501 ms  mean 501 ms");
}

TEST(LiveLine, WarmUpRunsAreNamed) {
  LiveFigures f = series_figures();
  f.warmup = 1;
  f.warmups = 2;
  f.last_wall_s.reset();
  f.mean_wall_s.reset();
  EXPECT_EQ(live_line(f, 200), "warm-up 1/2  ETA 700 ms  |  300 ms");
}

TEST(LiveLine, FieldsDropFromTheRightToFitTheColumns) {
  const LiveFigures f = series_figures();
  for (std::size_t columns = 1; columns <= 120; ++columns) {
    const std::string line = live_line(f, columns);
    EXPECT_LE(line.size(), columns - 1) << columns;  // never the last column: no wrap
  }
  EXPECT_EQ(live_line(f, 30), "run 2/3  ETA 700 ms");
  EXPECT_EQ(live_line(f, 50), "run 2/3  ETA 700 ms  last 501 ms  mean 501 ms");  // no dangling "|"
  EXPECT_EQ(live_line(f, 6), "run 2");  // even the first field is cut rather than wrapped
}

TEST(LiveLine, PhaseNamesCannotDriveTheTerminal) {
  LiveFigures f;
  f.elapsed_s = 2;
  f.phase = "evil\x1b[2J\r\n";
  EXPECT_EQ(live_line(f, 80), "2.0 s  evil?[2J??");
}

TEST(LiveLine, CutsNeverSplitUtf8) {
  LiveFigures f;
  f.elapsed_s = 2;
  f.phase = "\xc3\xa9tape-tr\xc3\xa8s-longue";  // "étape-très-longue": 17 columns
  EXPECT_EQ(live_line(f, 30), "2.0 s  \xc3\xa9tape-tr\xc3\xa8s-longue");
  LiveFigures long_phase;
  long_phase.elapsed_s = 0;
  long_phase.phase = std::string(40, 'x');
  EXPECT_EQ(live_line(long_phase, 10), "0 ms");
}

TEST(LiveLine, Durations) {
  EXPECT_EQ(live_duration(0.0004), "0 ms");
  EXPECT_EQ(live_duration(0.25), "250 ms");
  EXPECT_EQ(live_duration(12.34), "12.3 s");
  EXPECT_EQ(live_duration(245.0), "4 min 05 s");
  EXPECT_EQ(live_duration(-1), "0 ms");
}

TEST(CountLine, DoneOfTotalWithPercent) {
  EXPECT_EQ(count_line("symbolizing", 1200, 5000, "samples", 80), "symbolizing 1200/5000 samples  (24%)");
  EXPECT_EQ(count_line("symbolizing", 1200, 5000, "samples", 32), "symbolizing 1200/5000 samples");
  EXPECT_EQ(count_line("symbolizing", 1200, 5000, "samples", 11), "symbolizin");
  EXPECT_EQ(count_line("reading", 0, 0, "", 80), "reading 0/0");
}

}  // namespace
}  // namespace perfprobe::report
